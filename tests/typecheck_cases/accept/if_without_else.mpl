# expect: ok
fn main() do
  if true do
    println("yes")
  end
  println("done")
end
