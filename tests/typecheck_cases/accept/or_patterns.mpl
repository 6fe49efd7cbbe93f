# expect: ok
type Dir do
  N
  S
  E
  W
end
fn vertical(d :: Dir) -> Bool do
  case d do
    N | S -> true
    E | W -> false
  end
end
fn main() do
  println("${vertical(N)}")
end
