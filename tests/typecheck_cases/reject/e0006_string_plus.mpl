# expect: E0006 line 3
fn main() do
  let s = "a" + "b" # <- E0006
  println(s)
end
