# expect: ok
interface Describe do
  fn describe(self) -> String
end
struct User do
  name :: String
end
impl Describe for User do
  fn describe(self) -> String do
    "user " <> self.name
  end
end
fn main() do
  let u = User { name: "ann" }
  println(u.describe())
  println(describe(u))
end
