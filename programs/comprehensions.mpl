# `for` comprehensions: ranges, lists, maps and sets as sources, filters,
# `continue`, `break`, nesting; the value of a `for` is a list.

fn main() do
  let squares = for i in 0..6 do
    i * i
  end
  println("squares: ${squares}")

  let odds = for i in 0..10 when i % 2 == 1 do
    i
  end
  println("odds: ${odds}")

  let n = 3
  let upto = for i in 0..n + 1 do
    i
  end
  println("upto: ${upto}")

  let none = for i in 5..0 do
    i
  end
  println("empty range: ${none}")

  let words = ["apple", "kiwi", "banana", "fig"]
  let lens = for w in words do
    String.length(w)
  end
  println("lengths: ${lens}")
  let long = for w in words when String.length(w) > 3 do
    String.to_upper(w)
  end
  println("long: ${long}")

  let no_threes = for i in 1..8 do
    if i % 3 == 0 do
      continue
    end
    i * 10
  end
  println("no multiples of 3: ${no_threes}")

  let until_big = for i in 1..100 do
    if i * i > 30 do
      break
    end
    i
  end
  println("until square > 30: ${until_big}")

  let filtered = for x in [1, 2, 3, 4, 5] when x > 1 do
    if x == 3 do
      continue
    end
    x
  end
  println("filter + continue: ${filtered}")

  let prices = %{"apple" => 3, "pear" => 5, "plum" => 2}
  for {k, v} in prices do
    println("${k} costs ${v}")
  end
  let cheap = for {k, v} in prices when v < 4 do
    k
  end
  println("cheap: ${cheap}")
  let keys = for k in prices do
    k
  end
  println("keys: ${keys}")

  let s = Set.add(Set.add(Set.add(Set.new(), 3), 1), 3)
  let doubled = for x in s do
    x * 2
  end
  println("set doubled: ${doubled}")

  let pairs = for i in 1..4 do
    for j in 1..4 when j > i do
      i * 10 + j
    end
  end
  println("pairs: ${pairs}")

  for i in 0..3 do
    println("line ${i}")
  end
end
