# expect: ok
type Tree<T> do
  Leaf(T)
  Node(Tree<T>, Tree<T>)
end
fn size(t) do
  case t do
    Leaf(_) -> 1
    Node(l, r) -> size(l) + size(r)
  end
end
fn main() do
  let t = Node(Leaf(1), Node(Leaf(2), Leaf(3)))
  println("${size(t)}")
end
