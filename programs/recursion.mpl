# Plain (non-tail) recursion: Fibonacci, factorial, sums, gcd, powers.

fn fib(n :: Int) -> Int do
  if n < 2 do
    n
  else
    fib(n - 1) + fib(n - 2)
  end
end

fn fact(0) = 1
fn fact(n) = n * fact(n - 1)

fn sum_to(n :: Int) -> Int do
  if n == 0 do
    0
  else
    n + sum_to(n - 1)
  end
end

fn gcd(a :: Int, b :: Int) -> Int do
  if b == 0 do
    a
  else
    gcd(b, a % b)
  end
end

fn power(base :: Int, exp :: Int) -> Int do
  if exp == 0 do
    1
  else
    base * power(base, exp - 1)
  end
end

fn main() do
  for i in 0..11 do
    println("fib(${i}) = ${fib(i)}")
  end
  println("fib(20) = ${fib(20)}")
  println("10! = ${fact(10)}")
  println("20! = ${fact(20)}")
  println("sum_to(100) = ${sum_to(100)}")
  println("gcd(1071, 462) = ${gcd(1071, 462)}")
  println("2^10 = ${power(2, 10)}")
end
