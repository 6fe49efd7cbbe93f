# String interpolation in a loop: build a string per step, sum the lengths.
# Size: BENCH_N = number of steps (default 200,000).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

fn go(i :: Int, n :: Int, total :: Int) -> Int do
  if i == n do
    total
  else
    let s = "item ${i}: ${i * 2} of ${n} (${i % 7})"
    go(i + 1, n, total + String.length(s))
  end
end

fn main() do
  let n = bench_size(200000)
  println("total length ${go(0, n, 0)}")
end
