# The List, Map, Set and Range modules and the prelude list functions.

fn bump(counts :: Map<String, Int>, w :: String) -> Map<String, Int> do
  let seen = Map.has_key(counts, w)
  if seen do
    Map.put(counts, w, Map.get(counts, w) + 1)
  else
    Map.put(counts, w, 1)
  end
end

fn pair_sum(p) do
  case p do
    (a, b) -> a + b
  end
end

fn main() do
  let xs = [5, 3, 8, 1, 9, 2]
  println("xs = ${xs}")
  println("length ${List.length(xs)}, head ${List.head(xs)}, last ${List.last(xs)}")
  println("tail ${List.tail(xs)}")
  println("get 2 = ${List.get(xs, 2)}")
  println("append: ${List.append(xs, 7)}")
  println("reverse: ${List.reverse(xs)}")
  println("sorted: ${List.sort(xs, fn a, b -> a - b end)}")
  println("desc: ${List.sort(xs, fn(a, b) -> b - a end)}")
  println("take 2: ${List.take(xs, 2)}, drop 4: ${List.drop(xs, 4)}")
  println("concat: ${List.concat([1, 2], [3])} and ${[1, 2] ++ [3, 4]}")
  println("contains 8: ${List.contains(xs, 8)}, contains 4: ${List.contains(xs, 4)}")
  println("any > 8: ${List.any(xs, fn x -> x > 8 end)}, all > 0: ${List.all(xs, fn x -> x > 0 end)}")
  let found = List.find(xs, fn x -> x > 5 end)
  case found do
    Some(v) -> println("first > 5: ${v}")
    None -> println("none > 5")
  end
  let missing = List.find(xs, fn x -> x > 50 end)
  case missing do
    Some(v) -> println("first > 50: ${v}")
    None -> println("none > 50")
  end
  println("flatten: ${List.flatten([[1, 2], [], [3]])}")
  println("flat_map: ${List.flat_map([1, 2, 3], fn x -> [x, x * 10] end)}")
  println("zip sums: ${List.map(List.zip([1, 2, 3], [10, 20]), pair_sum)}")
  println("sum via reduce: ${List.reduce(xs, 0, fn acc, x -> acc + x end)}")
  println("prelude map: ${map([1, 2, 3], fn x -> x + 1 end)}")
  println("prelude filter: ${filter([1, 2, 3, 4], fn x -> x > 2 end)}")
  println("prelude reduce: ${reduce([1, 2, 3], 10, fn a, x -> a + x end)}")
  println("prelude head/tail: ${head([7, 8, 9])} ${tail([7, 8, 9])}")
  println("list equality: ${[1, 2] == [1, 2]} ${[1, 2] == [2, 1]}")
  println("list order: ${[1, 2] < [1, 3]}")
  println("nested: ${[[1, 2], [3]]} strings: ${["a", "b"]} empty: ${List.new()}")

  let m = %{"one" => 1, "two" => 2}
  let m = Map.put(m, "three", 3)
  let m = Map.put(m, "one", 100)
  println("map: ${m}")
  println("size ${Map.size(m)}, get two = ${Map.get(m, "two")}, has four: ${Map.has_key(m, "four")}")
  println("keys ${Map.keys(m)}, values ${Map.values(m)}")
  let m2 = Map.delete(m, "two")
  println("deleted: ${m2}")
  let merged = Map.merge(m2, %{"three" => 33, "four" => 4})
  println("merged: ${merged}")
  let counts = List.reduce(["a", "b", "a", "c", "a"], Map.new(), fn acc, w -> bump(acc, w) end)
  println("counts: ${counts}")
  let by_int = Map.put(Map.put(Map.new(), 2, "two"), 1, "one")
  println("int keys: ${by_int} empty: ${Map.new()}")

  let s = Set.from_list([3, 1, 3, 2, 1])
  println("set: ${s}, size ${Set.size(s)}")
  let s2 = Set.add(Set.remove(s, 1), 7)
  println("s2: ${s2}, contains 2: ${Set.contains(s2, 2)}, contains 1: ${Set.contains(s2, 1)}")
  let a = Set.from_list([1, 2, 3, 4])
  let b = Set.from_list([3, 4, 5])
  println("union ${Set.union(a, b)}, inter ${Set.intersection(a, b)}, diff ${Set.difference(a, b)}")
  println("set list: ${Set.to_list(s2)} empty: ${Set.new()}")

  let r = Range.new(1, 5)
  println("range: ${Range.to_list(r)} length ${Range.length(Range.new(3, 10))}")
  println("range map: ${Range.map(r, fn x -> x * x end)}")
end
