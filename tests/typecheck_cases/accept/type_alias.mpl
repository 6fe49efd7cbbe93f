# expect: ok
type Mapper = Fun(Int) -> String
fn run(f :: Mapper, v :: Int) -> String = f(v)
fn main() do
  println(run(fn n -> "${n}" end, 3))
end
