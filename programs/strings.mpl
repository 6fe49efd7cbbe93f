# Strings: the String module, interpolation, concatenation, escapes,
# triple-quoted strings, parsing and conversion, method-call sugar.

fn main() do
  let s = "Hello, World"
  println("length: ${String.length(s)}")
  println("upper: ${String.to_upper(s)}")
  println("lower: ${String.to_lower(s)}")
  println("contains World: ${String.contains(s, "World")}")
  println("starts with Hell: ${String.starts_with(s, "Hell")}")
  println("ends with !: ${String.ends_with(s, "!")}")
  println("slice: ${String.slice(s, 7, 12)}")
  println("slice clamped: ${String.slice(s, -3, 5)}")
  println("trim: [${String.trim("   padded \t ")}]")
  println("replace: ${String.replace("a-b-c", "-", "+")}")
  let parts = String.split("one,two,,three", ",")
  println("split: ${parts} (${List.length(parts)} parts)")
  println("join: ${String.join(["x", "y", "z"], "-")}")
  println("concat: " <> "a" <> "b" ++ "c")

  let n = 42
  let f = 2.5
  let b = true
  println("interp: n=${n} f=${f} b=${b} expr=${n * 2 + 1}")
  println("nested: ${"inner ${n + 1}"}")
  println("unicode: ${String.length("café")} ${String.to_upper("straße")}")
  println("escapes: tab[\t] quote[\"] backslash[\\] dollar[\${n}] lone $ sign")

  let good = String.to_int(" 123 ")
  case good do
    Some(v) -> println("parsed ${v + 1}")
    None -> println("not a number")
  end
  let bad = String.to_int("12abc")
  case bad do
    Some(v) -> println("parsed ${v}")
    None -> println("not a number")
  end
  let fl = String.to_float("3.25")
  case fl do
    Some(v) -> println("float ${v * 2.0}")
    None -> println("not a float")
  end

  println("from: " <> String.from(7) <> " " <> String.from(1.5) <> " " <> String.from(false))
  println("method: ${"abc".length()} ${s.to_lower()}")
  println("equal: ${"abc" == "ab" <> "c"} ${"abc" != "abd"}")

  let multi = """first line
second "quoted" line"""
  println(multi)
end
