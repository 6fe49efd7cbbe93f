# expect: ok
struct User do
  name :: String
  age :: Int
end
fn main() do
  let u = User { name: "a", age: 1 }
  let v = %{u | age: 2}
  println("${v.age}")
end
