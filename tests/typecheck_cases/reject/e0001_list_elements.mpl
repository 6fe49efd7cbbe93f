# expect: E0001 line 3
fn main() do
  let xs = [1, 2, "three"] # <- E0001
  println("${List.length(xs)}")
end
