# expect: E0001 line 3
fn main() do
  let m = %{"a" => 1, "b" => "two"} # <- E0001
  println("${Map.size(m)}")
end
