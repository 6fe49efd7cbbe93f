# expect: ok
fn first<T>(xs :: List<T>) -> Option<T> do
  case xs do
    h :: _ -> Some(h)
    _ -> None
  end
end
fn main() do
  let a = first([1, 2])
  let b = first(["x"])
  println("ok")
end
