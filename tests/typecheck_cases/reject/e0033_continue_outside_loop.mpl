# expect: E0033 line 3
fn main() do
  continue # <- E0033
end
