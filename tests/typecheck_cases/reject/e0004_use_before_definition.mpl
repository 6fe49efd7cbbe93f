# expect: E0004 line 3
fn main() do
  println(later()) # <- E0004
end
fn later() -> String = "x"
