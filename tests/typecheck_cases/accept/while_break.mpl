# expect: ok
fn main() do
  let n = 0
  while true do
    break
  end
  println("${n}")
end
