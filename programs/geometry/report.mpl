import Shapes.Area
from Shapes.Kinds import Shape

pub fn summary(shapes :: List<Shape>) -> String do
  let total = List.reduce(shapes, 0.0, fn acc, s -> acc + Area.of(s) end)
  "${List.length(shapes)} shapes, total area ${total}"
end
