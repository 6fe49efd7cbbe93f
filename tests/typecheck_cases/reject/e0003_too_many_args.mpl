# expect: E0003 line 4
fn add(a :: Int, b :: Int) -> Int = a + b
fn main() do
  let r = add(1, 2, 3) # <- E0003
  println("${r}")
end
