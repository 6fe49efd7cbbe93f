# expect: E0003 line 9
type Shape do
  Circle(Float)
  Rect(Float, Float)
end
fn area(s :: Shape) -> Float do
  case s do
    Circle(r) -> r
    Rect(w) -> w # <- E0003
  end
end
fn main() do
  println("${area(Circle(1.0))}")
end
