# expect: ok
fn main() do
  let o = Some(4)
  case o do
    Some(n) as whole -> println("${n}")
    None -> println("none")
  end
end
