"""String.* natives (stdlib.md §2). Positions and lengths count Unicode
scalar values (Python str indices)."""
from __future__ import annotations

from ..errors import MeshPanic as _StrPanic

import re as _re

from ..eval.collections import MeshList as _L, iterate as _iterate
from ..eval.format import display as _display
from ._common import NONE as _NONE, some as _some

# Rust `char::is_whitespace` (Unicode White_Space); Python's str.strip() would
# also strip U+001C..U+001F, which Rust keeps.
_WS = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
       "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

_INT_RE = _re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_RE = _re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_FLOAT_SPECIAL = {"inf": float("inf"), "infinity": float("inf"), "nan": float("nan")}

_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1


def length(s):
    return len(s)


def slice(s, start, end):
    n = len(s)
    start = 0 if start < 0 else (n if start > n else start)
    end = 0 if end < 0 else (n if end > n else end)
    if end <= start:
        return ""
    return s[start:end]


def contains(s, sub):
    return sub in s


def starts_with(s, prefix):
    return s.startswith(prefix)


def ends_with(s, suffix):
    return s.endswith(suffix)


def trim(s):
    return s.strip(_WS)


def to_upper(s):
    return s.upper()


def to_lower(s):
    return s.lower()


def replace(s, old, new):
    # Python and Rust agree, including an empty `old` (inserted between chars).
    return s.replace(old, new)


def split(s, delim):
    if delim == "":
        # Rust: "abc".split("") -> ["", "a", "b", "c", ""]
        return _L.from_iterable(["", *s, ""])
    return _L.from_iterable(s.split(delim))


def join(xs, sep):
    return sep.join(xs)


def to_int(s):
    t = s.strip(_WS)
    if not _INT_RE.match(t):
        return _NONE
    n = int(t)
    if n < _I64_MIN or n > _I64_MAX:
        return _NONE
    return _some(n)


def to_float(s):
    t = s.strip(_WS)
    if _FLOAT_RE.match(t):
        return _some(float(t))
    body = t[1:] if t[:1] in ("+", "-") else t
    special = _FLOAT_SPECIAL.get(body.lower())
    if special is None:
        return _NONE
    return _some(-special if t[:1] == "-" else special)


def from_(x):
    return _display(x)


def collect(it):
    """Concatenate an iterator of Strings."""
    from ._common import iterable
    parts = list(iterable(it, "String.collect"))
    if any(type(p) is not str for p in parts):     # Ptr hides the element type
        raise _StrPanic("String.collect: the iterator yields values that are not Strings")
    return "".join(parts)
