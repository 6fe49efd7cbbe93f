# expect: E0013 line 5
fn main() do
  let n = 4
  let s = case n do
    x when x % 2 == 0 -> "even" # <- E0013
    _ -> "odd"
  end
  println(s)
end
