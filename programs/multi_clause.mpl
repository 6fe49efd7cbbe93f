# Multi-clause functions: literal patterns, guards, catch-alls, string and
# boolean patterns, qualified nullary constructors as parameters.

type Light do
  Red
  Yellow
  Green
end

fn classify(0) = "zero"
fn classify(n) when n < 0 = "negative"
fn classify(n) when n % 2 == 0 = "even"
fn classify(_) = "odd"

fn fizzbuzz(n) when n % 15 == 0 = "FizzBuzz"
fn fizzbuzz(n) when n % 3 == 0 = "Fizz"
fn fizzbuzz(n) when n % 5 == 0 = "Buzz"
fn fizzbuzz(n) = "${n}"

fn to_word(1) = "one"
fn to_word(2) = "two"
fn to_word(3) = "three"
fn to_word(_) = "many"

fn yes_no(true) = "yes"
fn yes_no(false) = "no"

fn abs_val(n) when n < 0 = -n
fn abs_val(n) = n

fn max_of(a, b) when a >= b = a
fn max_of(_, b) = b

fn greet("Ann") = "Hi Ann!"
fn greet(name) = "Hello, ${name}."

fn next(Light.Red) = Green
fn next(Light.Green) = Yellow
fn next(Light.Yellow) = Red

fn main() do
  for n in [0, -4, 6, 7] do
    println("${n}: ${classify(n)}")
  end
  let fb = for i in 1..16 do
    fizzbuzz(i)
  end
  println(String.join(fb, " "))
  println("${to_word(1)} ${to_word(3)} ${to_word(9)}")
  println("${yes_no(1 < 2)} ${yes_no(2 < 1)}")
  println("abs: ${abs_val(-9)} ${abs_val(4)}")
  println("max: ${max_of(3, 8)} ${max_of(10, 2)}")
  println(greet("Ann"))
  println(greet("Bob"))
  let l = next(Red)
  println("${l} -> ${next(l)} -> ${next(next(l))}")
end
