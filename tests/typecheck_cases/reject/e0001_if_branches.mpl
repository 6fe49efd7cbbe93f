# expect: E0001 line 6
fn pick(c :: Bool) do
  if c do
    1
  else
    "one" # <- E0001
  end
end
fn main() do
  println("${pick(true)}")
end
