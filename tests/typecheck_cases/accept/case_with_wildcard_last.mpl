# expect: ok
fn name(n :: Int) -> String do
  case n do
    1 -> "one"
    2 -> "two"
    _ -> "many"
  end
end
fn main() do
  println(name(2))
end
