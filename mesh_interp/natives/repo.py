"""Repo.* natives (stdlib.md §14.5): run Query values and table operations
through a Pool. The SQL text is the reference's (db/repo.rs) byte for byte;
every value is sent and returned as text."""
from __future__ import annotations

from ..eval.collections import MeshList as _MeshList, MeshMap as _MeshMap
from ..eval.values import Opaque as _Opaque, Variant as _Variant, err as _err, ok as _ok
from . import pool as _pool
from .orm import _delete_sql, _insert_sql, _quote, _strings, _update_sql
from .query import _q

# ---------------------------------------------------------------- SQL rendering


def _where(clauses, params, idx: int):
    """(conditions joined by AND, parameters in order, next index) for the
    query's WHERE entries: `RAW:sql` with `?` -> `$n`, `col IS [NOT] NULL`,
    `col IN:k`, `col op`, or a bare column."""
    conds, out = [], []
    wp = 0

    def take():
        nonlocal wp
        if wp < len(params):
            out.append(params[wp])
            wp += 1

    for clause in clauses:
        if clause.startswith("RAW:"):
            buf = []
            for ch in clause[4:]:
                if ch == "?":
                    buf.append(f"${idx}")
                    take()
                    idx += 1
                else:
                    buf.append(ch)
            conds.append("".join(buf))
        elif " " in clause:
            col, op = clause.split(" ", 1)
            op = op.strip()
            if op in ("IS NULL", "IS NOT NULL"):
                conds.append(f"{_quote(col)} {op}")
            elif op.startswith("IN:"):
                n = op[3:]
                count = int(n) if n.isdigit() else 0
                conds.append(f"{_quote(col)} IN ({', '.join(f'${idx + i}' for i in range(count))})")
                for _ in range(count):
                    take()
                    idx += 1
            else:
                conds.append(f"{_quote(col)} {op} ${idx}")
                take()
                idx += 1
        else:
            conds.append(f"{_quote(clause)} = ${idx}")
            take()
            idx += 1
    return " AND ".join(conds), out, idx


def _joins(joins) -> str:
    sql = ""
    for j in joins:
        parts = j.split(":", 2)
        if len(parts) == 3:
            sql += f" {parts[0]} JOIN {_quote(parts[1])} ON {parts[2]}"
    return sql


def _tail(q, sql: str, params: list, idx: int):
    """GROUP BY, HAVING and fragments (shared by SELECT and COUNT)."""
    if q.group:
        sql += " GROUP BY " + ", ".join(_quote(f) for f in q.group)
    if q.having:
        parts = []
        for clause in q.having:
            parts.append(f"{clause} ${idx}")
            idx += 1
        sql += " HAVING " + " AND ".join(parts)
        params.extend(q.having_params)
    for frag in q.fragments:
        buf = []
        for ch in frag:
            if ch == "?":
                buf.append(f"${idx}")
                idx += 1
            else:
                buf.append(ch)
        sql += " " + "".join(buf)
    params.extend(q.fragment_params)
    return sql, params, idx


def _select_sql(q, limit=None):
    cols = ", ".join(f[4:] if f.startswith("RAW:") else _quote(f) for f in q.select) \
        if q.select else "*"
    sql = f"SELECT {cols} FROM {_quote(q.source)}" + _joins(q.joins)
    params: list = []
    idx = 1
    if q.wheres:
        cond, params, idx = _where(q.wheres, q.where_params, idx)
        sql += " WHERE " + cond
    sql, params, idx = _tail(q, sql, params, idx)
    if q.order:
        parts = []
        for o in q.order:
            if " " in o:
                col, d = o.rsplit(" ", 1)
                parts.append(f"{_quote(col)} {d}")
            else:
                parts.append(f"{_quote(o)} ASC")
        sql += " ORDER BY " + ", ".join(parts)
    lim = q.limit if limit is None else limit
    if lim >= 0:
        sql += f" LIMIT {lim}"
    if q.offset >= 0:
        sql += f" OFFSET {q.offset}"
    return sql, params


def _count_sql(q):
    sql = f"SELECT COUNT(*) FROM {_quote(q.source)}" + _joins(q.joins)
    params: list = []
    idx = 1
    if q.wheres:
        cond, params, idx = _where(q.wheres, q.where_params, idx)
        sql += " WHERE " + cond
    sql, params, _ = _tail(q, sql, params, idx)
    return sql, params


def _exists_sql(q):
    inner = f"SELECT 1 FROM {_quote(q.source)}" + _joins(q.joins)
    params: list = []
    if q.wheres:
        cond, params, _ = _where(q.wheres, q.where_params, 1)
        inner += " WHERE " + cond
    return f"SELECT EXISTS({inner} LIMIT 1)", params


def _L(xs) -> _MeshList:
    return _MeshList.from_iterable(xs)


def _map_items(m):
    from ..eval.format import display
    if type(m) is not _MeshMap:     # `fields :: Ptr` type-checks with any handle
        from ..errors import MeshPanic
        raise MeshPanic("Repo: expected a Map of fields, got "
                        + (f"a {m.kind}" if type(m) is _Opaque else type(m).__name__))
    cols, vals = [], []
    for k, v in m.items():
        cols.append(k if type(k) is str else display(k))
        vals.append("" if v is None else (v if type(v) is str else display(v)))
    return cols, vals


def _is_ok(r) -> bool:
    return type(r) is _Variant and r.info.name == "Ok"


def _first(result, empty_error: str):
    if not _is_ok(result):
        return result
    rows = result.args[0]
    if not len(rows):
        return _err(empty_error)
    return _ok(rows[0])


# ---------------------------------------------------------------- queries

def all(pool, q):
    sql, params = _select_sql(_q(q))
    return _pool.query(pool, sql, _L(params))


def one(pool, q):
    sql, params = _select_sql(_q(q), limit=1)
    return _first(_pool.query(pool, sql, _L(params)), "not found")


def get(pool, table, id):
    sql = f"SELECT * FROM {_quote(table)} WHERE {_quote('id')} = $1 LIMIT 1"
    return _first(_pool.query(pool, sql, _L([id])), "not found")


def get_by(pool, table, field, value):
    sql = f"SELECT * FROM {_quote(table)} WHERE {_quote(field)} = $1 LIMIT 1"
    return _first(_pool.query(pool, sql, _L([value])), "not found")


def count(pool, q):
    sql, params = _count_sql(_q(q))
    r = _pool.query(pool, sql, _L(params))
    if not _is_ok(r):
        return r
    rows = r.args[0]
    if not len(rows):
        return _err("count returned no rows")
    v = rows[0].get("count")
    if v is None:
        return _ok(0)
    try:
        return _ok(int(v) if v.lstrip("+-").isdigit() else 0)
    except ValueError:
        return _ok(0)


def exists(pool, q):
    sql, params = _exists_sql(_q(q))
    r = _pool.query(pool, sql, _L(params))
    if not _is_ok(r):
        return r
    rows = r.args[0]
    if not len(rows):
        return _ok(False)
    v = rows[0].get("exists")
    return _ok(v in ("t", "true", "1"))


def query_raw(pool, sql, params):
    return _pool.query(pool, sql, params)


def execute_raw(pool, sql, params):
    return _pool.execute(pool, sql, params)


# ---------------------------------------------------------------- writes

def insert(pool, table, fields):
    cols, vals = _map_items(fields)
    if not cols:
        return _err("insert: no fields provided")
    sql = _insert_sql(table, cols, ["*"])
    return _first(_pool.query(pool, sql, _L(vals)), "insert: no row returned")


def update(pool, table, id, fields):
    cols, vals = _map_items(fields)
    if not cols:
        return _err("update: no fields provided")
    sql = _update_sql(table, cols, ["id ="], ["*"])
    return _first(_pool.query(pool, sql, _L(vals + [id])),
                  "update: no row returned (id not found)")


def delete(pool, table, id):
    sql = _delete_sql(table, ["id ="], ["*"])
    return _first(_pool.query(pool, sql, _L([id])), "delete: no row returned (id not found)")


def update_where(pool, table, fields, q):
    cols, vals = _map_items(fields)
    if not cols:
        return _err("update_where: no fields provided")
    query = _q(q)
    if not query.wheres:
        return _err("update_where: no WHERE conditions")
    sets = ", ".join(f"{_quote(c)} = ${i}" for i, c in enumerate(cols, 1))
    cond, params, _ = _where(query.wheres, query.where_params, len(cols) + 1)
    sql = f"UPDATE {_quote(table)} SET {sets} WHERE {cond} RETURNING *"
    return _first(_pool.query(pool, sql, _L(vals + params)), "update_where: no rows matched")


def delete_where(pool, table, q):
    query = _q(q)
    if not query.wheres:
        return _err("delete_where: no WHERE conditions")
    cond, params, _ = _where(query.wheres, query.where_params, 1)
    return _pool.execute(pool, f"DELETE FROM {_quote(table)} WHERE {cond}", _L(params))


def transaction(pool, f):
    """Checkout, BEGIN, f(conn), COMMIT on Ok / ROLLBACK on Err or panic, checkin."""
    from . import pg as _pg
    conn = _pool.checkout(pool)
    if not _is_ok(conn):
        return conn
    conn = conn.args[0]
    try:
        return _pg._run_transaction(conn, _pg._conn_of(conn).conn, f,
                                    begin_error=lambda msg: msg,
                                    commit_error=lambda msg: "transaction: COMMIT failed")
    finally:
        _pool.checkin(pool, conn)


# ---------------------------------------------------------------- changesets

def _constraint_error(errtext: str):
    from .changeset import _constraint_field
    parts = errtext.split("\t", 4)
    if len(parts) != 5:
        return None
    sqlstate, constraint, table, column, _msg = parts
    if sqlstate == "23505":
        return _constraint_field(constraint, table) or "_base", "has already been taken"
    if sqlstate == "23503":
        return _constraint_field(constraint, table) or "_base", "does not exist"
    if sqlstate == "23502":
        return (column or "_base"), "can't be blank"
    return None


def _write_changeset(pool, cs, sql_for, extra, empty_error):
    from .changeset import _add_error, _cs
    c = _cs(cs)
    if not c.valid:
        return _err(cs)
    cols, vals = _map_items(c.changes)
    if not cols:
        return _err(cs)
    r = _pool.query(pool, sql_for(cols), _L(vals + extra))
    if _is_ok(r):
        rows = r.args[0]
        if not len(rows):
            return _err(empty_error)
        return _ok(rows[0])
    mapped = _constraint_error(r.args[0])
    field, msg = mapped if mapped is not None else ("_base", "database error")
    return _err(_add_error(cs, field, msg))


def insert_changeset(pool, table, cs):
    return _write_changeset(pool, cs, lambda cols: _insert_sql(table, cols, ["*"]), [],
                            "insert_changeset: no row returned")


def update_changeset(pool, table, id, cs):
    return _write_changeset(pool, cs, lambda cols: _update_sql(table, cols, ["id ="], ["*"]),
                            [id], "update_changeset: no row returned (id not found)")


# ---------------------------------------------------------------- preloading

def _rel_meta(meta) -> dict:
    out = {}
    for entry in _strings(meta):
        parts = entry.split(":", 4)
        if len(parts) == 5:
            out[parts[1]] = (parts[0], parts[3], parts[4])     # kind, fk, target table
    return out


def _preload_direct(pool, rows: list, assoc: str, rels: dict):
    meta = rels.get(assoc)
    if meta is None:
        return None, _err(f"Repo.preload: unknown association '{assoc}' -- check that the "
                          f"relationship metadata includes this association")
    kind, fk, target = meta
    if kind in ("has_many", "has_one"):
        parent_key, match_key = "id", fk
    elif kind == "belongs_to":
        parent_key, match_key = fk, "id"
    else:
        return None, _err(f"Repo.preload: unknown relationship kind '{kind}'")
    ids, seen = [], set()
    for row in rows:
        v = row.get(parent_key)
        if v is not None and v not in seen:
            seen.add(v)
            ids.append(v)
    if not ids:
        return [row.put(assoc, _L([]) if kind == "has_many" else _MeshMap())
                for row in rows], None
    ps = ", ".join(f"${i}" for i in range(1, len(ids) + 1))
    sql = f"SELECT * FROM {_quote(target)} WHERE {_quote(match_key)} IN ({ps})"
    r = _pool.query(pool, sql, _L(ids))
    if not _is_ok(r):
        return None, r
    grouped: dict = {}
    for child in r.args[0]:
        k = child.get(match_key)
        if k is not None:
            grouped.setdefault(k, []).append(child)
    out = []
    for row in rows:
        matches = grouped.get(row.get(parent_key, ""), [])
        if kind == "has_many":
            out.append(row.put(assoc, _L(matches)))
        else:
            out.append(row.put(assoc, matches[0] if matches else _MeshMap()))
    return out, None


def _preload_nested(pool, rows: list, path: str, rels: dict):
    parent, _, child = path.partition(".")
    if not child:
        return None, _err(f"Repo.preload: invalid nested association path '{path}'")
    pmeta = rels.get(parent)
    if pmeta is None:
        return None, _err(f"Repo.preload: unknown parent association '{parent}' in nested path")
    many = pmeta[0] == "has_many"
    inter, positions = [], []
    for i, row in enumerate(rows):
        v = row.get(parent)
        if v is None:
            continue
        if many:
            for sub in v:
                inter.append(sub)
                positions.append(i)
        elif len(v):
            inter.append(v)
            positions.append(i)
    if not inter:
        return rows, None
    step = _preload_nested if "." in child else _preload_direct
    enriched, e = step(pool, inter, child, rels)
    if e is not None:
        return None, e
    groups: dict = {}
    for pos, er in zip(positions, enriched):
        groups.setdefault(pos, []).append(er)
    out = []
    for i, row in enumerate(rows):
        if i in groups:
            out.append(row.put(parent, _L(groups[i]) if many else groups[i][0]))
        else:
            out.append(row)
    return out, None


def preload(pool, rows, associations, rel_meta):
    from ._common import iterable
    rows = list(iterable(rows, "Repo.preload"))
    if not rows:
        return _ok(_L(rows))
    rels = _rel_meta(rel_meta)
    assocs = sorted(_strings(associations), key=lambda a: a.count("."))
    for a in assocs:
        step = _preload_nested if "." in a else _preload_direct
        rows, e = step(pool, rows, a, rels)
        if e is not None:
            return e
    return _ok(_L(rows))


__all__ = ["all", "one", "get", "get_by", "count", "exists", "insert", "update", "delete",
           "transaction", "update_where", "delete_where", "query_raw", "execute_raw",
           "insert_changeset", "update_changeset", "preload"]
