# expect: E0039 line 2
struct Rec do # <- E0039
  tags :: List<String>
end deriving(Row)
fn main() do
  println("x")
end
