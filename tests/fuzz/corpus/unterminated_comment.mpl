fn main() do
  #= open =# #= never closed
  println("x")
end
