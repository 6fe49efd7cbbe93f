# expect: ok
fn find(xs :: List<Int>, t :: Int) -> Bool do
  for x in xs do
    if x == t do
      return true
    end
  end
  false
end
fn main() do
  println("${find([1, 2], 2)}")
end
