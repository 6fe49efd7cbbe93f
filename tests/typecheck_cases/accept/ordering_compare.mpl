# expect: ok
fn main() do
  let c = compare(1, 2)
  case c do
    Less -> println("less")
    Equal -> println("eq")
    Greater -> println("gt")
  end
end
