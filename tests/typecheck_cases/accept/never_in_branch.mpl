# expect: ok
fn check(n :: Int) -> Int do
  if n < 0 do
    return 0
  else
    n
  end
end
fn main() do
  println("${check(3)}")
end
