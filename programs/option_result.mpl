# Option and Result values, `case` on them, and the `?` operator
# (including the From conversion of the error type).

struct AppError do
  message :: String
end

impl From<String> for AppError do
  fn from(msg :: String) -> AppError do
    AppError { message: "app: " <> msg }
  end
end

fn check_age(n :: Int) -> Int!String do
  if n < 0 do
    Err("negative age: ${n}")
  else
    Ok(n)
  end
end

fn parse_age(s :: String) -> Int!String do
  let parsed = String.to_int(s)
  case parsed do
    Some(n) -> check_age(n)
    None -> Err("not a number: ${s}")
  end
end

fn add_ages(a :: String, b :: String) -> Int!String do
  let x = parse_age(a)?
  let y = parse_age(b)?
  Ok(x + y)
end

fn show(r :: Int!String) -> String do
  case r do
    Ok(v) -> "ok ${v}"
    Err(e) -> "error: ${e}"
  end
end

fn first_even(xs :: List<Int>) -> Int? do
  List.find(xs, fn x -> x % 2 == 0 end)
end

fn double_first_even(xs :: List<Int>) -> Int? do
  let v = first_even(xs)?
  Some(v * 2)
end

fn show_opt(o :: Int?) -> String do
  case o do
    Some(v) -> "Some ${v}"
    None -> "None"
  end
end

fn unwrap_or(o :: Option<Int>, fallback :: Int) -> Int do
  case o do
    Some(v) -> v
    None -> fallback
  end
end

fn doubled_age(s :: String) -> Int!AppError do
  let n = parse_age(s)?
  Ok(n * 2)
end

fn show_app(r :: Int!AppError) -> String do
  case r do
    Ok(v) -> "ok ${v}"
    Err(e) -> "failed with ${e.message}"
  end
end

fn main() do
  println(show(parse_age("36")))
  println(show(parse_age("-4")))
  println(show(parse_age("abc")))
  println(show(add_ages("20", "22")))
  println(show(add_ages("20", "x")))
  println(show(add_ages("-1", "x")))

  println(show_opt(first_even([1, 3, 4, 6])))
  println(show_opt(double_first_even([1, 3, 4, 6])))
  println(show_opt(double_first_even([1, 3, 5])))
  println("unwrap_or: ${unwrap_or(Some(5), 0)} ${unwrap_or(None, 0)}")

  println(show_app(doubled_age("21")))
  println(show_app(doubled_age("old")))

  let results = [Ok(1), Err("bad"), Ok(3)]
  let oks = for r in results do
    case r do
      Ok(v) -> v
      Err(_) -> 0
    end
  end
  println("oks: ${oks}")
end
