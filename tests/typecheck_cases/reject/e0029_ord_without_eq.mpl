# expect: E0029 line 2
type Level do # <- E0029
  Low
  High
end deriving(Ord)
fn main() do
  println("x")
end
