"""JSON / Json natives (stdlib.md §10, without the deriving part).

A parsed JSON document is an opaque `Json` value: values.Opaque("Json", obj)
where obj is the plain Python form (dict / list / str / int / float / bool /
None). Output follows serde_json (compact, object keys sorted, floats in
ryu form `3.0` / `1e21`, NaN/inf -> null, non-ASCII raw).

Helpers for other stages (deriving(Json), HTTP, DB): parse_py(text) ->
python object (raises JsonError with serde_json's message), to_py(value) ->
python form of a Mesh value, encode_py(obj) -> JSON text, json_value(obj)
-> the opaque Json value.

The stdlib `json` module is imported only when parsing.
"""
from __future__ import annotations

from ..eval import values as _v
from ..eval.collections import MeshList as _L, MeshMap as _M, MeshQueue as _Q, MeshSet as _S
from ._common import err as _err, ok as _ok

_U64_MAX = (1 << 64) - 1
_I64_MIN = -(1 << 63)


class JsonError(Exception):
    """Invalid JSON; the message is serde_json's wording."""


# ---------------------------------------------------------------- encoding

def _enc_str(s: str) -> str:
    from json.encoder import encode_basestring   # escapes " \\ and controls, lowercase \\u00XX
    return encode_basestring(s)


def _enc(obj, out: list) -> None:
    t = type(obj)
    if t is str:
        out.append(_enc_str(obj))
    elif obj is None:
        out.append("null")
    elif t is bool:
        out.append("true" if obj else "false")
    elif t is int:
        if _I64_MIN <= obj <= _U64_MAX:
            out.append(str(obj))
        else:                                   # serde: out-of-range ints are f64
            from ..eval.format import float_to_json
            out.append(float_to_json(float(obj)))
    elif t is float:
        from ..eval.format import float_to_json
        out.append(float_to_json(obj))
    elif t is dict:
        out.append("{")
        first = True
        for k in sorted(obj):
            if not first:
                out.append(",")
            first = False
            out.append(_enc_str(k))
            out.append(":")
            _enc(obj[k], out)
        out.append("}")
    elif t is list or t is tuple:
        out.append("[")
        first = True
        for x in obj:
            if not first:
                out.append(",")
            first = False
            _enc(x, out)
        out.append("]")
    else:
        _enc(to_py(obj), out)


def encode_py(obj) -> str:
    """Compact JSON text of a Python JSON object (keys sorted, serde style)."""
    out: list = []
    _enc(obj, out)
    return "".join(out)


def _key(k) -> str:
    if type(k) is str:
        return k
    from ..eval.format import display
    return display(k)


def to_py(v):
    """Python JSON form of a Mesh value (structural; DECISION stdlib.md §10):
    Int/Float/Bool/String as is, List/Set/tuple -> array, Map -> object,
    Option -> value or null, struct -> object of fields, other sum values ->
    {"fields": [...], "tag": "Variant"}, a Json value -> its document."""
    t = type(v)
    if t is str or t is int or t is float or t is bool or v is None:
        return v
    if t is _L or t is _S or t is _Q or t is tuple:
        return [to_py(x) for x in v]
    if t is _M:
        return {_key(k): to_py(x) for k, x in v.items()}
    if t is _v.Struct:
        return {f: to_py(x) for f, x in zip(v.type.fields, v.values)}
    if t is _v.Variant:
        info = v.info
        if info.type is _v.OPTION:
            return to_py(v.args[0]) if v.args else None
        return {"fields": [to_py(x) for x in v.args], "tag": info.name}
    if t is _v.Opaque and v.kind == "Json":
        return v.obj
    if hasattr(v, "__iter__"):
        return [to_py(x) for x in v]
    from ..eval.format import display
    return display(v)


def json_value(obj) -> _v.Opaque:
    return _v.Opaque("Json", obj)


# ---------------------------------------------------------------- parsing

def _line_col(s: str, pos: int):
    line = s.count("\n", 0, pos) + 1
    return line, pos - (s.rfind("\n", 0, pos) + 1) + 1


def _eof_pos(s: str):
    line = s.count("\n") + 1
    return line, len(s) - (s.rfind("\n") + 1)


def _container_at(s: str, pos: int) -> str:
    """'[' or '{' -- the innermost open container before pos."""
    stack = []
    i = 0
    in_str = False
    while i < pos and i < len(s):
        c = s[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{":
            stack.append(c)
        elif c in "]}" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else ""


def _prev_nonspace(s: str, pos: int) -> str:
    i = pos - 1
    while i >= 0 and s[i] in " \t\n\r":
        i -= 1
    return s[i] if i >= 0 else ""


def _serde_message(s: str, e) -> str:
    msg = e.msg
    pos = e.pos
    at_eof = pos >= len(s) or not s[pos:].strip(" \t\n\r")

    def at(p=pos):
        line, col = _line_col(s, p)
        return f"line {line} column {col}"

    def eof(what):
        line, col = _eof_pos(s)
        return f"EOF while parsing {what} at line {line} column {col}"

    kind = _container_at(s, pos)
    what = {"[": "a list", "{": "an object"}.get(kind, "a value")
    if msg.startswith("Expecting value"):
        if at_eof:
            return eof("a value")
        if s[pos] in "]}" and _prev_nonspace(s, pos) == ",":
            return f"trailing comma at {at()}"
        return f"expected value at {at()}"
    if msg.startswith("Extra data"):
        return f"trailing characters at {at()}"
    if msg.startswith("Expecting ',' delimiter"):
        if at_eof:
            return eof(what)
        close = "]" if kind == "[" else "}"
        return f"expected `,` or `{close}` at {at()}"
    if msg.startswith("Expecting ':' delimiter"):
        if at_eof:
            return eof("an object")
        return f"expected `:` at {at()}"
    if msg.startswith("Expecting property name"):
        if at_eof:
            return eof("an object")
        if s[pos] == "}" and _prev_nonspace(s, pos) == ",":
            return f"trailing comma at {at()}"
        return f"key must be a string at {at()}"
    if msg.startswith("Unterminated string"):
        return eof("a string")
    if msg.startswith("Invalid control character"):
        return f"control character (\\u0000-\\u001F) found while parsing a string at {at()}"
    if msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\u"):
        return f"invalid escape at {at(pos + 1)}"
    return f"{msg} at {at()}"


class _BadConstant(Exception):
    pass


def _reject_constant(name):
    raise _BadConstant(name)


def _parse_float(text: str):
    f = float(text)
    if f in (float("inf"), float("-inf")):
        raise _BadConstant(text)
    return f


def _first_token(s: str, token: str) -> int:
    """Position of `token` outside string literals (for NaN/Infinity errors)."""
    in_str = False
    i = 0
    while i < len(s):
        c = s[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif s.startswith(token, i):
            return i
        i += 1
    return 0


_ESCAPE = None


def _check_surrogates(text: str) -> None:
    """serde_json rejects a `\\uD800`-`\\uDFFF` escape that is not a proper
    high+low pair; Python's json would return a lone surrogate, which no Mesh
    String may hold (it cannot be printed or encoded as UTF-8)."""
    global _ESCAPE
    import re
    if _ESCAPE is None:
        _ESCAPE = re.compile(r"\\(\\|u([0-9a-fA-F]{4}))")
    pending_high = None
    for m in _ESCAPE.finditer(text):
        if m.group(2) is None:        # an escaped backslash
            if pending_high is not None:
                break
            continue
        n = int(m.group(2), 16)
        if pending_high is not None:
            if 0xDC00 <= n <= 0xDFFF and m.start() == pending_high:
                pending_high = None
                continue
            line, col = _line_col(text, m.end() - 1)
            raise JsonError(f"lone leading surrogate in hex escape at line {line} column {col}")
        if 0xD800 <= n <= 0xDBFF:
            pending_high = m.end()
        elif 0xDC00 <= n <= 0xDFFF:
            line, col = _line_col(text, m.end() - 1)
            raise JsonError(f"lone leading surrogate in hex escape at line {line} column {col}")
    if pending_high is not None:
        line, col = _line_col(text, pending_high)
        raise JsonError(f"unexpected end of hex escape at line {line} column {col}")


def parse_py(text: str):
    """Parse JSON text into Python objects; JsonError(serde message) if invalid."""
    import json as _json
    try:
        value = _json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float)
        if "\\u" in text:
            _check_surrogates(text)
        return value
    except _json.JSONDecodeError as e:
        raise JsonError(_serde_message(text, e)) from None
    except _BadConstant as e:
        token = str(e.args[0])
        pos = _first_token(text, token)
        line, col = _line_col(text, pos)
        if token in ("NaN", "Infinity", "-Infinity"):
            if token.startswith("-"):
                col += 1
            return_msg = f"expected value at line {line} column {col}"
        else:
            return_msg = f"number out of range at line {line} column {col + len(token) - 1}"
        raise JsonError(return_msg) from None
    except RecursionError:
        raise JsonError("recursion limit exceeded") from None


# ---------------------------------------------------------------- natives

def parse(s):
    """Result<Json, String>."""
    try:
        return _ok(json_value(parse_py(s)))
    except JsonError as e:
        return _err(str(e))


def encode(x):
    """JSON text of a Json value or (extension) any serialisable Mesh value."""
    return encode_py(to_py(x))


def encode_string(s):
    return _enc_str(s)


def encode_int(i):
    return str(i)


def encode_bool(b):
    return "true" if b else "false"


def encode_map(m):
    """Object (keys sorted) of a Map<String, String>."""
    return encode_py({_key(k): to_py(x) for k, x in m.items()})


def encode_list(xs):
    """Array of a List<String>."""
    return encode_py([to_py(x) for x in xs])


def _field_text(v) -> str:
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if t is bool:
        return "true" if v else "false"
    return encode_py(v)


def get(text, key):
    """`json[key]` as text: string raw, number/bool as JSON text, null and
    missing/invalid -> "", object/array -> compact JSON. Never fails."""
    try:
        doc = parse_py(text)
    except JsonError:
        return ""
    if type(doc) is not dict or key not in doc:
        return ""
    return _field_text(doc[key])


def get_nested(text, k1, k2):
    """`json[k1][k2]`, same conversion as get()."""
    try:
        doc = parse_py(text)
    except JsonError:
        return ""
    if type(doc) is not dict:
        return ""
    inner = doc.get(k1)
    if type(inner) is not dict or k2 not in inner:
        return ""
    return _field_text(inner[k2])
