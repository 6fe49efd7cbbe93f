##! Immutable lists (stdlib.md §5). Natives: mesh_interp/natives/list.py.

## An empty list.
pub fn new<T>() -> List<T>

## Number of elements.
pub fn length<T>(xs :: List<T>) -> Int

## A new list with `x` added at the end.
pub fn append<T>(xs :: List<T>, x :: T) -> List<T>

## The first element; panics on an empty list.
pub fn head<T>(xs :: List<T>) -> T

## All but the first element; panics on an empty list.
pub fn tail<T>(xs :: List<T>) -> List<T>

## The element at 0-based index `i`; panics when `i < 0` or `i >= length`.
pub fn get<T>(xs :: List<T>, i :: Int) -> T

## Same as `get`.
pub fn nth<T>(xs :: List<T>, i :: Int) -> T

## The last element; panics on an empty list.
pub fn last<T>(xs :: List<T>) -> T

## The elements of `a` followed by those of `b`.
pub fn concat<T>(a :: List<T>, b :: List<T>) -> List<T>

## The elements in reverse order.
pub fn reverse<T>(xs :: List<T>) -> List<T>

## Apply `f` to every element, in order.
pub fn map<T, U>(xs :: List<T>, f :: Fun(T) -> U) -> List<U>

## The elements for which `p` is true, order kept.
pub fn filter<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> List<T>

## Left fold `f(acc, x)` starting from `init`; `init` for an empty list.
pub fn reduce<T, U>(xs :: List<T>, init :: U, f :: Fun(U, T) -> U) -> U

## Stable sort with a comparator returning an Int (negative: `a` first, 0: equal, positive: `b` first).
pub fn sort<T>(xs :: List<T>, cmp :: Fun(T, T) -> Int) -> List<T>

## The first element satisfying `p`.
pub fn find<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> Option<T>

## Whether some element satisfies `p` (false for an empty list).
pub fn any<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> Bool

## Whether every element satisfies `p` (true for an empty list).
pub fn all<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> Bool

## Whether an element equals `x` (structural equality).
pub fn contains<T>(xs :: List<T>, x :: T) -> Bool

## Pairs of corresponding elements, as long as the shorter list.
pub fn zip<T, U>(a :: List<T>, b :: List<U>) -> List<(T, U)>

## Apply `f` to every element and concatenate the resulting lists.
pub fn flat_map<T, U>(xs :: List<T>, f :: Fun(T) -> List<U>) -> List<U>

## Concatenate a list of lists (one level).
pub fn flatten<T>(xss :: List<List<T>>) -> List<T>

## `(index, element)` pairs, indices from 0.
pub fn enumerate<T>(xs :: List<T>) -> List<(Int, T)>

## The first `n` elements (`n` clamped to `[0, length]`).
pub fn take<T>(xs :: List<T>, n :: Int) -> List<T>

## All but the first `n` elements (`n` clamped to `[0, length]`).
pub fn drop<T>(xs :: List<T>, n :: Int) -> List<T>

## Materialise an iterator into a list.
pub fn collect<T>(it :: Ptr) -> List<T>
