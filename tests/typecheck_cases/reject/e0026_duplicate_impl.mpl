# expect: E0026 line 11
interface Named do
  fn name(self) -> String
end
struct A do
  v :: Int
end
impl Named for A do
  fn name(self) -> String = "a"
end
impl Named for A do # <- E0026
  fn name(self) -> String = "b"
end
fn main() do
  println("x")
end
