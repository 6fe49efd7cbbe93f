# expect: E0003 line 6
fn greet(name :: String, greeting :: String) -> String do
  greeting <> name
end
fn main() do
  println(greet("x")) # <- E0003
end
