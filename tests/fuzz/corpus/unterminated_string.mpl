fn main() do
  println("abc
