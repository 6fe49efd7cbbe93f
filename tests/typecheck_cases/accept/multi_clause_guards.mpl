# expect: ok
fn sign(n) when n < 0 = -1
fn sign(0) = 0
fn sign(_) = 1
fn main() do
  println("${sign(-3)}")
end
