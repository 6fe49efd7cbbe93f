# expect: E0012 line 4
fn main() do
  let n = 3
  let s = case n do # <- E0012
    1 -> "one"
    2 -> "two"
  end
  println(s)
end
