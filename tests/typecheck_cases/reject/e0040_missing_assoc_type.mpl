# expect: E0040 line 9
interface Container do
  type Item
  fn first(self) -> Self.Item
end
struct Box do
  v :: Int
end
impl Container for Box do # <- E0040
  fn first(self) -> Int = self.v
end
fn main() do
  println("x")
end
