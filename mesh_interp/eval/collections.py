"""Immutable collection values: List, Map, Set, Queue, Range and lazy iterators.

Every "update" returns a new value and leaves the old one untouched, and the
updates Mesh programs do in loops are cheap:

MeshList  = persistent vector (pyrsistent's C ``pvector``) + a start offset.
            append O(log32 n) (effectively O(1)), index O(log32 n), the cons
            pattern's tail (``h :: t``), ``List.tail`` and ``List.drop`` O(1)
            (they only move the offset; the dead prefix is dropped by an
            occasional compaction, amortised O(1)). Prepend/concat copy.
MeshMap   = HAMT (``immutables.Map``) key -> (position, value), plus a
            persistent vector of keys in insertion order. A put on an existing
            key keeps its position; delete leaves a tombstone that is squeezed
            out once tombstones outnumber live entries (amortised O(1)).
MeshSet   = the same design without values.
MeshQueue = persistent vector + front offset (push back, pop front: O(1)).
MeshRange = half-open Int interval [start, end).
MeshIter  = a lazy, single-pass iterator (Iter.* adapters wrap Python
            generators around it).

Keys of maps and elements of sets must be hashable: Int, Float, Bool, String,
tuples, lists, structs, variants, Pids all are (see values._hashable).
"""
from __future__ import annotations

import sys
from itertools import islice
from typing import Iterable, Iterator

import immutables
from pyrsistent import pvector

_EMPTY_VEC = pvector()
_Map = immutables.Map
_EMPTY_HAMT = _Map()
_Mutation = type(_EMPTY_HAMT.mutate())
_refcount = sys.getrefcount
# sys.getrefcount(m) inside MeshMap.put_owned when the only other holder of m
# is the caller's variable that dies with the call (measured on CPython 3.11:
# that variable, put_owned's own `self`, getrefcount's argument)
_OWNED_REFS = 3
_DICT_MAX = 32     # MeshMap.put_owned turns maps up to this size into dicts


class _Tomb:
    """Marks the position of a deleted key in the insertion-order vector."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<deleted>"


_TOMB = _Tomb()
_MISSING = object()

# Compaction thresholds: rebuild when the dead part is larger than this and
# larger than twice the live part (keeps the amortised cost O(1) per update).
_COMPACT_MIN = 32


def _hash_item(v) -> int:
    try:
        return hash(v)
    except TypeError:
        return id(v)


# ====================================================================== List

class MeshList:
    """An immutable Mesh List. Iterates, indexes and compares like a sequence."""

    __slots__ = ("_v", "_s", "_h")

    def __init__(self, vec=_EMPTY_VEC, start: int = 0):
        self._v = vec
        self._s = start
        self._h = None

    # ---------------------------------------------------------- construction
    @staticmethod
    def from_iterable(it: Iterable) -> "MeshList":
        if type(it) is MeshList:
            return it
        v = pvector(it)
        return MeshList(v, 0) if len(v) else EMPTY

    @staticmethod
    def of(*items) -> "MeshList":
        return MeshList(pvector(items), 0) if items else EMPTY

    @staticmethod
    def _at(vec, start: int) -> "MeshList":
        """A list over vec[start:], compacting a large dead prefix."""
        n = len(vec)
        if start >= n:
            return EMPTY
        if start > _COMPACT_MIN and start > 2 * (n - start):
            return MeshList(vec[start:], 0)
        return MeshList(vec, start)

    # ---------------------------------------------------------- sequence protocol
    def __len__(self) -> int:
        return len(self._v) - self._s

    def __bool__(self) -> bool:
        return len(self._v) > self._s

    def __iter__(self) -> Iterator:
        s = self._s
        v = self._v
        if s == 0:
            return iter(v)
        return map(v.__getitem__, range(s, len(v)))

    def __reversed__(self) -> Iterator:
        v = self._v
        return map(v.__getitem__, range(len(v) - 1, self._s - 1, -1))

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step == 1:
                if start >= stop:
                    return EMPTY
                s = self._s
                if stop == len(self):
                    return MeshList._at(self._v, s + start)
                return MeshList(self._v[s + start:s + stop], 0)
            return MeshList.from_iterable(list(self)[i])
        n = len(self)
        if i < 0:
            i += n
        if i < 0 or i >= n:
            raise IndexError(i)
        return self._v[self._s + i]

    def __contains__(self, x) -> bool:
        for y in self:
            if y == x:
                return True
        return False

    # ---------------------------------------------------------- Mesh operations
    def uncons(self):
        """(head, tail) for the cons pattern `h :: t`, or None when empty. O(1)."""
        s = self._s
        v = self._v
        if s >= len(v):
            return None
        return v[s], MeshList._at(v, s + 1)

    def head(self):
        return self._v[self._s]

    def tail(self) -> "MeshList":
        return MeshList._at(self._v, self._s + 1)

    def last(self):
        return self._v[-1]

    def append(self, x) -> "MeshList":
        return MeshList(self._v.append(x), self._s)

    def prepend(self, x) -> "MeshList":
        """[x | self] -- O(n) copy (Mesh lists are arrays upstream too)."""
        return MeshList(pvector((x,)).extend(self), 0)

    def concat(self, other: Iterable) -> "MeshList":
        """List concatenation (`++`). O(len(other))."""
        if type(other) is MeshList:
            if not other:
                return self
            if not self:
                return other
        elif not isinstance(other, (list, tuple)):
            other = list(other)
        if not other:
            return self
        return MeshList(self._v.extend(other), self._s)

    __add__ = concat

    def take(self, n: int) -> "MeshList":
        ln = len(self)
        if n <= 0:
            return EMPTY
        if n >= ln:
            return self
        s = self._s
        return MeshList(self._v[s:s + n], 0)

    def drop(self, n: int) -> "MeshList":
        if n <= 0:
            return self
        return MeshList._at(self._v, self._s + n)

    def reverse(self) -> "MeshList":
        return MeshList(pvector(reversed(self)), 0) if len(self) > 1 else self

    def to_pylist(self) -> list:
        return list(self)

    # ---------------------------------------------------------- comparison
    def __eq__(self, other) -> bool:
        if other is self:
            return True
        if type(other) is not MeshList:
            return NotImplemented
        if len(other) != len(self):
            return False
        for a, b in zip(self, other):
            if not (a == b):
                return False
        return True

    def __ne__(self, other) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __lt__(self, other) -> bool:
        return tuple(self) < tuple(other)

    def __le__(self, other) -> bool:
        return tuple(self) <= tuple(other)

    def __gt__(self, other) -> bool:
        return tuple(self) > tuple(other)

    def __ge__(self, other) -> bool:
        return tuple(self) >= tuple(other)

    def __hash__(self) -> int:
        h = self._h
        if h is None:
            h = self._h = hash(("List",) + tuple(_hash_item(x) for x in self))
        return h

    def __repr__(self) -> str:
        return f"MeshList({list(self)!r})"


EMPTY = MeshList()
EMPTY_LIST = EMPTY


# ====================================================================== Map and Set

class _Ordered:
    """What Map and Set share: a C HAMT for lookups plus a persistent vector
    of keys in insertion order, with _TOMB where a key was deleted (compacted
    once tombstones outnumber live entries)."""

    __slots__ = ("_idx", "_ord", "_dead", "_h")

    def __init__(self, idx=_EMPTY_HAMT, order=_EMPTY_VEC, dead: int = 0):
        self._idx = idx      # key -> its entry (see the subclass)
        self._ord = order    # keys in insertion order, _TOMB for deleted ones
        self._dead = dead
        self._h = None

    def __len__(self) -> int:
        return len(self._idx)

    def __bool__(self) -> bool:
        return len(self._idx) > 0

    def __contains__(self, k) -> bool:
        return k in self._idx

    contains = __contains__

    def _hamt(self):
        """self._idx as an immutables.Map: a map updated in place (see
        MeshMap.put_owned) holds a dict or a HAMT mutation, which becomes a
        persistent HAMT here (O(n) for a dict, O(1) for a mutation)."""
        idx = self._idx
        t = type(idx)
        if t is dict:
            idx = self._idx = _Map(idx)
        elif t is _Mutation:
            idx = self._idx = idx.finish()
        return idx

    def keys(self) -> Iterator:
        if self._dead:
            return (k for k in self._ord if k is not _TOMB)
        return iter(self._ord)

    def _without(self, k, pos: int):
        """Remove k (at position pos): returns (fields, idx, order), where
        fields is the (idx, order, dead) of the result, or None when the
        tombstones outnumber the live entries and the caller should rebuild
        from the live keys of `order`."""
        idx = self._hamt().delete(k)
        order = self._ord.set(pos, _TOMB)
        dead = self._dead + 1
        if dead > _COMPACT_MIN and dead > 2 * len(idx):
            return None, idx, order
        return (idx, order, dead), idx, order

    def __ne__(self, other) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r


class MeshMap(_Ordered):
    """An immutable, insertion-ordered Mesh Map (entries: key -> (position, value)).

    Iterating a MeshMap yields its keys (like a dict); use items() for pairs.
    """

    __slots__ = ()

    # ---------------------------------------------------------- construction
    @staticmethod
    def from_pairs(pairs: Iterable) -> "MeshMap":
        """Build from (key, value) pairs; a later duplicate overwrites the value
        and keeps the first position."""
        order = []
        with _EMPTY_HAMT.mutate() as mm:
            for k, v in pairs:
                e = mm.get(k, _MISSING)
                if e is _MISSING:
                    mm[k] = (len(order), v)
                    order.append(k)
                else:
                    mm[k] = (e[0], v)
            idx = mm.finish()
        if not order:
            return EMPTY_MAP
        return MeshMap(idx, pvector(order), 0)

    from_iterable = from_pairs

    # ---------------------------------------------------------- queries
    has_key = _Ordered.__contains__

    def get(self, k, default=None):
        e = self._idx.get(k, _MISSING)
        return default if e is _MISSING else e[1]

    def __getitem__(self, k):
        return self._idx[k][1]

    __iter__ = _Ordered.keys

    def values(self) -> Iterator:
        idx = self._idx
        return (idx[k][1] for k in self.keys())

    def items(self) -> Iterator:
        idx = self._idx
        return ((k, idx[k][1]) for k in self.keys())

    def first_value(self, default=None):
        """Any value (the first in insertion order), or default when empty."""
        for k in self.keys():
            return self._idx[k][1]
        return default

    # ---------------------------------------------------------- updates
    def put_owned(self, k, v) -> "MeshMap":
        """put, for a caller whose variable holding self dies with this call
        (eval/pygen.py decides that): when nothing else refers to self, no one
        can see the old value, so the entry is written in place (a HAMT
        mutation, O(1) instead of copying a path of nodes)."""
        if _refcount(self) > _OWNED_REFS or self is EMPTY_MAP:
            return self.put(k, v)
        idx = self._idx
        t = type(idx)
        if t is not dict and t is not _Mutation:
            # a small map becomes a dict (the fastest to update and to read;
            # it keeps insertion order like _ord); a big one a HAMT mutation
            # (not copied: a dict would cost O(n) now and again when shared)
            idx = self._idx = dict(idx.items()) if len(idx) <= _DICT_MAX else idx.mutate()
        e = idx.get(k, _MISSING)
        if e is _MISSING:
            idx[k] = (len(self._ord), v)
            self._ord = self._ord.append(k)
        else:
            idx[k] = (e[0], v)
        self._h = None
        return self

    def put(self, k, v) -> "MeshMap":
        idx = self._hamt()
        e = idx.get(k, _MISSING)
        if e is _MISSING:
            return MeshMap(idx.set(k, (len(self._ord), v)), self._ord.append(k), self._dead)
        if e[1] is v:
            return self
        return MeshMap(idx.set(k, (e[0], v)), self._ord, self._dead)

    def delete(self, k) -> "MeshMap":
        idx = self._hamt()
        e = idx.get(k, _MISSING)
        if e is _MISSING:
            return self
        if len(idx) == 1:
            return EMPTY_MAP
        kept, idx, order = self._without(k, e[0])
        if kept is None:
            return MeshMap.from_pairs((kk, idx[kk][1]) for kk in order if kk is not _TOMB)
        return MeshMap(*kept)

    def merge(self, other: "MeshMap") -> "MeshMap":
        """Entries of self, then other's put on top (other wins, its new keys appended)."""
        if not other:
            return self
        if not self:
            return other
        m = self
        for k, v in other.items():
            m = m.put(k, v)
        return m

    # ---------------------------------------------------------- comparison
    def __eq__(self, other) -> bool:
        if other is self:
            return True
        if type(other) is not MeshMap:
            return NotImplemented
        if len(other) != len(self):
            return False
        oidx = other._idx
        for k, (_, v) in self._hamt().items():
            e = oidx.get(k, _MISSING)
            if e is _MISSING or not (e[1] == v):
                return False
        return True

    def __hash__(self) -> int:
        h = self._h
        if h is None:
            h = self._h = hash(("Map", frozenset((_hash_item(k), _hash_item(v))
                                                 for k, v in self.items())))
        return h

    def __repr__(self) -> str:
        return f"MeshMap({dict(self.items())!r})"


EMPTY_MAP = MeshMap()


# ====================================================================== Set

class MeshSet(_Ordered):
    """An immutable, insertion-ordered Mesh Set (entries: element -> position)."""

    __slots__ = ()

    @staticmethod
    def from_iterable(it: Iterable) -> "MeshSet":
        """Duplicates removed, first occurrence order."""
        order = []
        with _EMPTY_HAMT.mutate() as mm:
            for x in it:
                if x not in mm:
                    mm[x] = len(order)
                    order.append(x)
            idx = mm.finish()
        if not order:
            return EMPTY_SET
        return MeshSet(idx, pvector(order), 0)

    __iter__ = _Ordered.keys

    def add(self, x) -> "MeshSet":
        if x in self._idx:
            return self
        return MeshSet(self._idx.set(x, len(self._ord)), self._ord.append(x), self._dead)

    def remove(self, x) -> "MeshSet":
        idx = self._idx
        pos = idx.get(x, _MISSING)
        if pos is _MISSING:
            return self
        if len(idx) == 1:
            return EMPTY_SET
        kept, idx, order = self._without(x, pos)
        if kept is None:
            return MeshSet.from_iterable(y for y in order if y is not _TOMB)
        return MeshSet(*kept)

    delete = remove

    def union(self, other: "MeshSet") -> "MeshSet":
        if not other:
            return self
        if not self:
            return other
        s = self
        for x in other:
            s = s.add(x)
        return s

    def intersection(self, other: "MeshSet") -> "MeshSet":
        return MeshSet.from_iterable(x for x in self if x in other)

    def difference(self, other: "MeshSet") -> "MeshSet":
        if not other:
            return self
        return MeshSet.from_iterable(x for x in self if x not in other)

    def __eq__(self, other) -> bool:
        if other is self:
            return True
        if type(other) is not MeshSet:
            return NotImplemented
        if len(other) != len(self):
            return False
        return all(x in other._idx for x in self._idx.keys())

    def __hash__(self) -> int:
        h = self._h
        if h is None:
            h = self._h = hash(("Set", frozenset(_hash_item(x) for x in self)))
        return h

    def __repr__(self) -> str:
        return f"MeshSet({list(self)!r})"


EMPTY_SET = MeshSet()


# ====================================================================== Queue

class MeshQueue:
    """An immutable FIFO queue: push at the back, pop from the front."""

    __slots__ = ("_v", "_s")

    def __init__(self, vec=_EMPTY_VEC, start: int = 0):
        self._v = vec
        self._s = start

    @staticmethod
    def from_iterable(it: Iterable) -> "MeshQueue":
        return MeshQueue(pvector(it), 0)

    def __len__(self) -> int:
        return len(self._v) - self._s

    def __bool__(self) -> bool:
        return len(self._v) > self._s

    def __iter__(self) -> Iterator:
        v = self._v
        return map(v.__getitem__, range(self._s, len(v)))

    def push(self, x) -> "MeshQueue":
        return MeshQueue(self._v.append(x), self._s)

    def peek(self):
        """The front element; IndexError when empty (natives turn it into a panic)."""
        if not self:
            raise IndexError("empty queue")
        return self._v[self._s]

    def pop(self):
        """(front, rest); IndexError when empty."""
        v = self._v
        s = self._s
        if s >= len(v):
            raise IndexError("empty queue")
        s += 1
        if s > _COMPACT_MIN and s > 2 * (len(v) - s):
            rest = MeshQueue(v[s:], 0)
        else:
            rest = MeshQueue(v, s)
        return v[s - 1], rest

    def __eq__(self, other) -> bool:
        if type(other) is not MeshQueue:
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __ne__(self, other) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self) -> int:
        return hash(("Queue",) + tuple(_hash_item(x) for x in self))

    def __repr__(self) -> str:
        return f"MeshQueue({list(self)!r})"


EMPTY_QUEUE = MeshQueue()


# ====================================================================== Range

class MeshRange:
    """Half-open Int interval [start, end); empty when end <= start."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start = start
        self.end = end

    def __len__(self) -> int:
        return max(0, self.end - self.start)

    def __bool__(self) -> bool:
        return self.end > self.start

    def __iter__(self) -> Iterator:
        return iter(range(self.start, self.end))

    def __contains__(self, x) -> bool:
        return type(x) is int and self.start <= x < self.end

    def __eq__(self, other) -> bool:
        if type(other) is not MeshRange:
            return NotImplemented
        return self.start == other.start and self.end == other.end

    def __ne__(self, other) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self) -> int:
        return hash(("Range", self.start, self.end))

    def __repr__(self) -> str:
        return f"MeshRange({self.start}, {self.end})"


# ====================================================================== Iter

class MeshIter:
    """A lazy, single-pass iterator (the opaque `Ptr`/`ListIterator` of Iter.*).

    Wraps any Python iterator; adapters build new MeshIters around generators,
    so nothing is pulled from the source until a terminal asks for it.
    """

    __slots__ = ("_it",)

    def __init__(self, it: Iterable):
        self._it = iter(it)

    @staticmethod
    def from_next(next_fn) -> "MeshIter":
        """From a Mesh `next()`-style function returning Option (Some(x) / None)."""
        def gen():
            while True:
                r = next_fn()
                args = getattr(r, "args", None)
                if not args:          # None variant (or a Python None)
                    return
                yield args[0]
        return MeshIter(gen())

    def __iter__(self) -> Iterator:
        return self._it

    def __next__(self):
        return next(self._it)

    def take(self, n: int) -> "MeshIter":
        return MeshIter(islice(self._it, max(0, n)))

    def __repr__(self) -> str:
        return "<iterator>"


def iterate(v) -> Iterator:
    """Python iterator over any Mesh iterable (Map yields (key, value) tuples)."""
    if type(v) is MeshMap:
        return v.items()
    return iter(v)


__all__ = [
    "MeshList", "MeshMap", "MeshSet", "MeshQueue", "MeshRange", "MeshIter",
    "EMPTY", "EMPTY_LIST", "EMPTY_MAP", "EMPTY_SET", "EMPTY_QUEUE", "iterate",
]

