# expect: E0017 line 3
fn main() do
  receive do # <- E0017
    msg -> println(msg)
  end
end
