##! Immutable, insertion-ordered sets of Int (stdlib.md §7; `Set` is not
##! generic). Natives: mesh_interp/natives/set.py.

## An empty set.
pub fn new() -> Set

## `s` with `x` added (unchanged if present).
pub fn add(s :: Set, x :: Int) -> Set

## `s` without `x`.
pub fn remove(s :: Set, x :: Int) -> Set

## Whether `x` is in `s`.
pub fn contains(s :: Set, x :: Int) -> Bool

## Number of elements.
pub fn size(s :: Set) -> Int

## The elements of `a`, then the new elements of `b`.
pub fn union(a :: Set, b :: Set) -> Set

## The elements of `a` that are in `b`, in the order of `a`.
pub fn intersection(a :: Set, b :: Set) -> Set

## The elements of `a` that are not in `b`.
pub fn difference(a :: Set, b :: Set) -> Set

## The elements, in insertion order.
pub fn to_list(s :: Set) -> List<Int>

## A set of the elements of `xs` (duplicates removed, first occurrence order).
pub fn from_list(xs :: List<Int>) -> Set

## A set of the elements of an iterator (duplicates removed).
pub fn collect(it :: Ptr) -> Set
