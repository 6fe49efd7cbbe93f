# expect: E0001 line 3
fn a() -> Int do
  "x" # <- E0001
end
fn b() -> Int do
  "y"
end
fn main() do
  println("${a()}")
end
