# expect: ok
fn swap(p) do
  case p do
    (a, b) -> (b, a)
  end
end
fn main() do
  let t = swap((1, "x"))
  case t do
    (s, n) -> println("${s} ${n}")
  end
end
