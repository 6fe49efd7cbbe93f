# expect: E0010 line 9
type Color do
  Red
  Green
end
fn name(c :: Color) -> String do
  case c do
    Red -> "red"
    Blue(x) -> "blue" # <- E0010
  end
end
fn main() do
  println(name(Red))
end
