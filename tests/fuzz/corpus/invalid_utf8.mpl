fn main() do
  println("ok")
  println("ÿþ")
end
