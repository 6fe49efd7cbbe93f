# expect: E0031 line 2
import Nonexistent.Thing # <- E0031
fn main() do
  println("x")
end
