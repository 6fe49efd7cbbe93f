# expect: ok
fn add(a, b) = a + b
fn main() do
  println("${add(1, 2)} ${add(1.5, 2.5)}")
end
