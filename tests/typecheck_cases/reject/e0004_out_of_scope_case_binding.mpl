# expect: E0004 line 7
fn main() do
  let r = case Some(1) do
    Some(v) -> v
    None -> 0
  end
  println("${v}") # <- E0004
end
