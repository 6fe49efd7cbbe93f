"""Operators on Mesh values: 64-bit integer arithmetic, IEEE floats, concatenation,
equality and ordering with user trait impls (semantics.md §7)."""
from __future__ import annotations

import math

from ..errors import MeshPanic
from .collections import MeshMap
from .format import display
from .values import (INT_MAX, INT_MIN, Struct, Variant, wrap_int, LESS, GREATER, EQUAL, ERR,
                     NONE_INFO)


def _user_method(v, name):
    t = type(v)
    if t is Struct:
        return v.type.methods.get(name)
    if t is Variant:
        return v.info.type.methods.get(name)
    return None


def _no_op(op, a):
    raise MeshPanic(f"operator `{op}` is not defined for {type_name(a)}")


def type_name(v) -> str:
    t = type(v)
    if t is int:
        return "Int"
    if t is float:
        return "Float"
    if t is str:
        return "String"
    if t is bool:
        return "Bool"
    if v is None:
        return "()"
    if t is tuple:
        return "Tuple"
    if t is Struct:
        return v.type.name
    if t is Variant:
        return v.info.type.name
    return getattr(t, "mesh_type_name", t.__name__)


def add(a, b):
    if type(a) is int:
        r = a + b
        return r if INT_MIN <= r <= INT_MAX else wrap_int(r)
    if type(a) is float:
        return a + b
    m = _user_method(a, "add")
    if m is None:
        _no_op("+", a)
    return m(a, b)


def sub(a, b):
    if type(a) is int:
        r = a - b
        return r if INT_MIN <= r <= INT_MAX else wrap_int(r)
    if type(a) is float:
        return a - b
    m = _user_method(a, "sub")
    if m is None:
        _no_op("-", a)
    return m(a, b)


def mul(a, b):
    if type(a) is int:
        r = a * b
        return r if INT_MIN <= r <= INT_MAX else wrap_int(r)
    if type(a) is float:
        return a * b
    m = _user_method(a, "mul")
    if m is None:
        _no_op("*", a)
    return m(a, b)


def int_div(a: int, b: int) -> int:
    if b == 0:
        raise MeshPanic("attempt to divide by zero")
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return wrap_int(q)


def int_rem(a: int, b: int) -> int:
    if b == 0:
        raise MeshPanic("attempt to calculate the remainder with a divisor of zero")
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def div(a, b):
    if type(a) is int:
        if b > 0 and a >= 0:
            return a // b
        return int_div(a, b)
    if type(a) is float:
        if b == 0.0:
            if a == 0.0 or a != a:
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    m = _user_method(a, "div")
    if m is None:
        _no_op("/", a)
    return m(a, b)


def rem(a, b):
    if type(a) is int:
        if b > 0 and a >= 0:
            return a % b
        return int_rem(a, b)
    if type(a) is float:
        if b == 0.0 or math.isinf(a):
            return math.nan
        return math.fmod(a, b)
    m = _user_method(a, "mod")
    if m is None:
        _no_op("%", a)
    return m(a, b)


def neg(a):
    if type(a) is int:
        return wrap_int(-a)
    if type(a) is float:
        return -a
    m = _user_method(a, "neg")
    if m is None:
        _no_op("-", a)
    return m(a)


def concat(a, b):
    if type(a) is str:
        return a + b
    return a.concat(b)


def eq(a, b) -> bool:
    t = type(a)
    if t is Struct or t is Variant:
        m = _user_method(a, "eq")
        if m is not None and not getattr(m, "derived", False):
            return m(a, b)
    return a == b


def ne(a, b) -> bool:
    if type(a) is float:
        return a < b or a > b   # ordered not-equal: NaN != NaN is false
    return not eq(a, b)


def lt(a, b) -> bool:
    t = type(a)
    if t is Struct or t is Variant:
        m = _user_method(a, "lt")
        if m is not None and not getattr(m, "derived", False):
            return m(a, b)
    return a < b


def gt(a, b) -> bool:
    t = type(a)
    if t is Struct or t is Variant:
        return lt(b, a)
    return a > b


def le(a, b) -> bool:
    t = type(a)
    if t is Struct or t is Variant:
        return not lt(b, a)
    return a <= b


def ge(a, b) -> bool:
    t = type(a)
    if t is Struct or t is Variant:
        return not lt(a, b)
    return a >= b


def compare(a, b):
    if lt(a, b):
        return LESS
    if lt(b, a):
        return GREATER
    return EQUAL


# ---------------------------------------------------------------- indexing and struct update

def index(b, i, span):
    """`b[i]` on a List (an Int position) or a Map (a key; missing: its default)."""
    try:
        if isinstance(b, MeshMap):
            return b.get(i)
        return b[i]
    except (IndexError, KeyError, TypeError):
        raise MeshPanic(f"index {display(i)} out of bounds", span)


def struct_update(b, names, vals, span):
    """`%{b | name: val, ...}`: a copy of struct b with those fields replaced."""
    if type(b) is not Struct:
        raise MeshPanic("struct update on a value that is not a struct", span)
    out = list(b.values)
    idx = b.type.field_index
    for name, v in zip(names, vals):
        i = idx.get(name)
        if i is None:
            raise MeshPanic(f"struct `{b.type.name}` has no field `{name}`", span)
        out[i] = v
    return Struct(b.type, out)


def try_fail(v, convert, span):
    """`v?` where v is not Ok(x)/Some(x): what the function returns (Err
    converted by the function's `From` impl, or None), or a panic."""
    if type(v) is Variant:
        info = v.info
        if info is ERR:
            e = v.args[0]
            if convert is not None:
                e = convert(e)
            return Variant(ERR, (e,))
        if info is NONE_INFO:
            return v
    raise MeshPanic("`?` applied to a value that is neither Result nor Option", span)
