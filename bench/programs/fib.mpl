# Recursive Fibonacci: non-tail calls, integer arithmetic, `if`.
# Size: BENCH_N = the Fibonacci index (default 30).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

fn fib(n :: Int) -> Int do
  if n < 2 do
    n
  else
    fib(n - 1) + fib(n - 2)
  end
end

fn main() do
  let n = bench_size(30)
  println("fib(${n}) = ${fib(n)}")
end
