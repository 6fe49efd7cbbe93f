# Int semantics: truncating division, remainder with the sign of the
# dividend, 64-bit wrap-around, precedence, literal forms, conversions.

fn main() do
  println("7 / 2 = ${7 / 2}")
  println("-7 / 2 = ${-7 / 2}")
  println("7 / -2 = ${7 / -2}")
  println("-7 / -2 = ${-7 / -2}")
  println("7 % 3 = ${7 % 3}")
  println("-7 % 3 = ${-7 % 3}")
  println("7 % -3 = ${7 % -3}")
  println("-7 % -3 = ${-7 % -3}")

  let max = 9223372036854775807
  let min = -max - 1
  println("max = ${max}")
  println("max + 1 = ${max + 1}")
  println("min = ${min}")
  println("min - 1 = ${min - 1}")
  println("-min = ${-min}")
  println("max * 2 = ${max * 2}")
  println("big square = ${3037000500 * 3037000500}")

  println("2 + 3 * 4 = ${2 + 3 * 4}")
  println("(2 + 3) * 4 = ${(2 + 3) * 4}")
  println("10 - 4 - 3 = ${10 - 4 - 3}")
  println("100 / 10 / 5 = ${100 / 10 / 5}")
  println("-2 * 3 = ${-2 * 3}")
  println("2 - -3 = ${2 - -3}")
  println("17 % 5 * 2 = ${17 % 5 * 2}")

  println("literals: ${0xFF} ${1_000_000} ${0b1010} ${0o17}")

  println("compare: ${-1 < 1} ${5 == 5} ${5 != 5} ${3 >= 3} ${2 > 3}")
  println("abs/min/max: ${Math.abs(-5)} ${Math.min(3, -4)} ${Math.max(3, -4)}")
  println("to_float: ${Int.to_float(7) / 2.0}")
  println("to_int: ${Float.to_int(3.99)} ${Float.to_int(-2.7)}")
  println("floor/ceil: ${Math.floor(-2.3)} ${Math.ceil(-2.7)} ${Math.floor(2.9)}")
  println("round: ${Math.round(2.5)} ${Math.round(-2.5)} ${Math.round(0.4)}")
  println("string: ${String.from(-12)} ${String.length("${max}")}")
end
