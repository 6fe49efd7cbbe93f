# expect: E0001 line 3
fn main() do
  let o :: Option<Int> = Some("x") # <- E0001
  println("done")
end
