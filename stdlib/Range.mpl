##! Half-open Int intervals `[a, b)` (stdlib.md §8).
##! Natives: mesh_interp/natives/range.py.

## The interval `[a, b)`.
pub fn new(a :: Int, b :: Int) -> Range

## The Ints of the interval in order (empty when `b <= a`).
pub fn to_list(r :: Range) -> List<Int>

## Apply `f` to every Int of the interval.
pub fn map(r :: Range, f :: Fun(Int) -> Int) -> List<Int>

## The Ints of the interval satisfying `p`.
pub fn filter(r :: Range, p :: Fun(Int) -> Bool) -> List<Int>

## `max(0, b - a)`.
pub fn length(r :: Range) -> Int
