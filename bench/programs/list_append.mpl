# Build a list of N strings with List.append in a loop, then String.join it.
# Size: BENCH_N = number of items (default 20,000).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

fn build(xs :: List<String>, i :: Int, n :: Int) -> List<String> do
  if i == n do
    xs
  else
    build(List.append(xs, String.from(i)), i + 1, n)
  end
end

fn main() do
  let n = bench_size(20000)
  let xs = build(List.new(), 0, n)
  let s = String.join(xs, ",")
  println("items ${List.length(xs)} joined length ${String.length(s)} last ${List.last(xs)}")
end
