# expect: E0023 line 6
fn g(x :: Int) -> Int do
  x
end
fn other() = 1
fn g(y :: Int) -> Int do # <- E0023
  y
end
fn main() do
  println("${g(1)}")
end
