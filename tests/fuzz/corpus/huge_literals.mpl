fn main() do
  let x = 99999999999999999999999999999999999999999999
  let y = 0xffffffffffffffffffffffffffffffffffffffff
  let z = 1.0e999999
  println("${x} ${y} ${z}")
  println("${(-9223372036854775807 - 1) / -1} ${(-9223372036854775807 - 1) % -1}")
end
