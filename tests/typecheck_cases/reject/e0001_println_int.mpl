# expect: E0001 line 3
fn main() do
  println(42) # <- E0001
end
