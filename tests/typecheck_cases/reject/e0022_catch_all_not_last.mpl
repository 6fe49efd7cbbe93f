# expect: E0022 line 2
fn f(n) = 0 # <- E0022
fn f(1) = 1
fn main() do
  println("${f(1)}")
end
