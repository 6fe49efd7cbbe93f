# expect: E0002 line 3
fn main() do
  let f = fn x -> x(x) end # <- E0002
  println("no")
end
