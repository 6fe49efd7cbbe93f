# Start-up cost: the whole `mesh run` of hello world.
fn main() do
  println("Hello, world!")
end
