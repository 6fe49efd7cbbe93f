# expect: E0016 line 3
fn main() do
  let p = spawn(42) # <- E0016
  println("x")
end
