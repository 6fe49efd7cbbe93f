fn main() do
  let café = 1
  println("${café}")
end
