# expect: E0006 line 3
fn main() do
  let same = (1, 2) == (1, 2) # <- E0006
  println("${same}")
end
