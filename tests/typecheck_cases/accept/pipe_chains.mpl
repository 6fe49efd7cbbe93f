# expect: ok
fn double(x :: Int) -> Int = x * 2
fn main() do
  let r = [1, 2, 3] |> List.map(fn x -> x + 1 end) |> List.map(double)
  println("${r}")
end
