"""Map.* natives (stdlib.md §6). Maps are immutable, insertion-ordered
MeshMap values; keys compare structurally."""
from __future__ import annotations

from ..eval.collections import EMPTY_MAP as _EMPTY, MeshList as _L, MeshMap as _M, iterate as _iterate
from ._common import panic as _panic

_MISSING = object()


def new():
    return _EMPTY


# thin natives are the MeshMap methods themselves: one Python call, not two
put = _M.put


def _zero_for(m):
    """The value `Map.get` returns for a missing key.

    Upstream returns an all-zero machine word: 0 / 0.0 / false for Int /
    Float / Bool values (mesher relies on the Int case). The value type is
    static; until the type checker passes it down, it is guessed from the
    map's existing values' Python type (int 0, float 0.0, bool false,
    str ""), and an empty map gives 0. Any other value type is an error.
    TYPE-CHECKER HOOK: refine here with the static value type."""
    v = m.first_value(_MISSING)
    if v is _MISSING:
        return 0
    t = type(v)
    if t is bool:
        return False
    if t is int:
        return 0
    if t is float:
        return 0.0
    if t is str:
        return ""
    _panic("Map.get: key not found")


def get(m, k):
    v = m.get(k, _MISSING)
    if v is _MISSING:
        return _zero_for(m)
    return v


has_key = _M.has_key


def delete(m, k):
    return m.delete(k)


size = _M.__len__


def keys(m):
    return _L.from_iterable(m.keys())


def values(m):
    return _L.from_iterable(m.values())


def merge(a, b):
    return a.merge(b)


def to_list(m):
    return _L.from_iterable(m.items())


def from_list(pairs):
    return _M.from_pairs(pairs)


def collect(it):
    """From an iterator of (key, value) tuples; later keys overwrite."""
    from ._common import iterable, panic
    pairs = list(iterable(it, "Map.collect"))
    if any(type(p) is not tuple or len(p) != 2 for p in pairs):   # Ptr hides the type
        panic("Map.collect: the iterator yields values that are not (key, value) tuples")
    return _M.from_pairs(pairs)
