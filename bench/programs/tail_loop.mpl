# A self tail-recursive loop of millions of steps (constant stack).
# Size: BENCH_N = number of steps (default 3,000,000).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

fn loop(i :: Int, n :: Int, acc :: Int) -> Int do
  if i == n do
    acc
  else
    loop(i + 1, n, (acc + i * 7) % 1000003)
  end
end

fn main() do
  let n = bench_size(3000000)
  println("loop(${n}) = ${loop(0, n, 0)}")
end
