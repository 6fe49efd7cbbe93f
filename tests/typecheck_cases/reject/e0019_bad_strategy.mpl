# expect: E0019 line 7
actor worker() do
  receive do
    _ -> worker()
  end
end
supervisor Sup do # <- E0019
  strategy: all_at_once
  child w do
    start: fn -> spawn(worker) end
  end
end
fn main() do
  println("x")
end
