# expect: E0012 line 8
type Color do
  Red
  Green
  Blue
end
fn name(c :: Color) -> String do
  case c do # <- E0012
    Red -> "red"
    Green -> "green"
  end
end
fn main() do
  println(name(Red))
end
