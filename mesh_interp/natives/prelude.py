"""Unqualified builtins (stdlib.md §0.2): println, print, map, filter, reduce,
head, tail, default, compare. The `<module>_<name>` aliases are Mesh
wrappers in stdlib/Prelude.mpl."""
from __future__ import annotations

from ..eval import values as _v
from . import io as _io
from . import list as _list

println = _io.println
print_ = _io.print_
map_ = _list.map_
filter_ = _list.filter_
reduce = _list.reduce
head = _list.head
tail = _list.tail


def default():
    """`default()` -- the `Default` of the expected type.

    Which type is only known statically: the evaluator/type checker should
    resolve `default()` to the type's zero (Int 0, Float 0.0, Bool false,
    String "", or the user's `impl Default`). Without that information this
    native returns 0 (the Int case)."""
    return 0


def _user_compare(a, b):
    ty = a.type if type(a) is _v.Struct else a.info.type
    m = ty.methods
    f = m.get("compare")
    if f is not None:
        return f(a, b)
    lt = m.get("lt")
    if lt is not None:
        if lt(a, b):
            return _v.LESS
        return _v.GREATER if lt(b, a) else _v.EQUAL
    return None


def compare(a, b):
    """`Ord` dispatch: Less / Equal / Greater."""
    t = type(a)
    if t is _v.Struct or t is _v.Variant:
        r = _user_compare(a, b)
        if r is not None:
            return r
    if a < b:
        return _v.LESS
    if b < a:
        return _v.GREATER
    return _v.EQUAL


def hash_value(x) -> int:
    """`x.hash()` for Int/Float/String/Bool: 64-bit FNV-1a over the
    little-endian bytes (Int, Float bits), one byte (Bool) or the UTF-8
    bytes (String), as a signed Int (stdlib.md §1). Not a declared native:
    for the evaluator's `Hash` method dispatch."""
    import struct as _struct
    t = type(x)
    if t is bool:
        data = b"\x01" if x else b"\x00"
    elif t is int:
        data = _struct.pack("<q", x)
    elif t is float:
        data = _struct.pack("<d", x)
    elif t is str:
        data = x.encode("utf-8", "surrogatepass")
    else:
        return _v.wrap_int(hash(x))
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return _v.wrap_int(h)
