"""Query.* natives (stdlib.md §14.5): an immutable SELECT builder. Every
function returns a new query; Repo renders it (natives/repo.py). Atoms
(`:name`) are plain strings at run time."""
from __future__ import annotations

from ..eval.values import Opaque as _Opaque
from .orm import _strings


class _Query:
    __slots__ = ("source", "select", "wheres", "where_params", "order", "limit", "offset",
                 "joins", "group", "having", "having_params", "fragments", "fragment_params")

    def __init__(self, source):
        self.source = source
        self.select = ()
        self.wheres = ()
        self.where_params = ()
        self.order = ()
        self.limit = -1
        self.offset = -1
        self.joins = ()
        self.group = ()
        self.having = ()
        self.having_params = ()
        self.fragments = ()
        self.fragment_params = ()

    def copy(self, **changes) -> "_Query":
        q = _Query.__new__(_Query)
        for s in _Query.__slots__:
            setattr(q, s, changes.get(s, getattr(self, s)))
        return q

    def __repr__(self) -> str:
        return f"<Query {self.source}>"


def _q(q) -> _Query:
    if type(q) is _Opaque and type(q.obj) is _Query:
        return q.obj
    from ..errors import MeshPanic
    raise MeshPanic("Query: expected a query built with Query.from")


def _new(q: _Query):
    return _Opaque("Query", q)


def _str(v) -> str:
    return _strings([v])[0] if v is not None else ""


_OPS = {"eq": "=", "neq": "!=", "lt": "<", "gt": ">", "lte": "<=", "gte": ">=", "like": "LIKE"}
_DIRS = {"asc": "ASC", "desc": "DESC"}
_JOINS = {"inner": "INNER", "left": "LEFT", "right": "RIGHT"}


def from_(table):
    return _new(_Query(table))


def where(q, field, value):
    o = _q(q)
    return _new(o.copy(wheres=o.wheres + (f"{field} =",), where_params=o.where_params + (_str(value),)))


def where_op(q, field, op, value):
    o = _q(q)
    clause = f"{field} {_OPS.get(op, '=')}"
    return _new(o.copy(wheres=o.wheres + (clause,), where_params=o.where_params + (_str(value),)))


def where_in(q, field, values):
    o = _q(q)
    vals = tuple(_strings(values))
    return _new(o.copy(wheres=o.wheres + (f"{field} IN:{len(vals)}",),
                       where_params=o.where_params + vals))


def where_null(q, field):
    o = _q(q)
    return _new(o.copy(wheres=o.wheres + (f"{field} IS NULL",)))


def where_not_null(q, field):
    o = _q(q)
    return _new(o.copy(wheres=o.wheres + (f"{field} IS NOT NULL",)))


def where_raw(q, clause, params):
    o = _q(q)
    return _new(o.copy(wheres=o.wheres + ("RAW:" + clause,),
                       where_params=o.where_params + tuple(_strings(params))))


def select(q, fields):
    o = _q(q)
    return _new(o.copy(select=tuple(_strings(fields))))


def select_raw(q, expressions):
    o = _q(q)
    return _new(o.copy(select=o.select + tuple("RAW:" + e for e in _strings(expressions))))


def order_by(q, field, direction):
    o = _q(q)
    return _new(o.copy(order=o.order + (f"{field} {_DIRS.get(direction, 'ASC')}",)))


def limit(q, n):
    return _new(_q(q).copy(limit=n))


def offset(q, n):
    return _new(_q(q).copy(offset=n))


def join(q, kind, table, on_clause):
    o = _q(q)
    return _new(o.copy(joins=o.joins + (f"{_JOINS.get(kind, 'INNER')}:{table}:{on_clause}",)))


def group_by(q, field):
    o = _q(q)
    return _new(o.copy(group=o.group + (field,)))


def having(q, clause, value):
    o = _q(q)
    return _new(o.copy(having=o.having + (clause,), having_params=o.having_params + (_str(value),)))


def fragment(q, sql, params):
    o = _q(q)
    return _new(o.copy(fragments=o.fragments + (sql,),
                       fragment_params=o.fragment_params + tuple(_strings(params))))


# `where` is a Mesh keyword: the stdlib declares it as `where_`.
where_ = where
