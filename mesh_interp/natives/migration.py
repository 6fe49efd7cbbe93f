"""Migration.* natives (stdlib.md §14.5): DDL helpers run through
Pool.execute; SQL text as the reference's db/migration.rs."""
from __future__ import annotations

from ..eval.collections import EMPTY as _EMPTY
from . import pool as _pool
from .orm import _quote, _strings


def _column_def(spec: str) -> str:
    parts = spec.split(":", 2)
    if len(parts) == 3:
        return f"{_quote(parts[0])} {parts[1]} {parts[2]}"
    if len(parts) == 2:
        return f"{_quote(parts[0])} {parts[1]}"
    return spec


def _create_table_sql(table, columns) -> str:
    return f"CREATE TABLE IF NOT EXISTS {_quote(table)} (" + \
        ", ".join(_column_def(c) for c in columns) + ")"


def _add_column_sql(table, spec) -> str:
    parts = spec.split(":", 2)
    if len(parts) == 3:
        return f"ALTER TABLE {_quote(table)} ADD COLUMN IF NOT EXISTS {_quote(parts[0])} " \
               f"{parts[1]} {parts[2]}"
    if len(parts) == 2:
        return f"ALTER TABLE {_quote(table)} ADD COLUMN IF NOT EXISTS {_quote(parts[0])} {parts[1]}"
    return f"ALTER TABLE {_quote(table)} ADD COLUMN {spec}"


def _index_name(table, columns) -> str:
    return f"idx_{table}_{'_'.join(columns)}"


def _create_index_sql(table, columns, options) -> str:
    unique = "unique:true" in options or "unique: true" in options
    sql = "CREATE " + ("UNIQUE " if unique else "") + "INDEX IF NOT EXISTS "
    sql += _quote(_index_name(table, columns)) + " ON " + _quote(table)
    sql += " (" + ", ".join(_quote(c) for c in columns) + ")"
    at = options.find("where:")
    if at >= 0:
        sql += " WHERE " + options[at + 6:].strip()
    return sql


def _run(pool, sql):
    return _pool.execute(pool, sql, _EMPTY)


def create_table(pool, table, columns):
    return _run(pool, _create_table_sql(table, _strings(columns)))


def drop_table(pool, table):
    return _run(pool, f"DROP TABLE IF EXISTS {_quote(table)}")


def add_column(pool, table, column_def):
    return _run(pool, _add_column_sql(table, column_def))


def drop_column(pool, table, column):
    return _run(pool, f"ALTER TABLE {_quote(table)} DROP COLUMN IF EXISTS {_quote(column)}")


def rename_column(pool, table, old_name, new_name):
    return _run(pool, f"ALTER TABLE {_quote(table)} RENAME COLUMN {_quote(old_name)} TO "
                      f"{_quote(new_name)}")


def create_index(pool, table, columns, options):
    return _run(pool, _create_index_sql(table, _strings(columns), options))


def drop_index(pool, table, columns):
    return _run(pool, f"DROP INDEX IF EXISTS {_quote(_index_name(table, _strings(columns)))}")


def execute(pool, sql):
    return _run(pool, sql)
