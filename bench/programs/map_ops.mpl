# N Map.put of Int keys, then N Map.get (plus misses via Map.has_key).
# Size: BENCH_N = number of keys (default 100,000).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

fn fill(m :: Map<Int, Int>, i :: Int, n :: Int) -> Map<Int, Int> do
  if i == n do
    m
  else
    fill(Map.put(m, i * 7, i), i + 1, n)
  end
end

fn lookup(m :: Map<Int, Int>, i :: Int, n :: Int, acc :: Int) -> Int do
  if i == n do
    acc
  else if Map.has_key(m, i) do
    lookup(m, i + 1, n, acc + Map.get(m, i))
  else
    lookup(m, i + 1, n, acc)
  end
end

fn main() do
  let n = bench_size(100000)
  let m = fill(Map.new(), 0, n)
  let total = lookup(m, 0, n * 7, 0)
  println("size ${Map.size(m)} sum ${total}")
end
