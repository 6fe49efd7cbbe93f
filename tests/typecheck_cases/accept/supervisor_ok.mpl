# expect: ok
actor worker() do
  receive do
    _ -> worker()
  end
end
supervisor Sup do
  strategy: one_for_one
  max_restarts: 3
  max_seconds: 5
  child w do
    start: fn -> spawn(worker) end
    restart: permanent
    shutdown: 5000
  end
end
fn main() do
  let s = spawn(Sup)
  println("ok")
end
