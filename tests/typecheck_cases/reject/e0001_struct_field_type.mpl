# expect: E0001 line 7
struct Point do
  x :: Int
  y :: Int
end
fn main() do
  let p = Point { x: 1, y: "two" } # <- E0001
  println("${p.x}")
end
