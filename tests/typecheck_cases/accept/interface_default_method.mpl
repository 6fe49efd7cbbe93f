# expect: ok
interface Greeter do
  fn name(self) -> String
  fn greet(self) -> String do
    "hello"
  end
end
struct P do
  n :: String
end
impl Greeter for P do
  fn name(self) -> String = self.n
end
fn main() do
  let p = P { n: "x" }
  println(p.greet())
end
