# expect: ok
fn main() do
  let m = %{"a" => 1, "b" => 2}
  let keys = for {k, v} in m do
    "${k}=${v}"
  end
  println("${List.length(keys)}")
end
