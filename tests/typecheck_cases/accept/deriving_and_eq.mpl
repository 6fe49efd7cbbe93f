# expect: ok
struct P do
  x :: Int
end deriving(Eq, Display, Debug)
fn main() do
  let a = P { x: 1 }
  let b = P { x: 1 }
  println("${a == b}")
  println(a.to_string())
end
