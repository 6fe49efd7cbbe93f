##! Lazy, single-pass iterators (stdlib.md §9). Adapters pull nothing until a
##! terminal (count, sum, any, all, find, reduce, or `List/Map/Set/String.collect`)
##! consumes them. Iterator handles have the opaque type `Ptr`
##! (`ListIterator` for `Iter.from`). Natives: mesh_interp/natives/iter.py.

## An iterator over the elements of a list.
pub fn from<T>(xs :: List<T>) -> ListIterator

## Lazily apply `f` to each element.
pub fn map<T, U>(it :: Ptr, f :: Fun(T) -> U) -> Ptr

## Lazily keep the elements satisfying `p`.
pub fn filter<T>(it :: Ptr, p :: Fun(T) -> Bool) -> Ptr

## At most the first `n` elements (none when `n <= 0`).
pub fn take(it :: Ptr, n :: Int) -> Ptr

## Skip the first `n` elements.
pub fn skip(it :: Ptr, n :: Int) -> Ptr

## `(index, element)` tuples, indices from 0.
pub fn enumerate(it :: Ptr) -> Ptr

## Pairs from two iterators; ends when either ends.
pub fn zip(a :: Ptr, b :: Ptr) -> Ptr

## Consume the iterator and count its elements.
pub fn count(it :: Ptr) -> Int

## Sum of the Int elements (0 when empty).
pub fn sum(it :: Ptr) -> Int

## Whether some element satisfies `p` (stops at the first).
pub fn any<T>(it :: Ptr, p :: Fun(T) -> Bool) -> Bool

## Whether every element satisfies `p` (stops at the first failure).
pub fn all<T>(it :: Ptr, p :: Fun(T) -> Bool) -> Bool

## The first element satisfying `p`, as an `Option` at run time.
pub fn find<T>(it :: Ptr, p :: Fun(T) -> Bool) -> Ptr

## Left fold `f(acc, x)` starting from `init`.
pub fn reduce<T>(it :: Ptr, init :: T, f :: Fun(T, T) -> T) -> T
