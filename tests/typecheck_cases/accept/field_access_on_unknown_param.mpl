# expect: ok
struct P do
  x :: Int
end
fn get_x(p) = p.x
fn main() do
  println("${get_x(P { x: 3 })}")
end
