# expect: E0001 line 6
fn add(a :: Int, b :: Int) -> Int do
  a + b
end
fn main() do
  let r = add(1, "two") # <- E0001
  println("${r}")
end
