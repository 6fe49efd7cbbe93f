# expect: ok
fn main() do
  let id = fn x -> x end
  let a = id(1)
  let b = id("s")
  println("${a} ${b}")
end
