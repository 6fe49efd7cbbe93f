# expect: E0006 line 3
fn main() do
  let b = true < false # <- E0006
  println("${b}")
end
