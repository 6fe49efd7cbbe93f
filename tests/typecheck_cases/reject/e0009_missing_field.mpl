# expect: E0009 line 7
struct Point do
  x :: Int
  y :: Int
end
fn main() do
  let p = Point { x: 1 } # <- E0009
  println("${p.x}")
end
