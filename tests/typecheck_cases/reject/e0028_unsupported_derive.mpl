# expect: E0028 line 2
struct P do # <- E0028
  x :: Int
end deriving(Clone)
fn main() do
  println("x")
end
