# expect: E0007 line 9
interface Shape do
  fn area(self) -> Float
  fn name(self) -> String
end
struct Sq do
  side :: Float
end
impl Shape for Sq do # <- E0007
  fn area(self) -> Float = self.side * self.side
end
fn main() do
  println("x")
end
