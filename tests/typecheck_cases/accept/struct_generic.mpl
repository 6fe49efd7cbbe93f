# expect: ok
struct Box<T> do
  value :: T
end
fn main() do
  let a = Box { value: 1 }
  let b = Box { value: "s" }
  println("${a.value} ${b.value}")
end
