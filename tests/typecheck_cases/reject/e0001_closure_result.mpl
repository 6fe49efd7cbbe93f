# expect: E0001 line 4
fn apply(f :: Fun(Int) -> Int, v :: Int) -> Int = f(v)
fn main() do
  let r = apply(fn x -> "s" end, 3) # <- E0001
  println("${r}")
end
