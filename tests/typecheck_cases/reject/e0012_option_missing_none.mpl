# expect: E0012 line 4
fn main() do
  let o = Some(3)
  let v = case o do # <- E0012
    Some(x) -> x
  end
  println("${v}")
end
