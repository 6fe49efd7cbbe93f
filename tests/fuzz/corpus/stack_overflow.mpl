fn f(n) do
  if n == 0 do
    0
  else
    1 + f(n - 1)
  end
end
fn main() do
  println("${f(100000000)}")
end
