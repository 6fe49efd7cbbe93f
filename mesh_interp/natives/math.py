"""Math.* natives (stdlib.md §4). `Math.pi` is a constant declared with a
Mesh body in stdlib/Math.mpl."""
from __future__ import annotations

import math as _m

from ..errors import MeshPanic as _Panic
from ..eval.values import wrap_int as _wrap
from .float import to_int as _to_int

_INF = float("inf")
_NAN = float("nan")


def abs_(x):
    # `abs<T>` type-checks for any T: only numbers have an absolute value
    if type(x) is int:
        return _wrap(-x) if x < 0 else x   # abs(MIN) wraps to MIN
    if type(x) is float:
        return _m.fabs(x)
    raise _Panic(f"Math.abs: expected an Int or a Float, got {_kind(x)}")


def _kind(x) -> str:
    return {str: "a String", bool: "a Bool", type(None): "()", tuple: "a tuple"}.get(
        type(x), type(x).__name__.replace("Mesh", "a "))


def _order(name, less: bool, a, b) -> bool:
    try:
        return b < a if less else b > a
    except TypeError:
        raise _Panic(f"Math.{name}: values like {_kind(a)} cannot be ordered") from None


def min_(a, b):
    if type(a) is float:
        if a != a:
            return b
        if b != b:
            return a
    return b if _order("min", True, a, b) else a


def max_(a, b):
    if type(a) is float:
        if a != a:
            return b
        if b != b:
            return a
    return b if _order("max", False, a, b) else a


def pi():
    return _m.pi


def _is_odd_int(y: float) -> bool:
    return _m.isfinite(y) and y == _m.floor(y) and _m.fmod(y, 2.0) != 0.0


def pow_(b, e):
    """C `pow`: never fails (overflow -> inf, domain errors -> NaN)."""
    b = float(b)
    e = float(e)
    try:
        return _m.pow(b, e)
    except OverflowError:
        return -_INF if (b < 0 and _is_odd_int(e)) else _INF
    except ValueError:
        if b == 0.0 and e < 0:
            if _is_odd_int(e):
                return _m.copysign(_INF, b)
            return _INF
        return _NAN


def sqrt(x):
    if x < 0:
        return _NAN
    return _m.sqrt(x)


def floor(x):
    if x != x or x in (_INF, -_INF):
        return _to_int(x)
    return _to_int(float(_m.floor(x)))


def ceil(x):
    if x != x or x in (_INF, -_INF):
        return _to_int(x)
    return _to_int(float(_m.ceil(x)))


def round_(x):
    """Half away from zero: 2.5 -> 3, -2.5 -> -3."""
    if x != x or x in (_INF, -_INF):
        return _to_int(x)
    a = _m.fabs(x)
    f = _m.floor(a)
    if a - f >= 0.5:
        f += 1.0
    return _to_int(_m.copysign(f, x))
