# expect: ok
fn helper(x :: Int) -> Int = x + 1
fn user() -> Int = helper(1)
fn main() do
  println("${user()}")
end
