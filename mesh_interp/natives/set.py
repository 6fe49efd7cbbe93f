"""Set.* natives (stdlib.md §7): immutable, insertion-ordered MeshSet."""
from __future__ import annotations

from ..eval.collections import EMPTY_SET as _EMPTY, MeshList as _L, MeshSet as _S, iterate as _iterate


def new():
    return _EMPTY


def add(s, x):
    return s.add(x)


def remove(s, x):
    return s.remove(x)


def contains(s, x):
    return x in s


def size(s):
    return len(s)


def union(a, b):
    return a.union(b)


def intersection(a, b):
    return a.intersection(b)


def difference(a, b):
    return a.difference(b)


def to_list(s):
    return _L.from_iterable(s)


def from_list(xs):
    return _S.from_iterable(xs)


def collect(it):
    from ._common import iterable
    return _S.from_iterable(iterable(it, "Set.collect"))
