# expect: E0004 line 3
fn main() do
  println(nme) # <- E0004
end
