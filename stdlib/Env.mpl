##! Process environment (stdlib.md §3). Natives: mesh_interp/natives/env.py.

## The value of environment variable `name`; `None` if unset or not valid Unicode.
pub fn get(name :: String) -> Option<String>
