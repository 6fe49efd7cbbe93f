# expect: E0014 line 10
actor counter() do
  receive do
    n -> println("${n + 1}")
  end
end
fn main() do
  let p = spawn(counter)
  send(p, 1)
  send(p, "hello") # <- E0014
end
