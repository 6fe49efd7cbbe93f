# expect: E0036 line 6
fn parse(s :: String) -> Result<Int, String> do
  Ok(1)
end
fn run() -> Result<Int, Int> do
  let v = parse("1")? # <- E0036
  Ok(v)
end
fn main() do
  println("x")
end
