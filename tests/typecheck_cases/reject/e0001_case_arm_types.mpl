# expect: E0001 line 5
fn describe(n :: Int) -> String do
  case n do
    0 -> "zero"
    _ -> 1 # <- E0001
  end
end
fn main() do
  println(describe(0))
end
