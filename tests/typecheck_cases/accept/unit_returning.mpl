# expect: ok
fn log(s :: String) do
  println(s)
end
fn main() do
  log("x")
  let u = log("y")
  println("done")
end
