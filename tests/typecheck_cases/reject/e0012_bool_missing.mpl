# expect: E0012 line 4
fn main() do
  let b = true
  let s = case b do # <- E0012
    true -> "yes"
  end
  println(s)
end
