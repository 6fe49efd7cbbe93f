"""Display and Debug: the only place Mesh values become text.

display(v) is what `"${v}"`, `v.to_string()` and `String.from(v)` give;
debug(v) is `v.inspect()`. Rules: semantics.md §9, stdlib.md §1.

User types: a `to_string` method in `type.methods` wins for Display, an
`inspect` method for Debug; otherwise the derived formats below are used.
An evaluator that installs *derived* Display/Debug methods must implement
them with derived_display()/derived_debug() (not display()/debug(), which
would call the method again).

Formats that have no upstream counterpart (values that upstream cannot
print; our extension, semantics.md §9.4): tuples `(1, a)`, unit `()`,
`Some(1)`/`None`/`Ok(1)`/`Err(e)`, `Less`/`Equal`/`Greater`, Pids
`<0.N.0>`, functions `<fn name/arity>`, ranges `a..b`, queues
`Queue[1, 2]`, iterators `<iterator>`, opaque handles `<Kind>` (a Json
value shows its JSON text).
"""
from __future__ import annotations

import math

from . import values as _v
from .collections import MeshIter, MeshList, MeshMap, MeshQueue, MeshRange, MeshSet

Struct = _v.Struct
Variant = _v.Variant
Function = _v.Function
Pid = _v.Pid
Opaque = _v.Opaque

_BUILTIN_SUMS = frozenset(id(t) for t in _v.BUILTIN_SUM_TYPES.values())


# ---------------------------------------------------------------- floats

def _digits(x: float):
    """Shortest round-trip decimal digits of a finite x > 0, as (digits, point)
    with x == 0.<digits> * 10**point and no leading/trailing zeros."""
    r = repr(x)
    mant, _, exp = r.partition("e")
    ip, _, fp = mant.partition(".")
    digits = ip + fp
    point = len(ip) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point


def float_to_str(x: float) -> str:
    """Rust `f64` Display: shortest round-trip digits, positional notation,
    no trailing `.0`; `NaN`, `inf`, `-inf`, `-0`."""
    if x != x:
        return "NaN"
    if x == 0.0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    neg = x < 0
    digits, point = _digits(-x if neg else x)
    n = len(digits)
    if point <= 0:
        s = "0." + "0" * (-point) + digits
    elif point >= n:
        s = digits + "0" * (point - n)
    else:
        s = digits[:point] + "." + digits[point:]
    return "-" + s if neg else s


def float_to_json(x: float) -> str:
    """serde_json / ryu text of a finite float: `3.0`, `0.1`, `1e21`, `1.5e-7`.
    Non-finite values are JSON `null`."""
    if x != x or x in (math.inf, -math.inf):
        return "null"
    if x == 0.0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    neg = x < 0
    digits, kk = _digits(-x if neg else x)
    length = len(digits)
    k = kk - length
    if 0 <= k and kk <= 16:
        s = digits + "0" * k + ".0"
    elif 0 < kk <= 16:
        s = digits[:kk] + "." + digits[kk:]
    elif -5 < kk <= 0:
        s = "0." + "0" * (-kk) + digits
    elif length == 1:
        s = f"{digits}e{kk - 1}"
    else:
        s = f"{digits[0]}.{digits[1:]}e{kk - 1}"
    return "-" + s if neg else s


# ---------------------------------------------------------------- user types

def _type_of(v):
    return v.type if type(v) is Struct else v.info.type


def derived_display(v) -> str:
    """`deriving(Display)`: `Name(v1, v2)` / `Name()` for structs, `Variant` /
    `Variant(v1, v2)` for sum values; fields rendered with display()."""
    if type(v) is Struct:
        return f"{v.type.name}({', '.join(map(display, v.values))})"
    if not v.args:
        return v.info.name
    return f"{v.info.name}({', '.join(map(display, v.args))})"


def derived_debug(v) -> str:
    """`deriving(Debug)` (also the automatic Debug of a type with no deriving
    clause): `Name { f1: v1, f2: v2 }` / `Name {}` for structs, `Variant` /
    `Variant(...)` (literally) for sum values; fields rendered with display()."""
    if type(v) is Struct:
        fields = v.type.fields
        if not fields:
            return f"{v.type.name} {{}}"
        inner = ", ".join(f"{f}: {display(x)}" for f, x in zip(fields, v.values))
        return f"{v.type.name} {{ {inner} }}"
    if not v.args:
        return v.info.name
    return f"{v.info.name}(...)"


def _builtin_sum(v) -> str:
    # Option / Result / Ordering: our extension format, payload shown.
    if not v.args:
        return v.info.name
    return f"{v.info.name}({', '.join(map(display, v.args))})"


def _display_user(v) -> str:
    ty = _type_of(v)
    if id(ty) in _BUILTIN_SUMS:
        return _builtin_sum(v)
    m = ty.methods.get("to_string")
    if m is not None:
        return m(v)
    derives = ty.derives
    if derives and "Display" in derives:
        return derived_display(v)
    m = ty.methods.get("inspect")
    if m is not None:
        return m(v)
    return derived_debug(v)


def _debug_user(v) -> str:
    ty = _type_of(v)
    if id(ty) in _BUILTIN_SUMS:
        return _builtin_sum(v)
    m = ty.methods.get("inspect")
    if m is not None:
        return m(v)
    return derived_debug(v)


# ---------------------------------------------------------------- entry points

def display(v) -> str:
    """Display text of any Mesh value (strings unquoted, recursively)."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is bool:
        return "true" if v else "false"
    if t is float:
        return float_to_str(v)
    if t is MeshList:
        return "[" + ", ".join(map(display, v)) + "]"
    if t is Struct or t is Variant:
        return _display_user(v)
    if t is MeshMap:
        return "%{" + ", ".join(f"{display(k)} => {display(x)}" for k, x in v.items()) + "}"
    if t is tuple:
        return "(" + ", ".join(map(display, v)) + ")"
    if v is None:
        return "()"
    if t is MeshSet:
        return "#{" + ", ".join(map(display, v)) + "}"
    if t is Pid:
        return repr(v)
    if t is Function:
        return repr(v)
    if t is MeshRange:
        return f"{v.start}..{v.end}"
    if t is MeshQueue:
        return "Queue[" + ", ".join(map(display, v)) + "]"
    if t is MeshIter:
        return "<iterator>"
    if t is Opaque:
        if v.kind == "Json":
            from ..natives.json import encode_py
            return encode_py(v.obj)
        return repr(v)
    if isinstance(v, int):          # subclasses (IntEnum-like) just in case
        return display(bool(v)) if isinstance(v, bool) else str(int(v))
    if callable(v):
        name = getattr(v, "__name__", "native")
        return f"<fn {name}>"
    return str(v)


def debug(v) -> str:
    """Debug text (`inspect`): a String is wrapped in double quotes (no
    escaping); user types use their `inspect` method or the derived Debug
    format; everything else (collections included) equals Display."""
    t = type(v)
    if t is str:
        return '"' + v + '"'
    if t is Struct or t is Variant:
        return _debug_user(v)
    return display(v)


to_string = display
inspect = debug

__all__ = ["display", "debug", "float_to_str", "float_to_json", "derived_display",
           "derived_debug", "to_string", "inspect"]
