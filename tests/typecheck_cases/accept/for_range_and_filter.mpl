# expect: ok
fn main() do
  let sq = for i in 0..5 when i > 1 do
    i * i
  end
  println("${sq}")
end
