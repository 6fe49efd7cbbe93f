##! Int conversions (stdlib.md §4). Natives: mesh_interp/natives/int.py.

## The nearest Float.
pub fn to_float(i :: Int) -> Float
