# Closures (capture, returned from functions, multi-clause) and the pipe.

fn make_adder(n :: Int) -> Fun(Int) -> Int do
  fn(x) -> x + n end
end

fn apply_twice(f :: Fun(Int) -> Int, x :: Int) -> Int do
  f(f(x))
end

fn compose(f, g) do
  fn(x) -> g(f(x)) end
end

fn double(x :: Int) -> Int = x * 2

fn main() do
  let add5 = make_adder(5)
  println("add5(10) = ${add5(10)}")
  println("twice add5 = ${apply_twice(add5, 1)}")
  let inc_then_double = compose(make_adder(1), double)
  println("compose = ${inc_then_double(4)}")

  let factor = 3
  let scale = fn x -> x * factor end
  let xs = [1, 2, 3, 4, 5]
  let scaled = xs |> List.map(scale)
  println("scaled: ${scaled}")
  let evens = xs |> List.filter(fn x -> x % 2 == 0 end)
  println("evens: ${evens}")
  let total = xs |> List.map(fn x -> x * x end) |> List.reduce(0, fn acc, x -> acc + x end)
  println("sum of squares: ${total}")

  let r = 7 |> double
  println("7 |> double = ${r}")
  let r2 = 7 |> fn n -> n + 100 end
  println("7 |> closure = ${r2}")

  let classify = fn 0 -> "zero" | n when n < 0 -> "negative" | _ -> "positive" end
  println("classify: ${List.map([-2, 0, 3], classify)}")

  let block_closure = fn(a, b) do
    let s = a + b
    s * 10
  end
  println("block closure: ${block_closure(1, 2)}")

  let count = [5, 3, 8, 1]
    |> List.map(fn x -> x + 1 end)
    # a comment between pipe stages
    |> List.filter(fn x -> x > 3 end)
    |> List.length()
  println("pipeline length: ${count}")
end
