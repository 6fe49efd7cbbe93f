# expect: E0001 line 3
fn label(0) = "zero"
fn label(n) = n # <- E0001
fn main() do
  println(label(1))
end
