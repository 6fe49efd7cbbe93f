"""Range.* natives (stdlib.md §8): half-open Int intervals."""
from __future__ import annotations

from ..eval.collections import MeshList as _L, MeshRange as _R


def new(a, b):
    return _R(a, b)


def to_list(r):
    return _L.from_iterable(r)


def map_(r, f):
    return _L.from_iterable([f(i) for i in r])


def filter_(r, p):
    return _L.from_iterable([i for i in r if p(i)])


def length(r):
    return len(r)
