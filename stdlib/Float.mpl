##! Float conversions (stdlib.md §4). Natives: mesh_interp/natives/float.py.

## Truncate toward zero (`3.99` gives 3, `-2.7` gives -2); saturates out of range, NaN gives 0.
pub fn to_int(f :: Float) -> Int

## The nearest Float of an Int (same as `Int.to_float`).
pub fn from(i :: Int) -> Float
