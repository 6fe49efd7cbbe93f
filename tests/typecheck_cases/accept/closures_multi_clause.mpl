# expect: ok
fn main() do
  let f = fn 0 -> "zero" | 1 -> "one" | n -> "many" end
  println(f(2))
end
