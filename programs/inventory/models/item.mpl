pub struct Item do
  name :: String
  count :: Int
end deriving(Eq, Display)

pub fn make_item(name :: String, count :: Int) -> Item do
  Item { name: name, count: count }
end
