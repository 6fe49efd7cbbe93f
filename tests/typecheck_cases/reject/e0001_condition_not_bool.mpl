# expect: E0001 line 3
fn main() do
  if 1 do # <- E0001
    println("yes")
  end
end
