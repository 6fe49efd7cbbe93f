# expect: E0015 line 3
fn main() do
  let me = self() # <- E0015
  println("x")
end
