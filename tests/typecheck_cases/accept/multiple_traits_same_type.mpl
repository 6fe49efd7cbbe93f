# expect: ok
interface A do
  fn a(self) -> Int
end
interface B do
  fn b(self) -> Int
end
struct S do
  v :: Int
end
impl A for S do
  fn a(self) -> Int = self.v
end
impl B for S do
  fn b(self) -> Int = self.v * 2
end
fn main() do
  let s = S { v: 2 }
  println("${s.a() + s.b()}")
end
