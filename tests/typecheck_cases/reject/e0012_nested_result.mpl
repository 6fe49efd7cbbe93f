# expect: E0012 line 4
fn main() do
  let r :: Result<Option<Int>, String> = Ok(Some(1))
  let s = case r do # <- E0012
    Ok(Some(x)) -> "some"
    Err(e) -> e
  end
  println(s)
end
