# expect: ok
service Counter do
  fn init(start :: Int) -> Int do
    start
  end
  call GetCount() :: Int do |n|
    (n, n)
  end
  cast Add(k :: Int) do |n|
    n + k
  end
end
fn main() do
  let pid = Counter.start(0)
  Counter.add(pid, 3)
  let c = Counter.get_count(pid)
  println("${c}")
end
