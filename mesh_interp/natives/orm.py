"""Orm.* natives (stdlib.md §14.5): pure SQL string builders, byte for byte
as the reference's db/orm.rs. Also the identifier quoting and WHERE-clause
rendering shared by Query/Repo/Migration."""
from __future__ import annotations


def _quote(name: str) -> str:
    """`"name"` with embedded `"` doubled."""
    return '"' + name.replace('"', '""') + '"'


def _quote_or_star(name: str) -> str:
    return "*" if name == "*" else _quote(name)


def _strings(xs) -> list:
    from ..eval.format import display
    return [x if type(x) is str else display(x) for x in xs if x is not None]


def _simple_where(wheres, idx: int):
    """`"col" op $n` conditions (`col op`, `col IS NULL`, or a bare `col`
    meaning `= $n`), AND-ed; returns (sql, next index)."""
    conds = []
    for w in wheres:
        if " " in w:
            col, op = w.split(" ", 1)
            op = op.strip()
            if op in ("IS NULL", "IS NOT NULL"):
                conds.append(f"{_quote(col)} {op}")
            else:
                conds.append(f"{_quote(col)} {op} ${idx}")
                idx += 1
        else:
            conds.append(f"{_quote(w)} = ${idx}")
            idx += 1
    return " AND ".join(conds), idx


def _returning(returning) -> str:
    if not returning:
        return ""
    return " RETURNING " + ", ".join(_quote_or_star(c) for c in returning)


def _select_sql(table, columns, wheres, orders, limit, offset) -> str:
    sql = "SELECT " + (", ".join(_quote(c) for c in columns) if columns else "*")
    sql += " FROM " + _quote(table)
    if wheres:
        cond, _ = _simple_where(wheres, 1)
        sql += " WHERE " + cond
    if orders:
        parts = []
        for o in orders:
            if " " in o:
                col, d = o.rsplit(" ", 1)
                parts.append(f"{_quote(col)} {d.upper()}")
            else:
                parts.append(f"{_quote(o)} ASC")
        sql += " ORDER BY " + ", ".join(parts)
    if limit >= 0:
        sql += f" LIMIT {limit}"
    if offset >= 0:
        sql += f" OFFSET {offset}"
    return sql


def _insert_sql(table, columns, returning) -> str:
    cols = ", ".join(_quote(c) for c in columns)
    ps = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    return f"INSERT INTO {_quote(table)} ({cols}) VALUES ({ps}){_returning(returning)}"


def _update_sql(table, set_columns, wheres, returning) -> str:
    sets = ", ".join(f"{_quote(c)} = ${i}" for i, c in enumerate(set_columns, 1))
    sql = f"UPDATE {_quote(table)} SET {sets}"
    if wheres:
        cond, _ = _simple_where(wheres, len(set_columns) + 1)
        sql += " WHERE " + cond
    return sql + _returning(returning)


def _delete_sql(table, wheres, returning) -> str:
    sql = "DELETE FROM " + _quote(table)
    if wheres:
        cond, _ = _simple_where(wheres, 1)
        sql += " WHERE " + cond
    return sql + _returning(returning)


def build_select(table, columns, where_clauses, order_by, limit, offset):
    return _select_sql(table, _strings(columns), _strings(where_clauses), _strings(order_by),
                       limit, offset)


def build_insert(table, columns, returning):
    return _insert_sql(table, _strings(columns), _strings(returning))


def build_update(table, columns, where_clauses, returning):
    return _update_sql(table, _strings(columns), _strings(where_clauses), _strings(returning))


def build_delete(table, where_clauses, returning):
    return _delete_sql(table, _strings(where_clauses), _strings(returning))
