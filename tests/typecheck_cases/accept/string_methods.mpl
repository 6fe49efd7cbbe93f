# expect: ok
fn main() do
  let s = "hello"
  println("${s.length()}")
  println(String.to_upper(s))
end
