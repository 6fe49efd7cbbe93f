##! Immutable, insertion-ordered maps (stdlib.md §6).
##! Natives: mesh_interp/natives/map.py.

## An empty map.
pub fn new<K, V>() -> Map<K, V>

## `m` with `k` bound to `v`: an existing key keeps its position, a new key goes last.
pub fn put<K, V>(m :: Map<K, V>, k :: K, v :: V) -> Map<K, V>

## The value bound to `k`, not an Option: a missing key gives the zero of the value type (0, 0.0, false); check `has_key` first for other value types.
pub fn get<K, V>(m :: Map<K, V>, k :: K) -> V

## Whether `k` is bound.
pub fn has_key<K, V>(m :: Map<K, V>, k :: K) -> Bool

## `m` without `k` (unchanged when missing); the order of the rest is kept.
pub fn delete<K, V>(m :: Map<K, V>, k :: K) -> Map<K, V>

## Number of entries.
pub fn size<K, V>(m :: Map<K, V>) -> Int

## The keys, in insertion order.
pub fn keys<K, V>(m :: Map<K, V>) -> List<K>

## The values, in insertion order.
pub fn values<K, V>(m :: Map<K, V>) -> List<V>

## The entries of `a`, then those of `b` put on top (`b` wins, its new keys appended).
pub fn merge<K, V>(a :: Map<K, V>, b :: Map<K, V>) -> Map<K, V>

## `(key, value)` pairs, in insertion order.
pub fn to_list<K, V>(m :: Map<K, V>) -> List<(K, V)>

## A map from `(key, value)` pairs; later duplicates overwrite earlier ones.
pub fn from_list<K, V>(pairs :: List<(K, V)>) -> Map<K, V>

## A map from an iterator of `(key, value)` tuples; later keys overwrite.
pub fn collect<K, V>(it :: Ptr) -> Map<K, V>
