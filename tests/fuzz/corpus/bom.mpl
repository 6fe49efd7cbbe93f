fn main() do
  println("bom")
end
