"""Sqlite.* natives (stdlib.md §14.2) on the standard sqlite3 module.

As in the reference: parameters are bound as TEXT (SQLite's column affinity
may convert them), a placeholder without a parameter is NULL and a
parameter without a placeholder is an error (`column index out of range`),
only the first statement of the SQL text runs, `execute` returns
sqlite3_changes(), and `query` returns every column as text with NULL as
`""`. Errors are SQLite's own messages.

Statements run on a worker thread (asyncio.to_thread through the runtime),
so a slow query blocks only the calling Mesh process.
"""
from __future__ import annotations

import re as _re

from ..eval.collections import MeshList as _MeshList, MeshMap as _MeshMap
from ..eval.values import Opaque as _Opaque, err as _err, ok as _ok
from .http import _block_on, _in_process


class _Db:
    __slots__ = ("conn", "lock", "__weakref__")

    def __init__(self, conn):
        import threading
        self.conn = conn
        self.lock = threading.Lock()

    def __repr__(self) -> str:
        return "<SqliteConn>"


def _db_of(db) -> _Db:
    if type(db) is _Opaque and type(db.obj) is _Db:
        return db.obj
    from ..errors import MeshPanic
    raise MeshPanic("Sqlite: expected a SqliteConn")


def _run(fn, *args):
    """fn(*args) off the event loop when a Mesh process calls it."""
    if _in_process():
        import asyncio
        return _block_on(asyncio.to_thread(fn, *args))
    return fn(*args)


def _first_statement(sql: str) -> str:
    """SQLite prepares only the first statement of `sql`: cut after it."""
    import sqlite3
    if ";" not in sql:
        return sql
    idx = 0
    while True:
        idx = sql.find(";", idx)
        if idx < 0:
            return sql
        head = sql[:idx + 1]
        if sqlite3.complete_statement(head):
            return head
        idx += 1


_BINDINGS = _re.compile(r"uses (\d+), and there are (\d+) supplied")


def _execute_one(conn, sql: str, params: list):
    """A cursor after running the first statement of `sql`, binding `params`
    the way sqlite3_bind_text would."""
    import sqlite3
    sql = _first_statement(sql)
    try:
        return conn.execute(sql, params)
    except sqlite3.ProgrammingError as e:
        m = _BINDINGS.search(str(e))
        if m is None:
            raise
        needed, given = int(m.group(1)), int(m.group(2))
        if given > needed:
            raise _SqliteError("column index out of range")
        return conn.execute(sql, params + [None] * (needed - given))


class _SqliteError(Exception):
    pass


def _float_text(v: float) -> str:
    """sqlite3_column_text of a REAL: printf("%!.15g")."""
    if v != v:
        return ""
    if v in (float("inf"), float("-inf")):
        return "Inf" if v > 0 else "-Inf"
    s = f"{v:.15g}"
    mant, e, exp = s.partition("e")
    if "." not in mant:
        mant += ".0"
    if e:
        sign = exp[0]
        digits = exp[1:].lstrip("0") or "0"
        if len(digits) < 2:
            digits = digits.rjust(2, "0")
        return f"{mant}e{sign}{digits}"
    return mant


def _text(v) -> str:
    if v is None:
        return ""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is float:
        return _float_text(v)
    if t is bytes:
        return v.decode("utf-8", "replace")
    return str(v)


def _params(params) -> list:
    from ..eval.format import display
    return [p if type(p) is str else display(p) for p in params]


def _check_nul(sql, params):
    if "\x00" in sql:
        raise _SqliteError("SQL contains null byte")
    for p in params:
        if "\x00" in p:
            raise _SqliteError("parameter contains null byte")


def _error_text(e: Exception) -> str:
    return str(e) or type(e).__name__


# ---------------------------------------------------------------- natives

def open(path):
    import sqlite3
    if "\x00" in path:
        return _err("path contains null byte")

    def go():
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.text_factory = lambda b: b.decode("utf-8", "replace")
        return conn
    try:
        conn = _run(go)
    except sqlite3.Error as e:
        return _err(_error_text(e))
    return _ok(_Opaque("SqliteConn", _Db(conn)))


def close(db):
    d = _db_of(db)

    def go():
        with d.lock:
            d.conn.close()
    _run(go)
    return None


def execute(db, sql, params):
    import sqlite3
    d = _db_of(db)
    ps = _params(params)

    def go():
        with d.lock:
            _check_nul(sql, ps)
            cur = _execute_one(d.conn, sql, ps)
            cur.close()
            return d.conn.execute("SELECT changes()").fetchone()[0]
    try:
        return _ok(_run(go))
    except (sqlite3.Error, _SqliteError) as e:
        return _err(_error_text(e))


def query(db, sql, params):
    import sqlite3
    d = _db_of(db)
    ps = _params(params)

    def go():
        with d.lock:
            _check_nul(sql, ps)
            cur = _execute_one(d.conn, sql, ps)
            try:
                desc = cur.description or ()
                names = [c[0] if c[0] else f"column{i}" for i, c in enumerate(desc)]
                rows = cur.fetchall()
            finally:
                cur.close()
        return _MeshList.from_iterable(
            _MeshMap.from_pairs(zip(names, (_text(v) for v in row))) for row in rows)
    try:
        return _ok(_run(go))
    except (sqlite3.Error, _SqliteError) as e:
        return _err(_error_text(e))


def _simple(db, sql):
    import sqlite3
    d = _db_of(db)

    def go():
        with d.lock:
            d.conn.execute(sql)
    try:
        _run(go)
    except sqlite3.Error as e:
        return _err(_error_text(e))
    return _ok(None)


def begin(db):
    return _simple(db, "BEGIN")


def commit(db):
    return _simple(db, "COMMIT")


def rollback(db):
    return _simple(db, "ROLLBACK")
