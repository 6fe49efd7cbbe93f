# Pattern matching over a sum-type tree: build an expression tree of depth
# N, then evaluate it, count its nodes and measure its depth with `case`.
# Size: BENCH_N = tree depth (default 16, about 100,000 nodes).

fn bench_size(default :: Int) -> Int do
  case Env.get("BENCH_N") do
    Some(s) -> case String.to_int(s) do
      Some(n) -> n
      None -> default
    end
    None -> default
  end
end

type Expr do
  Num(Int)
  Add(Expr, Expr)
  Mul(Expr, Expr)
  Neg(Expr)
end

fn build(depth :: Int, seed :: Int) -> Expr do
  if depth == 0 do
    Num(seed % 10)
  else
    let l = build(depth - 1, (seed * 31 + 7) % 1000)
    let r = build(depth - 1, (seed * 17 + 3) % 1000)
    case seed % 3 do
      0 -> Add(l, r)
      1 -> Mul(l, r)
      _ -> Neg(Add(l, r))
    end
  end
end

fn eval(e :: Expr) -> Int do
  case e do
    Num(n) -> n
    Add(a, b) -> (eval(a) + eval(b)) % 1000003
    Mul(Num(0), _) -> 0
    Mul(a, b) -> (eval(a) * eval(b)) % 1000003
    Neg(a) -> (1000003 - eval(a)) % 1000003
  end
end

fn count(e :: Expr) -> Int do
  case e do
    Num(_) -> 1
    Add(a, b) -> 1 + count(a) + count(b)
    Mul(a, b) -> 1 + count(a) + count(b)
    Neg(a) -> 1 + count(a)
  end
end

fn max(a :: Int, b :: Int) -> Int = if a > b do a else b end

fn depth(e :: Expr) -> Int do
  case e do
    Num(_) -> 0
    Add(a, b) -> 1 + max(depth(a), depth(b))
    Mul(a, b) -> 1 + max(depth(a), depth(b))
    Neg(a) -> 1 + depth(a)
  end
end

fn main() do
  let n = bench_size(16)
  let e = build(n, 1)
  println("nodes ${count(e)} depth ${depth(e)} value ${eval(e)}")
end
