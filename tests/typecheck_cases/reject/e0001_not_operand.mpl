# expect: E0001 line 3
fn main() do
  let b = not 5 # <- E0001
  println("${b}")
end
