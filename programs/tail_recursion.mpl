# Self tail calls run in constant stack space: loops of 1,000,000
# iterations through `if` branches, `case` arms and multi-clause functions.

fn count_down(n :: Int) -> Int do
  if n <= 0 do
    0
  else
    count_down(n - 1)
  end
end

fn sum_acc(n :: Int, acc :: Int) -> Int do
  if n == 0 do
    acc
  else
    sum_acc(n - 1, acc + n)
  end
end

fn swap_loop(a :: Int, b :: Int, n :: Int) -> Int do
  if n == 0 do
    a
  else
    swap_loop(b, a, n - 1)
  end
end

fn even_bit(n :: Int) -> Int = if n % 2 == 0 do 1 else 0 end

fn count_evens(n :: Int, evens :: Int) -> Int do
  case n do
    0 -> evens
    _ -> count_evens(n - 1, evens + even_bit(n))
  end
end

fn steps(0, acc) = acc
fn steps(n, acc) = steps(n - 1, acc + 2)

fn collatz(n :: Int, count :: Int) -> Int do
  if n == 1 do
    count
  else if n % 2 == 0 do
    collatz(n / 2, count + 1)
  else
    collatz(3 * n + 1, count + 1)
  end
end

fn main() do
  println("count_down: ${count_down(1000000)}")
  println("sum_acc: ${sum_acc(1000000, 0)}")
  println("swap_loop: ${swap_loop(1, 2, 1000001)}")
  println("count_evens: ${count_evens(1000000, 0)}")
  println("steps: ${steps(1000000, 0)}")
  println("collatz(27): ${collatz(27, 0)}")
  println("done")
end
