# expect: E0001 line 3
fn double(x :: Int) -> String do
  x * 2 # <- E0001
end
fn main() do
  println(double(2))
end
