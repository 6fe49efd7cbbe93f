let v = if true do 1 else 2 end
fn main() do
  println("${v}")
end
