# expect: ok
fn twice(f, x) = f(f(x))
fn main() do
  println("${twice(fn n -> n + 1 end, 1)}")
  println(twice(fn s -> s <> "!" end, "hi"))
end
