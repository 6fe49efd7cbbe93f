# expect: E0032 line 4
fn main() do
  for x in [1, 2] do
    let f = fn -> break end # <- E0032
    x
  end
  println("x")
end
