# expect: ok
fn f(p :: (Bool, Bool)) -> Int do
  case p do
    (true, true) -> 1
    (true, false) -> 2
    (false, _) -> 3
  end
end
fn main() do
  println("${f((true, false))}")
end
