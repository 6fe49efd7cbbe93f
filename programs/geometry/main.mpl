# A multi-module program: qualified imports, from-imports, pub types
# crossing module boundaries, and an impl defined in another module.
import Shapes.Area
from Shapes.Kinds import Shape, describe
from Report import summary

fn main() do
  let shapes = [Circle(1.0), Rect(2.0, 3.0), Square(1.5)]
  for s in shapes do
    println(describe(s) <> " has area " <> "${Area.of(s)}")
  end
  println(summary(shapes))
  println("largest: ${Area.largest(shapes)}")
end
