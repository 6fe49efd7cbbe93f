# expect: ok
struct Item do
  name :: String
  tags :: List<String>
  count :: Option<Int>
end deriving(Json)
fn main() do
  let i = Item { name: "x", tags: [], count: None }
  println(Json.encode(i))
end
