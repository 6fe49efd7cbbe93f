##! Console input and error output (stdlib.md §3). `println`/`print` are
##! unqualified builtins (Prelude); `IO.println` and `IO.puts` do not exist.
##! Natives: mesh_interp/natives/io.py.

## One line of stdin without its trailing newline (and `\r`); `Ok("")` at end of input, `Err` on a read error or invalid UTF-8.
pub fn read_line() -> Result<String, String>

## Write `s` and a newline to stderr.
pub fn eprintln(s :: String) -> ()
