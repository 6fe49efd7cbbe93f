# expect: ok
fn sum(xs :: List<Int>) -> Int do
  case xs do
    h :: t -> h + sum(t)
  end
end
fn main() do
  println("${sum([1])}")
end
