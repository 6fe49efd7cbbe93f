# expect: E0001 line 4
fn main() do
  let x = 5
  let y = x(1) # <- E0001
  println("${y}")
end
