# expect: ok
interface Container do
  type Item
  fn first(self) -> Self.Item
end
struct IntBox do
  v :: Int
end
impl Container for IntBox do
  type Item = Int
  fn first(self) -> Int = self.v
end
fn main() do
  let b = IntBox { v: 4 }
  println("${b.first() + 1}")
end
