# expect: ok
actor counter(n :: Int) do
  receive do
    k -> counter(n + k)
  end
end
fn main() do
  let p = spawn(counter, 0)
  send(p, 5)
  println("sent")
end
