"""Helpers shared by the native modules (not Mesh-visible: underscore names)."""
from __future__ import annotations

from ..errors import MeshPanic
from ..eval import values as _v

NONE = _v.NONE
some = _v.some
ok = _v.ok
err = _v.err
wrap_int = _v.wrap_int
direct = _v.direct     # natives call Mesh function arguments through this


def panic(message: str):
    raise MeshPanic(message)


def iterable(v, who: str):
    """A Python iterator over the Mesh iterable v (a Map yields (key, value)
    tuples). `Ptr` parameters type-check with any iterator-like handle, a
    query or a changeset included, so the wrong kind is a panic here."""
    from ..eval.collections import iterate
    if type(v) is _v.Opaque:
        raise MeshPanic(f"{who}: expected an iterator or a collection, got a {v.kind}")
    try:
        return iterate(v)
    except TypeError:
        raise MeshPanic(f"{who}: expected an iterator or a collection") from None


def truthy(b) -> bool:
    """A Mesh Bool returned by a Mesh callback (always a Python bool)."""
    return b is True or (b is not False and bool(b))


def cmp_result(r) -> int:
    """A comparator's result as a Python int: an Int, or an Ordering value."""
    if type(r) is int:
        return r
    if type(r) is _v.Variant:
        name = r.info.name
        return -1 if name == "Less" else (1 if name == "Greater" else 0)
    return int(r)
