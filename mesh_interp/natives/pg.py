"""Pg.* natives (stdlib.md §14.3): PostgreSQL through asyncpg.

The reference sends every statement through the extended protocol with
untyped parameters and reads every result column as text. Here asyncpg is
given text-format identity codecs for all built-in scalar types, so a
parameter String is sent as the server-side text of whatever type the
server infers (`"30"` for an integer column works) and every column comes
back as its server text (`t`/`f` for booleans, `2024-01-01 00:00:00+00` for
timestamps, ...). NULL columns are `""`. Array columns are rendered in
PostgreSQL's array literal syntax, and an array parameter is given as one.

Errors of execute/query are `SQLSTATE\\tconstraint\\ttable\\tcolumn\\tmessage`;
BEGIN/COMMIT/ROLLBACK errors are the server message alone; connection
failures follow the reference's wording where it is known.

asyncpg is imported only when a connection is first opened. Every wait goes
through runtime.await_coroutine (natives/http.py `_block_on`), so only the
calling Mesh process blocks.
"""
from __future__ import annotations

import re as _re

from ..eval.collections import MeshList as _MeshList, MeshMap as _MeshMap
from ..eval.values import Opaque as _Opaque, Variant as _Variant, err as _err, ok as _ok
from .http import _block_on

# ---------------------------------------------------------------- URL


class _Url:
    __slots__ = ("host", "port", "user", "password", "database", "sslmode")


def _percent_decode(s: str) -> str:
    from urllib.parse import unquote
    return unquote(s)


def _parse_url(url: str) -> _Url:
    """The reference's URL rules; raises ValueError(message)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            break
    else:
        raise ValueError("URL must start with postgres:// or postgresql://")
    rest, _, query = rest.partition("?")
    sslmode = "prefer"
    for pair in query.split("&") if query else ():
        k, _, v = pair.partition("=")
        if k == "sslmode":
            sslmode = v if v in ("disable", "require", "prefer") else "prefer"
    if "@" not in rest:
        raise ValueError("URL missing '@' separator")
    creds, host_part = rest.split("@", 1)
    if ":" in creds:
        user, password = creds.split(":", 1)
        user, password = _percent_decode(user), _percent_decode(password)
    else:
        user, password = _percent_decode(creds), ""
    if "/" in host_part:
        host_port, database = host_part.split("/", 1)
        database = _percent_decode(database)
    else:
        host_port, database = host_part, user
    port = 5432
    host = host_port
    if ":" in host_port:
        host, p = host_port.rsplit(":", 1)
        if not (p.isascii() and p.isdigit()) or int(p) > 65535:
            raise ValueError(f"invalid port: {p}")
        port = int(p)
    u = _Url()
    u.host, u.port, u.user, u.password, u.database, u.sslmode = \
        host, port, user, password, database, sslmode
    return u


# ---------------------------------------------------------------- connection

_TEXT_TYPES = None


def _text_types():
    """Every built-in scalar type asyncpg knows, to be exchanged as text."""
    global _TEXT_TYPES
    if _TEXT_TYPES is None:
        from asyncpg import protocol
        _TEXT_TYPES = [n for n in protocol.BUILTIN_TYPE_NAME_MAP if not n.endswith("[]")]
    return _TEXT_TYPES


def _identity(x):
    return x


async def _install_text_codecs(conn) -> None:
    for name in _text_types():
        try:
            await conn.set_type_codec(name, schema="pg_catalog", encoder=_identity,
                                      decoder=_identity, format="text")
        except Exception:
            pass        # not a scalar on this server version


def _os_text(e: BaseException) -> str:
    import os
    errno = getattr(e, "errno", None)
    if errno and errno > 0:
        try:
            return f"{os.strerror(errno)} (os error {errno})"
        except ValueError:
            pass
    return str(e)


async def _connect(url: str):
    """An asyncpg connection, or raise _PgError(message)."""
    import asyncio
    import socket

    import asyncpg
    try:
        u = _parse_url(url)
    except ValueError as e:
        raise _PgError(str(e))
    ssl = {"disable": False, "require": "require", "prefer": "prefer"}[u.sslmode]
    try:
        conn = await asyncpg.connect(host=u.host, port=u.port, user=u.user,
                                     password=u.password or None, database=u.database,
                                     ssl=ssl, statement_cache_size=256, timeout=60)
    except asyncpg.PostgresError as e:
        raise _PgError(getattr(e, "message", None) or str(e))
    except socket.gaierror as e:
        raise _PgError(f"DNS resolution failed: {e.strerror or e}")
    except (OSError, asyncio.TimeoutError) as e:
        if isinstance(e, asyncio.TimeoutError):
            raise _PgError("connection failed: connection timed out")
        raise _PgError(f"connection failed: {_os_text(e)}")
    except asyncpg.InterfaceError as e:
        raise _PgError(str(e))
    except Exception as e:          # ssl errors, protocol surprises
        raise _PgError(f"connection failed: {e}")
    await _install_text_codecs(conn)
    return conn


class _PgError(Exception):
    pass


class _Conn:
    """A PgConn handle: one asyncpg connection."""

    __slots__ = ("conn", "__weakref__")

    def __init__(self, conn):
        self.conn = conn

    def __repr__(self) -> str:
        return "<PgConn>"


def _conn_of(c) -> _Conn:
    if type(c) is _Opaque and type(c.obj) is _Conn:
        return c.obj
    from ..errors import MeshPanic
    raise MeshPanic("Pg: expected a PgConn")


# ---------------------------------------------------------------- values

def _error_string(e) -> str:
    """`SQLSTATE\\tconstraint\\ttable\\tcolumn\\tmessage` of a server error."""
    def f(name):
        v = getattr(e, name, None)
        return v if v else ""
    message = f("message") or "unknown PostgreSQL error"
    return f"{f('sqlstate')}\t{f('constraint_name')}\t{f('table_name')}\t{f('column_name')}\t{message}"


_ARRAY_PLAIN = _re.compile(r'^[^\s{}",\\]+$')


def _array_literal(v) -> str:
    parts = []
    for x in v:
        if x is None:
            parts.append("NULL")
        elif isinstance(x, (list, tuple)):
            parts.append(_array_literal(x))
        else:
            s = _cell(x)
            if _ARRAY_PLAIN.match(s) and s.upper() != "NULL":
                parts.append(s)
            else:
                parts.append('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(parts) + "}"


def _cell(v) -> str:
    if v is None:
        return ""
    if type(v) is str:
        return v
    if isinstance(v, list):
        return _array_literal(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(v).hex()
    if isinstance(v, bool):
        return "t" if v else "f"
    try:
        import asyncpg
        if isinstance(v, asyncpg.Record):
            return "(" + ",".join(_cell(x) for x in v.values()) + ")"
    except ImportError:
        pass
    return str(v)


def _rows(records) -> _MeshList:
    out = []
    for rec in records:
        out.append(_MeshMap.from_pairs((k, _cell(v)) for k, v in rec.items()))
    return _MeshList.from_iterable(out)


def _parse_array_literal(s: str):
    """A PostgreSQL array literal (`{1,2,"a b",NULL}`) as nested lists of
    strings, for array-typed parameters; None if `s` is not one."""
    s = s.strip()
    if not s.startswith("{"):
        return None
    pos = 0

    def parse():
        nonlocal pos
        assert s[pos] == "{"
        pos += 1
        items = []
        if s[pos] == "}":
            pos += 1
            return items
        while True:
            while s[pos].isspace():
                pos += 1
            if s[pos] == "{":
                items.append(parse())
            elif s[pos] == '"':
                pos += 1
                buf = []
                while s[pos] != '"':
                    if s[pos] == "\\":
                        pos += 1
                    buf.append(s[pos])
                    pos += 1
                pos += 1
                items.append("".join(buf))
            else:
                start = pos
                while s[pos] not in ",}":
                    pos += 1
                tok = s[start:pos].strip()
                items.append(None if tok.upper() == "NULL" else tok)
            while s[pos].isspace():
                pos += 1
            if s[pos] == ",":
                pos += 1
                continue
            if s[pos] == "}":
                pos += 1
                return items
            raise ValueError("malformed array literal")

    try:
        result = parse()
    except (IndexError, ValueError, AssertionError):
        return None
    return result if pos == len(s) else None


def _params(params) -> list:
    from ..eval.format import display
    return [p if type(p) is str else display(p) for p in params]


async def _prepare_args(conn, sql: str, args: list):
    """The prepared statement and its arguments, or raise _ArgError."""
    stmt = await conn.prepare(sql)
    types = stmt.get_parameters()
    if len(types) != len(args):
        raise _ArgError(f"08P01\t\t\t\tbind message supplies {len(args)} parameters, "
                        f"but prepared statement \"\" requires {len(types)}")
    for i, t in enumerate(types):
        if t.kind == "array":
            arr = _parse_array_literal(args[i])
            if arr is None:
                raise _ArgError(f"22P02\t\t\t\tmalformed array literal: \"{args[i]}\"")
            args[i] = arr
    return stmt, args


class _ArgError(Exception):
    pass




def _rows_affected(tag) -> int:
    if not tag:
        return 0
    parts = tag.split()
    for p in reversed(parts):
        if p.isdigit():
            return int(p)
    return 0


async def _query(conn, sql: str, params) -> _Variant:
    import asyncpg
    try:
        stmt, args = await _prepare_args(conn, sql, _params(params))
        records = await stmt.fetch(*args)
    except _ArgError as e:
        return _err(str(e))
    except asyncpg.PostgresError as e:
        return _err(_error_string(e))
    except (asyncpg.InterfaceError, OSError) as e:
        return _err(f"read query: {e}")
    return _ok(_rows(records))


async def _execute(conn, sql: str, params) -> _Variant:
    import asyncpg
    try:
        stmt, args = await _prepare_args(conn, sql, _params(params))
        await stmt.fetch(*args)
        tag = stmt.get_statusmsg()
    except _ArgError as e:
        return _err(str(e))
    except asyncpg.PostgresError as e:
        return _err(_error_string(e))
    except (asyncpg.InterfaceError, OSError) as e:
        return _err(f"read execute: {e}")
    return _ok(_rows_affected(tag))


async def _simple(conn, sql: str):
    """BEGIN/COMMIT/ROLLBACK by the simple protocol; None or the error text."""
    import asyncpg
    try:
        await conn.execute(sql)
    except asyncpg.PostgresError as e:
        return getattr(e, "message", None) or str(e)
    except (asyncpg.InterfaceError, OSError) as e:
        return f"read {sql}: {e}"
    return None


def _unit_result(msg):
    return _ok(None) if msg is None else _err(msg)


# ---------------------------------------------------------------- natives

def connect(url):
    async def go():
        try:
            conn = await _connect(url)
        except _PgError as e:
            return _err(str(e))
        return _ok(_Opaque("PgConn", _Conn(conn)))
    return _block_on(go())


def close(conn):
    c = _conn_of(conn)

    async def go():
        try:
            await c.conn.close(timeout=5)
        except Exception:
            c.conn.terminate()
    if not c.conn.is_closed():
        _block_on(go())
    return None


def execute(conn, sql, params):
    return _block_on(_execute(_conn_of(conn).conn, sql, params))


def query(conn, sql, params):
    return _block_on(_query(_conn_of(conn).conn, sql, params))


def _map_rows(result, from_row):
    if result.info.name != "Ok":
        return result
    return _ok(_MeshList.from_iterable(from_row(row) for row in result.args[0]))


def query_as(conn, sql, params, from_row):
    return _map_rows(query(conn, sql, params), from_row)


def begin(conn):
    return _unit_result(_block_on(_simple(_conn_of(conn).conn, "BEGIN")))


def commit(conn):
    return _unit_result(_block_on(_simple(_conn_of(conn).conn, "COMMIT")))


def rollback(conn):
    return _unit_result(_block_on(_simple(_conn_of(conn).conn, "ROLLBACK")))


def _run_transaction(conn_value, raw, f, begin_error, commit_error):
    """BEGIN, f(conn), COMMIT on Ok / ROLLBACK on Err or a panic."""
    msg = _block_on(_simple(raw, "BEGIN"))
    if msg is not None:
        return _err(begin_error(msg))
    try:
        result = f(conn_value)
    except Exception as e:
        from ..errors import MeshError, report
        if isinstance(e, MeshError):
            report(e)
        _block_on(_simple(raw, "ROLLBACK"))
        return _err("transaction aborted: panic in callback")
    if type(result) is _Variant and result.info.name == "Ok":
        msg = _block_on(_simple(raw, "COMMIT"))
        if msg is not None:
            _block_on(_simple(raw, "ROLLBACK"))
            return _err(commit_error(msg))
        return result
    _block_on(_simple(raw, "ROLLBACK"))
    return result


def transaction(conn, f):
    return _run_transaction(conn, _conn_of(conn).conn, f,
                            begin_error=lambda msg: f"BEGIN: {msg}",
                            commit_error=lambda msg: f"COMMIT: {msg}")
