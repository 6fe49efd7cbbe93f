# expect: E0001 line 4
fn inc(x :: Int) -> Int = x + 1
fn main() do
  let r = "a" |> inc() # <- E0001
  println("${r}")
end
