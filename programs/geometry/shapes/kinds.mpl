pub type Shape do
  Circle(Float)
  Rect(Float, Float)
  Square(Float)
end deriving(Display)

pub fn describe(s :: Shape) -> String do
  case s do
    Circle(r) -> "a circle of radius ${r}"
    Rect(w, h) -> "a ${w}x${h} rectangle"
    Square(a) -> "a square of side ${a}"
  end
end
