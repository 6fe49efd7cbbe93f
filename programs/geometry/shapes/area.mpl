from Shapes.Kinds import Shape

pub fn of(s :: Shape) -> Float do
  case s do
    Circle(r) -> 3.0 * r * r
    Rect(w, h) -> w * h
    Square(a) -> a * a
  end
end

fn bigger(a :: Shape, b :: Shape) -> Shape do
  if of(a) >= of(b) do
    a
  else
    b
  end
end

pub fn largest(shapes :: List<Shape>) -> Shape do
  List.reduce(shapes, List.head(shapes), fn acc, s -> bigger(acc, s) end)
end
