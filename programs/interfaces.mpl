# Interfaces and impls: required and default methods, method-call syntax,
# trait methods called as functions, impls for Int, a hand-written Display,
# a generic function with a `where` bound, a static From method.

interface Describe do
  fn describe(self) -> String
  fn shout(self) -> String do
    String.to_upper(self.describe())
  end
end

struct Dog do
  name :: String
end

struct Cat do
  lives :: Int
end

struct Meters do
  value :: Int
end

impl Describe for Dog do
  fn describe(self) -> String do
    "dog named ${self.name}"
  end
end

impl Describe for Cat do
  fn describe(self) -> String do
    "cat with ${self.lives} lives"
  end
  fn shout(self) -> String do
    "MEOW"
  end
end

impl Describe for Int do
  fn describe(self) -> String do
    "the number ${self}"
  end
end

impl Display for Dog do
  fn to_string(self) -> String do
    "Dog(${self.name})"
  end
end

impl From<Int> for Meters do
  fn from(km :: Int) -> Meters do
    Meters { value: km * 1000 }
  end
end

fn loud<T>(x :: T) -> String where T: Describe do
  x.describe() <> "!"
end

fn main() do
  let d = Dog { name: "Rex" }
  let c = Cat { lives: 9 }
  println(d.describe())
  println(c.describe())
  println(d.shout())
  println(c.shout())
  println(describe(d))
  println("${d}")
  let n = 42
  println(n.describe())
  println(loud(c))
  let m = Meters.from(3)
  println("3 km = ${m.value} m")
end
