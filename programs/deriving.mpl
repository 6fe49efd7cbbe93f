# deriving(Eq, Ord, Display, Debug): formats of structs and sum types,
# structural equality, ordering by fields and by variant order, compare().

struct Point do
  x :: Int
  y :: Int
end deriving(Eq, Ord, Display, Debug)

struct Tag do
  label :: String
  weight :: Int
end deriving(Debug)

struct Box<T> do
  value :: T
end deriving(Display)

type Suit do
  Hearts
  Spades
end deriving(Eq, Ord, Display, Debug)

type Card do
  Number(Int, Suit)
  Face(String, Suit)
  Joker
end deriving(Eq, Ord, Display, Debug)

fn ord_name(o :: Ordering) -> String do
  case o do
    Less -> "less"
    Equal -> "equal"
    Greater -> "greater"
  end
end

fn cmp_points(a :: Point, b :: Point) -> Int do
  if a < b do
    -1
  else if a > b do
    1
  else
    0
  end
end

fn main() do
  let p = Point { x: 1, y: 2 }
  println("p: ${p}")
  println("p.to_string: ${p.to_string()}")
  println("inspect: ${p.inspect()}")
  let t = Tag { label: "urgent", weight: 3 }
  println("tag: ${t}")

  let cards = [Number(7, Hearts), Face("K", Spades), Joker]
  println("cards: ${cards}")
  let c = Number(7, Hearts)
  let j = Joker
  println("inspect card: ${c.inspect()}")
  println("inspect joker: ${j.inspect()}")
  println("suit: ${Spades}")

  println("eq: ${c == Number(7, Hearts)} ${c != Number(7, Spades)}")
  println("ord: ${Number(10, Spades) < Face("K", Hearts)} ${Number(2, Spades) > Number(2, Hearts)} ${Joker > Face("A", Spades)}")
  println("points: ${Point { x: 1, y: 5 } < Point { x: 2, y: 0 }} ${p <= Point { x: 1, y: 2 }} ${p >= Point { x: 1, y: 3 }}")

  let o1 = compare(Point { x: 1, y: 2 }, Point { x: 1, y: 3 })
  let o2 = compare(p, p)
  let o3 = compare(5, 2)
  println("compare: ${ord_name(o1)} ${ord_name(o2)} ${ord_name(o3)}")

  let pts = [Point { x: 3, y: 1 }, Point { x: 1, y: 9 }, Point { x: 1, y: 2 }]
  let sorted = List.sort(pts, fn a, b -> cmp_points(a, b) end)
  println("sorted: ${sorted}")

  let b1 = Box { value: 42 }
  let b2 = Box { value: "hello" }
  println("boxes: ${b1} ${b2}")
end
