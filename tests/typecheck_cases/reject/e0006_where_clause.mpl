# expect: E0006 line 15
interface Greet do
  fn greet(self) -> String
end
struct Dog do
  name :: String
end
impl Greet for Dog do
  fn greet(self) -> String = "woof"
end
fn say<T>(x :: T) -> String where T: Greet do
  x.greet()
end
fn main() do
  println(say(42)) # <- E0006
end
