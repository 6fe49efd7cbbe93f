# expect: ok
fn show(o :: Option<Int>) -> String do
  case o do
    Some(x) -> "${x}"
    None -> "none"
  end
end
fn res(r :: Result<Int, String>) -> String do
  case r do
    Ok(v) -> "${v}"
    Err(e) -> e
  end
end
fn main() do
  println(show(Some(1)))
  println(res(Err("bad")))
end
