"""`mesh migrate [up|down|status|generate NAME] [DIR]`: PostgreSQL migrations
as the reference's `meshc migrate` runs them (tooling.md §7): files
`DIR/migrations/<digits>_<name>.mpl`, each with `pub fn up(pool)` and
`pub fn down(pool)` returning `Int!String`, tracked in `_mesh_migrations`.

Instead of generating and compiling a wrapper program per migration, each
file is loaded as a one-module program and its `up`/`down` is called with a
pool opened on DATABASE_URL, inside a Mesh process.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import sys
from pathlib import Path

_FILE = re.compile(r"^(\d+)_([A-Za-z0-9_]+)\.mpl$")
_NAME = re.compile(r"^[a-z0-9_]+$")

TRACKING_TABLE = ("CREATE TABLE IF NOT EXISTS _mesh_migrations (version BIGINT PRIMARY KEY, "
                  "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")


class MigrateError(Exception):
    pass


def say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def discover(root: Path) -> list[tuple[int, str, Path]]:
    d = root / "migrations"
    if not d.is_dir():
        return []
    found = []
    for p in d.iterdir():
        m = _FILE.match(p.name)
        if m and p.is_file():
            found.append((int(m.group(1)), m.group(2), p))
    return sorted(found)


def main(argv: list[str]) -> int:
    action = "up"
    args = list(argv)
    if args and args[0] in ("up", "down", "status", "generate"):
        action = args.pop(0)
    if action == "generate":
        if not args:
            say("error: migration name is required: mesh migrate generate NAME [DIR]")
            return 1
        name = args.pop(0)
        return generate(Path(args[0] if args else "."), name)
    root = Path(args[0] if args else ".")
    url = os.environ.get("DATABASE_URL")
    if not url:
        say("mesh migrate: DATABASE_URL environment variable is required")
        return 1
    files = discover(root)
    if not files and action in ("up", "status"):
        say("No migration files found in migrations/")
        return 0
    from . import runtime as rt
    result = {"code": 0}

    def body():
        try:
            pool = _connect(url)
            _check(_pool().execute(pool, TRACKING_TABLE, _list([])), "Failed to create tracking table")
            applied = _applied(pool)
            if action == "up":
                _up(pool, files, applied)
            elif action == "down":
                _down(pool, files, applied)
            else:
                _status(files, applied)
        except MigrateError as e:
            say(f"error: {e}")
            result["code"] = 1

    code = rt.run_main(body, ())
    return result["code"] or code


def _pool():
    from .natives import pool
    return pool


def _list(items):
    from .eval.collections import MeshList
    return MeshList.from_iterable(items)


def _check(res, what: str):
    from .eval.values import ERR, OK
    if res.info is ERR:
        raise MigrateError(f"{what}: {res.args[0]}")
    return res.args[0]


def _connect(url: str):
    res = _pool().open(url, 1, 2, 5000)
    return _check(res, "Failed to connect to database")


def _applied(pool) -> set[int]:
    rows = _check(_pool().query(pool, "SELECT version FROM _mesh_migrations ORDER BY version",
                                _list([])), "Failed to read applied migrations")
    return {int(row.get("version")) for row in rows}


def _load_fn(path: Path, name: str):
    from .driver import load_program
    from .errors import MeshError, report
    try:
        program = load_program(str(path), require_main=False)
    except MeshError as e:
        report(e)
        program = None
    if program is None:
        raise MigrateError(f"Migration {path.stem} failed to compile")
    fn = program.modules["Main"].values.get(name)
    if fn is None:
        raise MigrateError(f"Migration {path.stem} has no `{name}` function")
    return fn


def _run(fn, pool, label: str):
    from .eval.values import ERR
    from .errors import MeshPanic
    try:
        res = fn(pool)
    except MeshPanic as e:
        raise MigrateError(f"Migration {label} failed: {e.message}")
    if getattr(res, "info", None) is ERR:
        raise MigrateError(f"Migration {label} failed: {res.args[0]}")


def _up(pool, files, applied):
    pending = [f for f in files if f[0] not in applied]
    if not pending:
        say("No pending migrations")
        return
    say(f"Running {len(pending)} pending migration(s):")
    for version, name, path in pending:
        label = f"{version}_{name}"
        say(f"  Applying: {label}")
        _run(_load_fn(path, "up"), pool, label)
        _check(_pool().execute(pool, "INSERT INTO _mesh_migrations (version, name) VALUES ($1, $2)",
                               _list([str(version), name])), f"Failed to record migration {label}")
        say(f"  Applied:  {label}")
    say(f"Applied {len(pending)} migration(s)")


def _down(pool, files, applied):
    done = [f for f in files if f[0] in applied]
    if not done:
        say("No migrations to roll back")
        return
    version, name, path = done[-1]
    label = f"{version}_{name}"
    say(f"Rolling back: {label}")
    _run(_load_fn(path, "down"), pool, label)
    _check(_pool().execute(pool, "DELETE FROM _mesh_migrations WHERE version = $1",
                           _list([str(version)])), f"Failed to remove migration record {label}")
    say(f"Rolled back: {label}")


def _status(files, applied):
    say("Migration Status:")
    n = 0
    for version, name, _path in files:
        mark = "x" if version in applied else " "
        n += version in applied
        say(f"  [{mark}] {version}_{name}")
    say(f"{n} applied, {len(files) - n} pending")


STUB = """# Migration: {name}

pub fn up(pool :: PoolHandle) -> Int!String do
  # Pool.execute(pool, "CREATE TABLE ...", [])?
  Ok(0)
end

pub fn down(pool :: PoolHandle) -> Int!String do
  # Pool.execute(pool, "DROP TABLE ...", [])?
  Ok(0)
end
"""


def generate(root: Path, name: str) -> int:
    if not name or not _NAME.match(name):
        say(f"error: invalid migration name '{name}': use lower-case letters, digits and _")
        return 1
    d = root / "migrations"
    d.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    filename = f"{stamp}_{name}.mpl"
    (d / filename).write_text(STUB.format(name=name))
    say(f"Created migration: migrations/{filename}")
    return 0
