# List map / filter / reduce with closures over a list of N items.
# Size: BENCH_N = number of items (default 200,000).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

fn main() do
  let n = bench_size(200000)
  let xs = Range.to_list(Range.new(0, n))
  let ys = List.map(xs, fn x -> x * 3 + 1 end)
  let zs = List.filter(ys, fn x -> x % 2 == 0 end)
  let total = List.reduce(zs, 0, fn acc, x -> acc + x end)
  println("items ${List.length(xs)} kept ${List.length(zs)} sum ${total}")
end
