# expect: ok
fn yn(b :: Bool) -> String do
  case b do
    true -> "yes"
    false -> "no"
  end
end
fn main() do
  println(yn(true))
end
