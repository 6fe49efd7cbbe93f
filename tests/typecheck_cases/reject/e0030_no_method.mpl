# expect: E0030 line 7
struct P do
  x :: Int
end
fn main() do
  let p = P { x: 1 }
  println(p.shout()) # <- E0030
end
