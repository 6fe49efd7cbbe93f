# expect: E0001 line 3
fn main() do
  let x :: Int = "hello" # <- E0001
  println("${x}")
end
