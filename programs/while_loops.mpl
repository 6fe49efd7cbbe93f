# `while` loops. Bindings are immutable, so a loop ends through `break`,
# `return` or a condition that is false from the start; repetition with
# changing state is written as (tail) recursion.

fn find(xs :: List<Int>, target :: Int) -> String do
  while true do
    let found = List.contains(xs, target)
    if found do
      return "found ${target}"
    end
    return "missing ${target}"
  end
  "unreachable"
end

fn count_up(i :: Int, limit :: Int) -> Int do
  if i > limit do
    i
  else
    println("loop ${i}")
    count_up(i + 1, limit)
  end
end

fn main() do
  while true do
    println("runs once")
    break
    println("never printed")
  end
  println("after first loop")

  let ready = false
  while ready do
    println("never printed either")
  end
  println("condition false: body skipped")

  let outer = for i in 0..3 do
    while true do
      if i == 1 do
        println("inner sees 1")
      end
      break
    end
    i
  end
  println("outer: ${outer}")

  println(find([1, 2, 3], 3))
  println(find([1, 2, 3], 9))

  let last = count_up(1, 3)
  println("done at ${last}")
end
