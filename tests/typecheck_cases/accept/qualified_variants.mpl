# expect: ok
type Shape do
  Circle(Float)
  Rect(w :: Float, h :: Float)
  Empty
end
fn area(s :: Shape) -> Float do
  case s do
    Shape.Circle(r) -> 3.14 * r * r
    Shape.Rect(w, h) -> w * h
    Shape.Empty -> 0.0
  end
end
fn main() do
  println("${area(Shape.Rect(2.0, 3.0))}")
end
