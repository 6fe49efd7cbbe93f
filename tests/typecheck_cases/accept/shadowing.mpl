# expect: ok
fn main() do
  let x = 1
  let x = "one"
  println(x)
end
