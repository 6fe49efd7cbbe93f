# expect: E0032 line 3
fn main() do
  break # <- E0032
end
