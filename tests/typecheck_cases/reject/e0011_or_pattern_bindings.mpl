# expect: E0011 line 8
type T do
  A(Int)
  B(Int)
end
fn get(t :: T) -> Int do
  case t do
    A(x) | B(y) -> 1 # <- E0011
  end
end
fn main() do
  println("${get(A(1))}")
end
