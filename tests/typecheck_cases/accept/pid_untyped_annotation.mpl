# expect: ok
actor a() do
  receive do
    m -> println(m)
  end
end
fn notify(p :: Pid, m :: String) do
  send(p, m)
end
fn main() do
  let p = spawn(a)
  notify(p, "hi")
end
