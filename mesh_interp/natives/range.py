"""Range.* natives (stdlib.md §8): half-open Int intervals."""
from __future__ import annotations

from ..errors import MeshPanic as _Panic
from ..eval.collections import MeshList as _L, MeshRange as _R
from ..eval.values import wrap_int as _wrap

# More elements than this cannot be held in memory anyway (8 bytes a slot);
# say so at once instead of counting up to a MemoryError.
_MAX_ELEMENTS = 1 << 32


def _size(r, what: str) -> int:
    n = max(0, r.end - r.start)
    if n > _MAX_ELEMENTS:
        raise _Panic(f"Range.{what}: the range has {n} elements, too many to make a list")
    return n


def new(a, b):
    return _R(a, b)


def to_list(r):
    _size(r, "to_list")
    return _L.from_iterable(r)


def map_(r, f):
    _size(r, "map")
    return _L.from_iterable([f(i) for i in r])


def filter_(r, p):
    return _L.from_iterable([i for i in r if p(i)])


def length(r):
    # len() cannot hold more than 2**63 - 1; Int arithmetic wraps
    return _wrap(max(0, r.end - r.start))
