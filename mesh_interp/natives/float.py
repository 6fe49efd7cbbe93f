"""Float.* natives (stdlib.md §4)."""
from __future__ import annotations

_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1


def to_int(f):
    """Truncate toward zero, saturating (Rust `as`): NaN -> 0."""
    if f != f:
        return 0
    if f >= 9223372036854775807.0:
        return _I64_MAX
    if f <= -9223372036854775808.0:
        return _I64_MIN
    return int(f)


def from_(i):
    return float(i)
