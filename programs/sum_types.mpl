# Sum types and pattern matching: constructors with payloads, guards,
# or-patterns, Option, cons patterns on lists, a recursive expression type.

type Shape do
  Circle(Float)
  Rect(Float, Float)
  Triangle(Float, Float, Float)
  Dot
end

type Expr do
  Num(Int)
  Add(Expr, Expr)
  Mul(Expr, Expr)
  Neg(Expr)
end

fn heron(a :: Float, b :: Float, c :: Float) -> Float do
  let s = (a + b + c) / 2.0
  Math.sqrt(s * (s - a) * (s - b) * (s - c))
end

fn area(s :: Shape) -> Float do
  case s do
    Circle(r) -> 3.0 * r * r
    Rect(w, h) -> w * h
    Triangle(a, b, c) -> heron(a, b, c)
    Dot -> 0.0
  end
end

fn name(s :: Shape) -> String do
  case s do
    Circle(_) -> "circle"
    Rect(w, h) when w == h -> "square"
    Rect(_, _) -> "rectangle"
    Triangle(_, _, _) -> "triangle"
    Dot -> "dot"
  end
end

fn eval(e :: Expr) -> Int do
  case e do
    Num(n) -> n
    Add(a, b) -> eval(a) + eval(b)
    Mul(a, b) -> eval(a) * eval(b)
    Neg(a) -> 0 - eval(a)
  end
end

fn show(e :: Expr) -> String do
  case e do
    Num(n) -> "${n}"
    Add(a, b) -> "(${show(a)} + ${show(b)})"
    Mul(a, b) -> "${show(a)} * ${show(b)}"
    Neg(a) -> "-${show(a)}"
  end
end

fn describe(o :: Option<Int>) -> String do
  case o do
    Some(0) -> "zero"
    Some(n) when n > 0 -> "positive ${n}"
    Some(n) -> "negative ${n}"
    None -> "nothing"
  end
end

fn size_class(n :: Int) -> String do
  case n do
    1 | 2 | 3 -> "small"
    4 | 5 | 6 -> "medium"
    _ -> "large"
  end
end

fn sum_list(xs :: List<Int>) -> Int do
  case xs do
    h :: t -> h + sum_list(t)
    _ -> 0
  end
end

fn main() do
  let shapes = [Circle(1.5), Rect(2.5, 4.0), Rect(3.0, 3.0), Triangle(3.0, 4.0, 5.0), Dot]
  for s in shapes do
    println("${name(s)}: ${area(s)}")
  end

  let e = Mul(Add(Num(2), Num(3)), Neg(Num(4)))
  println("${show(e)} = ${eval(e)}")

  println(describe(Some(0)))
  println(describe(Some(7)))
  println(describe(Some(-3)))
  println(describe(None))

  println("${size_class(2)} ${size_class(5)} ${size_class(9)}")
  println("sum_list = ${sum_list([1, 2, 3, 4])}")

  let label = case 42 do
    0 -> "none"
    n when n > 10 -> "big"
    _ -> "small"
  end
  println("42 is ${label}")
end
