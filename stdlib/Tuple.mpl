##! Tuple accessors (stdlib.md §8). `Tuple` matches any tuple; the result is
##! the actual element although the type says Int (prefer `let (a, b) = t`).
##! Natives: mesh_interp/natives/tuple.py.

## The element at index `i`; panics when out of range.
pub fn nth(t :: Tuple, i :: Int) -> Int

## The element at index 0.
pub fn first(t :: Tuple) -> Int

## The element at index 1.
pub fn second(t :: Tuple) -> Int

## The number of elements.
pub fn size(t :: Tuple) -> Int
