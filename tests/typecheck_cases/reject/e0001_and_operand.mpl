# expect: E0001 line 3
fn main() do
  let b = true and 1 # <- E0001
  println("${b}")
end
