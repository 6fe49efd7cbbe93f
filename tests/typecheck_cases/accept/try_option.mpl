# expect: ok
fn get(o :: Option<Int>) -> Option<Int> do
  let v = o?
  Some(v + 1)
end
fn main() do
  case get(Some(1)) do
    Some(v) -> println("${v}")
    None -> println("none")
  end
end
