# N actors exchanging messages: main spawns a collector actor and N worker
# actors and sends each worker a number; each worker answers the collector
# with a number computed from it. The collector prints once it has all N
# answers (then blocks in receive, and the program ends).
# Size: BENCH_N = number of worker actors (default 10,000).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

actor collector(count :: Int, n :: Int, total :: Int) do
  let x = receive do
    v -> v
  end
  if count + 1 == n do
    println("workers ${n} reports ${count + 1} sum ${total + x}")
  end
  collector(count + 1, n, total + x)
end

actor worker(id :: Int, out) do
  let x = receive do
    v -> v
  end
  send(out, (x + id) % 1000003)
end

fn spawn_all(i :: Int, n :: Int, out) -> Int do
  if i == n do
    0
  else
    let w = spawn(worker, i, out)
    send(w, i * 3)
    spawn_all(i + 1, n, out)
  end
end

fn main() do
  let n = bench_size(10000)
  let c = spawn(collector, 0, n, 0)
  spawn_all(0, n, c)
end
