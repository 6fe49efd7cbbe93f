# expect: E0038 line 2
struct Job do # <- E0038
  worker :: Pid
  id :: Int
end deriving(Json)
fn main() do
  println("x")
end
