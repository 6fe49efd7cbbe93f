# expect: E0009 line 8
struct Point do
  x :: Int
  y :: Int
end
fn main() do
  let p = Point { x: 1, y: 2 }
  println("${p.z}") # <- E0009
end
