# expect: ok
fn parse(s :: String) -> Result<Int, String> do
  Ok(1)
end
fn run() do
  let v = parse("1")?
  Ok(v)
end
fn main() do
  println("x")
end
