# expect: ok
struct AppError do
  msg :: String
end
impl From<String> for AppError do
  fn from(s :: String) -> AppError do
    AppError { msg: s }
  end
end
fn parse(s :: String) -> Result<Int, String> do
  Err("bad")
end
fn run() -> Result<Int, AppError> do
  let v = parse("x")?
  Ok(v)
end
fn main() do
  case run() do
    Ok(v) -> println("${v}")
    Err(e) -> println(e.msg)
  end
end
