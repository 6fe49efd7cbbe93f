"""Tuple.* natives (stdlib.md §8). They return the actual element (the
checker types the result as Int; DECISION in stdlib.md)."""
from __future__ import annotations

from ._common import panic as _panic


def nth(t, i):
    n = len(t)
    if i < 0 or i >= n:
        _panic(f"mesh_tuple_nth: index {i} out of bounds (len {n})")
    return t[i]


def first(t):
    return nth(t, 0)


def second(t):
    return nth(t, 1)


def size(t):
    return len(t)
