# expect: ok
fn fact(n :: Int) -> Int do
  if n <= 1 do
    1
  else
    n * fact(n - 1)
  end
end
fn main() do
  println("${fact(5)}")
end
