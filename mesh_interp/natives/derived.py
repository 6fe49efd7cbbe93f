"""Functions that `deriving(...)` gives a struct or sum type at run time:
`T.from_json`, `v.to_json()`, `T.from_row` (stdlib.md §10.1, §11).

Decoding is driven by the declared field types (the AST type expressions
kept on the StructType / VariantInfo), as the reference's generated code is.
"""
from __future__ import annotations

import json
import math

from ..eval.collections import MeshList, MeshMap
from ..eval.values import (Opaque, Struct, StructType, SumType, Variant, err, ok, some,
                           NONE, OPTION, RESULT)
from ..syntax import ast as A


class DecodeError(Exception):
    pass


def install(program, t) -> None:
    derives = t.derives or []
    if "Json" in derives:
        t.statics["from_json"] = lambda text, _t=t, _p=program: from_json(_p, _t, text)
        t.methods.setdefault("to_json", _to_json_method)
    if "Row" in derives and isinstance(t, StructType):
        t.statics["from_row"] = lambda row, _t=t, _p=program: from_row(_p, _t, row)
    if "Schema" in derives and isinstance(t, StructType):
        install_schema(t)


# ---------------------------------------------------------------- Schema

_SQL_TYPES = {"Int": "BIGINT", "Float": "DOUBLE PRECISION", "Bool": "BOOLEAN"}


def install_schema(t: StructType) -> None:
    """The zero-argument ORM metadata functions of `deriving(Schema)`."""
    opts = {m.kind: m.args for m in (t.orm or [])}
    rels = [(m.kind, m.args[0], m.args[1]) for m in (t.orm or [])
            if m.kind in ("belongs_to", "has_many", "has_one")]
    table = opts["table"][0] if "table" in opts else t.name.lower() + "s"
    pk = opts["primary_key"][0] if "primary_key" in opts else "id"
    owner = t.name.lower()
    fields = list(zip(t.fields, t.field_types))
    if opts.get("timestamps") == [True]:
        string = A.TName(None, "String")
        fields += [("inserted_at", string), ("updated_at", string)]

    def sql_type(ft):
        name = ft.name if type(ft) is A.TName else ""
        return _SQL_TYPES.get(name, "TEXT")

    def fk(kind, assoc):
        return f"{assoc}_id" if kind == "belongs_to" else f"{owner}_id"

    consts = {
        "__table__": table,
        "__primary_key__": pk,
        "__fields__": MeshList.from_iterable(f for f, _ in fields),
        "__relationships__": MeshList.from_iterable(f"{k}:{a}:{tg}" for k, a, tg in rels),
        "__field_types__": MeshList.from_iterable(
            f"{f}:{sql_type(ft)}" for f, ft in fields),
        "__relationship_meta__": MeshList.from_iterable(
            f"{k}:{a}:{tg}:{fk(k, a)}:{tg.lower()}s" for k, a, tg in rels),
    }
    for f, _ in fields:
        consts[f"__{f}_col__"] = f
    for name, value in consts.items():
        t.statics[name] = (lambda v: lambda: v)(value)


def _to_json_method(v):
    return Opaque("Json", to_py(v))


# ---------------------------------------------------------------- encoding

def to_py(v):
    """A Mesh value as a plain Python JSON value (dict/list/str/int/float/bool/None)."""
    t = type(v)
    if t is Struct:
        return {f: to_py(x) for f, x in zip(v.type.fields, v.values)}
    if t is Variant:
        ty = v.info.type
        if ty is OPTION:
            return to_py(v.args[0]) if v.args else None
        if ty is RESULT:
            return {"fields": [to_py(x) for x in v.args], "tag": v.info.name}
        return {"fields": [to_py(x) for x in v.args], "tag": v.info.name}
    if t is MeshList:
        return [to_py(x) for x in v]
    if t is MeshMap:
        return {str(k): to_py(x) for k, x in v.items()}
    if t is Opaque and v.kind == "Json":
        return v.obj
    if t is tuple:
        return [to_py(x) for x in v]
    return v


# ---------------------------------------------------------------- decoding

def from_json(program, t, text):
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as e:
        return err(_serde_message(e))
    try:
        return ok(decode_named(program, t, data))
    except DecodeError as e:
        return err(str(e))


def _serde_message(e) -> str:
    if isinstance(e, json.JSONDecodeError):
        if e.msg.startswith("Expecting value"):
            return f"expected value at line {e.lineno} column {e.colno}"
        if e.msg.startswith("Extra data"):
            return f"trailing characters at line {e.lineno} column {e.colno}"
        if "Unterminated string" in e.msg:
            return f"EOF while parsing a string at line {e.lineno} column {e.colno}"
        return f"{e.msg[0].lower()}{e.msg[1:]} at line {e.lineno} column {e.colno}"
    return str(e)


def decode_named(program, t, data):
    if isinstance(t, StructType):
        if not isinstance(data, dict):
            raise DecodeError("expected Object")
        vals = []
        for name, ftype in zip(t.fields, t.field_types):
            if name not in data:
                if _is_option(ftype):
                    vals.append(NONE)
                    continue
                raise DecodeError(f"missing field: {name}")
            vals.append(decode(program, t, ftype, data[name]))
        return Struct(t, vals)
    if isinstance(t, SumType):
        if not isinstance(data, dict) or not isinstance(data.get("tag"), str):
            raise DecodeError(f"unknown variant for {t.name}")
        info = t.variant_by_name.get(data["tag"])
        if info is None:
            raise DecodeError(f"unknown variant for {t.name}")
        fields = data.get("fields", [])
        if not isinstance(fields, list):
            raise DecodeError("expected Array")
        args = []
        for i, ftype in enumerate(info.field_types or []):
            if i >= len(fields):
                raise DecodeError(f"array index {i} out of bounds (length {len(fields)})")
            args.append(decode(program, t, ftype, fields[i]))
        return Variant(info, tuple(args))
    raise DecodeError(f"cannot decode {t.name}")


def _is_option(ftype) -> bool:
    return type(ftype) is A.TName and ftype.name == "Option"


def decode(program, owner, ftype, data):
    if ftype is None:
        return _natural(data)
    if type(ftype) is not A.TName:
        return _natural(data)
    name = ftype.name
    if name == "Int":
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise DecodeError("expected Int")
        return int(data)
    if name == "Float":
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise DecodeError("expected Float")
        return float(data)
    if name == "String":
        if not isinstance(data, str):
            raise DecodeError("expected String")
        return data
    if name == "Bool":
        if not isinstance(data, bool):
            raise DecodeError("expected Bool")
        return data
    if name == "Option":
        if data is None:
            return NONE
        return some(decode(program, owner, ftype.args[0] if ftype.args else None, data))
    if name == "List":
        if not isinstance(data, list):
            raise DecodeError("expected Array")
        inner = ftype.args[0] if ftype.args else None
        return MeshList.from_iterable([decode(program, owner, inner, x) for x in data])
    if name == "Map":
        if not isinstance(data, dict):
            raise DecodeError("expected Object")
        inner = ftype.args[1] if len(ftype.args) > 1 else None
        return MeshMap.from_pairs([(k, decode(program, owner, inner, x)) for k, x in data.items()])
    if len(name) == 1 and name.isupper():
        return _natural(data)
    target = _find_type(program, owner, name)
    if target is None:
        return _natural(data)
    return decode_named(program, target, data)


def _find_type(program, owner, name):
    short = name.split(".")[-1]
    for ns in list(program.modules.values()):
        t = ns.types.get(short)
        if t is not None:
            return t
    return program.builtin_types.get(short)


def _natural(data):
    if isinstance(data, dict):
        return MeshMap.from_pairs([(k, _natural(x)) for k, x in data.items()])
    if isinstance(data, list):
        return MeshList.from_iterable([_natural(x) for x in data])
    return data


# ---------------------------------------------------------------- rows

_TRUE = {"true", "t", "1", "yes"}
_FALSE = {"false", "f", "0", "no"}


def from_row(program, t: StructType, row):
    vals = []
    try:
        for name, ftype in zip(t.fields, t.field_types):
            present = row.get(name, None) if isinstance(row, MeshMap) else None
            has = isinstance(row, MeshMap) and name in row
            if _is_option(ftype):
                if not has or present == "":
                    vals.append(NONE)
                else:
                    inner = ftype.args[0] if ftype.args else None
                    vals.append(some(_row_value(inner, present)))
                continue
            if not has:
                raise DecodeError(f"missing column: {name}")
            vals.append(_row_value(ftype, present))
    except DecodeError as e:
        return err(str(e))
    return ok(Struct(t, vals))


def _row_value(ftype, text: str):
    name = ftype.name if type(ftype) is A.TName else "String"
    if name == "Int":
        try:
            return int(text.strip())
        except ValueError:
            raise DecodeError(f"cannot parse '{text}' as Int")
    if name == "Float":
        s = text.strip()
        if s in ("Infinity", "inf"):
            return math.inf
        if s in ("-Infinity", "-inf"):
            return -math.inf
        try:
            return float(s)
        except ValueError:
            raise DecodeError(f"cannot parse '{text}' as Float")
    if name == "Bool":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise DecodeError(f"cannot parse '{text}' as Bool")
    return text
