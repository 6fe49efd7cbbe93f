# The smallest program: print a few lines.
fn main() do
  println("Hello, Mesh!")
  print("no newline, ")
  println("then a newline")
  let name = "world"
  println("Hello, ${name}!")
end
