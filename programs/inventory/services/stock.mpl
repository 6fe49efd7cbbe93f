from Models.Item import Item

fn find(items :: List<Item>, name :: String) -> Item? do
  List.find(items, fn i -> i.name == name end)
end

fn replace(items :: List<Item>, item :: Item) -> List<Item> do
  List.map(items, fn i -> if i.name == item.name do item else i end end)
end

fn take_item(items :: List<Item>, item :: Item, n :: Int) -> (List<Item>, Int!String) do
  if item.count < n do
    (items, Err("only ${item.count} ${item.name} left"))
  else
    let left = item.count - n
    (replace(items, %{item | count: left}), Ok(left))
  end
end

fn take_from(items :: List<Item>, name :: String, n :: Int) -> (List<Item>, Int!String) do
  case find(items, name) do
    None -> (items, Err("no item ${name}"))
    Some(item) -> take_item(items, item, n)
  end
end

fn add_to(items :: List<Item>, name :: String, n :: Int) -> List<Item> do
  case find(items, name) do
    None -> items
    Some(item) -> replace(items, %{item | count: item.count + n})
  end
end

service Stock do
  fn init(items :: List<Item>) -> List<Item> do
    items
  end

  call Take(name :: String, n :: Int) :: Int!String do |items|
    take_from(items, name, n)
  end

  call Items() :: List<Item> do |items|
    (items, items)
  end

  cast Restock(name :: String, n :: Int) do |items|
    add_to(items, name, n)
  end
end

pub fn units(items :: List<Item>) -> Int do
  List.reduce(items, 0, fn acc, i -> acc + i.count end)
end
