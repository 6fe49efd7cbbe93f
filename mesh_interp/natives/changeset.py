"""Changeset.* natives (stdlib.md §14.5): Ecto-style casting and validation
of `Map<String, String>` params, as the reference's db/changeset.rs.
Validators never short-circuit; a field keeps its first error."""
from __future__ import annotations

import re as _re

from ..eval.collections import MeshMap as _MeshMap
from ..eval.values import Opaque as _Opaque
from .orm import _strings


class _Changeset:
    __slots__ = ("data", "changes", "errors", "valid", "field_types")

    def __init__(self, data, changes, errors, field_types=()):
        self.data = data
        self.changes = changes
        self.errors = errors
        self.valid = len(errors) == 0
        self.field_types = field_types

    def __repr__(self) -> str:
        return f"<Changeset valid={self.valid} changes={self.changes!r} errors={self.errors!r}>"


def _cs(cs) -> _Changeset:
    if type(cs) is _Opaque and type(cs.obj) is _Changeset:
        return cs.obj
    from ..errors import MeshPanic
    raise MeshPanic("Changeset: expected a changeset built with Changeset.cast")


def _new(data, changes, errors, field_types=()):
    return _Opaque("Changeset", _Changeset(data, changes, errors, field_types))


def _with_errors(c: _Changeset, errors):
    return _new(c.data, c.changes, errors, c.field_types)


def _add_error(cs, field: str, message: str):
    """The changeset with `field`'s error set unless it already has one."""
    c = _cs(cs)
    if field in c.errors:
        return _with_errors(c, c.errors)
    return _with_errors(c, c.errors.put(field, message))


def _constraint_field(constraint: str, table: str):
    """`<table>_<field>_key|_fkey|_pkey|_check` -> field (None otherwise)."""
    prefix = table + "_"
    if not constraint.startswith(prefix):
        return None
    rest = constraint[len(prefix):]
    for suffix in ("_key", "_fkey", "_pkey", "_check"):
        if rest.endswith(suffix):
            field = rest[:-len(suffix)]
            return field or None
    return None


_INT = _re.compile(r"[+-]?[0-9]+\Z")
_FLOAT = _re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)\Z",
                     _re.IGNORECASE)


def _parse_i64(s: str):
    s = s.strip()
    if not _INT.match(s):
        return None
    n = int(s)
    return n if -(1 << 63) <= n < (1 << 63) else None


def _rust_float(v: float) -> str:
    """Rust's `f64` Display: shortest round-trip digits, never an exponent."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    from decimal import Decimal
    text = format(Decimal(repr(v)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "0") and str(v).startswith("-"):
        return "-0"
    return text


def _coerce(val: str, sql_type: str):
    if sql_type == "TEXT":
        return val
    if sql_type == "BIGINT":
        n = _parse_i64(val)
        return None if n is None else str(n)
    if sql_type == "DOUBLE PRECISION":
        s = val.strip()
        if not _FLOAT.match(s):
            return None
        return _rust_float(float(s))
    if sql_type == "BOOLEAN":
        low = val.lower()
        if low in ("true", "t", "1", "yes"):
            return "true"
        if low in ("false", "f", "0", "no"):
            return "false"
        return None
    return val


# ---------------------------------------------------------------- building

def cast(data, params, allowed):
    changes = _MeshMap()
    for name in _strings(allowed):
        if name in params:
            changes = changes.put(name, params[name])
    return _new(data, changes, _MeshMap())


def cast_with_types(data, params, allowed, field_types):
    types = {}
    for entry in _strings(field_types):
        if ":" in entry:
            k, t = entry.split(":", 1)
            types[k] = t
    changes, errors = _MeshMap(), _MeshMap()
    for name in _strings(allowed):
        if name not in params:
            continue
        val = params[name]
        t = types.get(name)
        if t is None:
            changes = changes.put(name, val)
            continue
        coerced = _coerce(val, t)
        if coerced is None:
            errors = errors.put(name, "is invalid")
        else:
            changes = changes.put(name, coerced)
    return _new(data, changes, errors, field_types)


# ---------------------------------------------------------------- validators

def validate_required(cs, fields):
    c = _cs(cs)
    errors = c.errors
    for f in _strings(fields):
        if f in c.changes:
            present = c.changes[f] != ""
        elif f in c.data:
            present = c.data[f] != ""
        else:
            present = False
        if not present and f not in errors:
            errors = errors.put(f, "can't be blank")
    return _with_errors(c, errors)


def _changed(c: _Changeset, field):
    """The change of `field` if it is changed and has no error yet."""
    if field not in c.changes or field in c.errors:
        return None
    return c.changes[field]


def validate_length(cs, field, min, max):
    c = _cs(cs)
    v = _changed(c, field)
    if v is None:
        return _with_errors(c, c.errors)
    n = len(v.encode("utf-8"))
    errors = c.errors
    if min != -1 and n < min:
        errors = errors.put(field, f"should be at least {min} character(s)")
    elif max != -1 and n > max:
        errors = errors.put(field, f"should be at most {max} character(s)")
    return _with_errors(c, errors)


def validate_format(cs, field, pattern):
    c = _cs(cs)
    v = _changed(c, field)
    errors = c.errors
    if v is not None and pattern not in v:
        errors = errors.put(field, "has invalid format")
    return _with_errors(c, errors)


def validate_inclusion(cs, field, values):
    c = _cs(cs)
    v = _changed(c, field)
    errors = c.errors
    if v is not None and v not in _strings(values):
        errors = errors.put(field, "is invalid")
    return _with_errors(c, errors)


def validate_number(cs, field, gt, lt, gte, lte):
    c = _cs(cs)
    v = _changed(c, field)
    errors = c.errors
    if v is not None:
        n = _parse_i64(v)
        if n is None:
            errors = errors.put(field, "is not a number")
        else:
            msg = None
            if gt != -1 and n <= gt:
                msg = f"must be greater than {gt}"
            elif lt != -1 and n >= lt:
                msg = f"must be less than {lt}"
            elif gte != -1 and n < gte:
                msg = f"must be greater than or equal to {gte}"
            elif lte != -1 and n > lte:
                msg = f"must be less than or equal to {lte}"
            if msg is not None:
                errors = errors.put(field, msg)
    return _with_errors(c, errors)


# ---------------------------------------------------------------- accessors

def valid(cs):
    return _cs(cs).valid


def errors(cs):
    return _cs(cs).errors


def changes(cs):
    return _cs(cs).changes


def get_change(cs, field):
    return _cs(cs).changes.get(field, "")


def get_error(cs, field):
    return _cs(cs).errors.get(field, "")


# `cast` is a Mesh keyword: the stdlib declares it as `cast_`.
cast_ = cast
