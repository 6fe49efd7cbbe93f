# expect: E0037 line 4
fn run() -> Result<Int, String> do
  let n = 5
  let v = n? # <- E0037
  Ok(v)
end
fn main() do
  println("x")
end
