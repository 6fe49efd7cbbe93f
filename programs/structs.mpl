# Structs: literals, field access, struct update, default Debug printing,
# derived Eq and Display, automatic ordering, nested structs.

struct Point do
  x :: Int
  y :: Int
end

struct Person do
  name :: String
  age :: Int
  email :: String
end deriving(Eq, Display)

struct Segment do
  a :: Point
  b :: Point
end

fn move_by(p :: Point, dx :: Int, dy :: Int) -> Point do
  %{p | x: p.x + dx, y: p.y + dy}
end

fn birthday(p :: Person) -> Person = %{p | age: p.age + 1}

fn main() do
  let p = Point { x: 1, y: 2 }
  println("p = (${p.x}, ${p.y})")
  let q = move_by(p, 10, -5)
  println("q = (${q.x}, ${q.y})")
  println("p unchanged = (${p.x}, ${p.y})")
  println("debug: ${p}")

  let ann = Person { name: "Ann", age: 41, email: "ann@example.com" }
  let older = birthday(ann)
  println("${older.name} is now ${older.age}")
  println("display: ${older}")
  let same = ann == Person { age: 41, name: "Ann", email: "ann@example.com" }
  let diff = ann == older
  println("equal: ${same}, ${diff}")

  let lt = Point { x: 1, y: 5 } < Point { x: 1, y: 7 }
  println("ordered: ${lt}")

  let pts = [Point { x: 0, y: 0 }, Point { x: 3, y: 4 }]
  let norms = List.map(pts, fn pt -> pt.x * pt.x + pt.y * pt.y end)
  println("norms: ${norms}")

  let bob = Person {
    name: "Bob",
    age: 30,
    email: "bob@example.com"
  }
  println("${bob.name}: ${bob.age}")

  let seg = Segment { a: p, b: q }
  println("segment end x: ${seg.b.x}")
  println("segment name length: ${seg.a.y + String.length(bob.name)}")
end
