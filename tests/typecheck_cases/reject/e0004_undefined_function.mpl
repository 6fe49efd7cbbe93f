# expect: E0004 line 3
fn main() do
  let v = compute(3) # <- E0004
  println("${v}")
end
