# expect: ok
struct V do
  x :: Int
end
impl Add for V do
  type Output = V
  fn add(self, other :: V) -> V do
    V { x: self.x + other.x }
  end
end
fn main() do
  let v = V { x: 1 } + V { x: 2 }
  println("${v.x}")
end
