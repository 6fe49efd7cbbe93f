# expect: E0001 line 12
service Counter do
  fn init(start :: Int) -> Int do
    start
  end
  call Add(k :: Int) :: Int do |n|
    (n + k, n + k)
  end
end
fn main() do
  let pid = Counter.start(0)
  let r = Counter.add(pid, "x") # <- E0001
  println("${r}")
end
