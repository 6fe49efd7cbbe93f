# expect: E0041 line 8
interface Named do
  fn name(self) -> String
end
struct Box do
  v :: Int
end
impl Named for Box do # <- E0041
  type Extra = Int
  fn name(self) -> String = "box"
end
fn main() do
  println("x")
end
