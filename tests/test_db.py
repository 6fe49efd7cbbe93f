"""Database natives (stdlib.md §14.2-14.4): Sqlite on files in a tmp dir,
Pg and Pool against the PostgreSQL server given by MESH_TEST_DATABASE_URL
(skipped without it).

Python-level tests call the natives directly inside runtime.run_main (as
the interpreter does); end-to-end tests run small Mesh programs.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mesh_interp import runtime as rt
from mesh_interp.eval.collections import MeshList
from mesh_interp.eval.values import Variant
from mesh_interp.natives import pg as Pg
from mesh_interp.natives import pool as Pool
from mesh_interp.natives import sqlite as Sqlite

REPO_ROOT = Path(__file__).resolve().parent.parent


def L(*xs):
    return MeshList.from_iterable(xs)


def unwrap(r):
    assert type(r) is Variant and r.info.name == "Ok", r
    return r.args[0]


def error(r) -> str:
    assert type(r) is Variant and r.info.name == "Err", r
    return r.args[0]


def rows(r):
    return [dict(m.items()) for m in unwrap(r)]


def in_runtime(fn):
    """Run fn() as the main Mesh process; return its result."""
    box = {}

    def main():
        box["v"] = fn()
    code = rt.run_main(main)
    assert code == 0
    return box["v"]


def run_mesh_program(tmp_path, source: str, env=None, timeout=120):
    (tmp_path / "main.mpl").write_text(source)
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "mesh_interp", "run", "main.mpl"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=timeout,
                          env=full_env, stdin=subprocess.DEVNULL)


# ---------------------------------------------------------------- SQLite

def test_sqlite_crud(tmp_path):
    def body():
        db = unwrap(Sqlite.open(str(tmp_path / "t.db")))
        out = []
        out.append(unwrap(Sqlite.execute(db, "CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT, "
                                             "age INTEGER, score REAL, note TEXT)", L())))
        out.append(unwrap(Sqlite.execute(db, "INSERT INTO u (name, age, score) VALUES (?, ?, ?)",
                                         L("Alice", "30", "1.5"))))
        out.append(unwrap(Sqlite.execute(db, "INSERT INTO u (name, age, score) VALUES (?, ?, ?)",
                                         L("Bob", "25", "2"))))
        out.append(rows(Sqlite.query(db, "SELECT name, age, score, note FROM u ORDER BY name",
                                     L())))
        out.append(rows(Sqlite.query(db, "SELECT name FROM u WHERE age = ?", L("30"))))
        out.append(unwrap(Sqlite.execute(db, "UPDATE u SET age = age + 1", L())))
        out.append(rows(Sqlite.query(db, "SELECT count(*), 1.0e20 AS big, NULL AS n FROM u", L())))
        Sqlite.close(db)
        return out

    created, i1, i2, all_rows, filtered, updated, agg = in_runtime(body)
    assert (created, i1, i2, updated) == (0, 1, 1, 2)
    assert all_rows == [{"name": "Alice", "age": "30", "score": "1.5", "note": ""},
                        {"name": "Bob", "age": "25", "score": "2.0", "note": ""}]
    assert filtered == [{"name": "Alice"}]
    assert agg == [{"count(*)": "2", "big": "1.0e+20", "n": ""}]


def test_sqlite_binding_rules_and_errors():
    db = unwrap(Sqlite.open(":memory:"))
    unwrap(Sqlite.execute(db, "CREATE TABLE t (a TEXT, b TEXT)", L()))
    # too many parameters: SQLite's bind error
    assert error(Sqlite.execute(db, "INSERT INTO t VALUES (?, ?)", L("1", "2", "3"))) == \
        "column index out of range"
    # too few: the rest are NULL
    assert unwrap(Sqlite.execute(db, "INSERT INTO t VALUES (?, ?)", L("only"))) == 1
    assert rows(Sqlite.query(db, "SELECT a, b FROM t", L())) == [{"a": "only", "b": ""}]
    # only the first statement runs
    assert unwrap(Sqlite.execute(db, "INSERT INTO t VALUES ('x', 'y'); DROP TABLE t", L())) == 1
    assert len(rows(Sqlite.query(db, "SELECT * FROM t", L()))) == 2
    assert error(Sqlite.query(db, "SELECT * FROM missing", L())) == "no such table: missing"
    assert error(Sqlite.execute(db, "NOT SQL", L())).startswith('near "NOT": syntax error')
    assert error(Sqlite.execute(db, "SELECT ?", L("a\x00b"))) == "parameter contains null byte"
    assert error(Sqlite.open("a\x00b")) == "path contains null byte"
    Sqlite.close(db)


def test_sqlite_transactions(tmp_path):
    db = unwrap(Sqlite.open(str(tmp_path / "tx.db")))
    unwrap(Sqlite.execute(db, "CREATE TABLE t (v TEXT UNIQUE)", L()))
    assert Sqlite.begin(db).info.name == "Ok"
    unwrap(Sqlite.execute(db, "INSERT INTO t VALUES (?)", L("a")))
    assert Sqlite.rollback(db).info.name == "Ok"
    assert rows(Sqlite.query(db, "SELECT v FROM t", L())) == []
    assert Sqlite.begin(db).info.name == "Ok"
    unwrap(Sqlite.execute(db, "INSERT INTO t VALUES (?)", L("b")))
    assert Sqlite.commit(db).info.name == "Ok"
    assert rows(Sqlite.query(db, "SELECT v FROM t", L())) == [{"v": "b"}]
    assert error(Sqlite.execute(db, "INSERT INTO t VALUES (?)", L("b"))) == \
        "UNIQUE constraint failed: t.v"
    assert error(Sqlite.commit(db)) == "cannot commit - no transaction is active"
    Sqlite.close(db)


SQLITE_PROGRAM = '''
fn run_db(path :: String) -> Int!String do
  let db = Sqlite.open(path)?
  let _ = Sqlite.execute(db, "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, age TEXT NOT NULL)", [])?
  let n = Sqlite.execute(db, "INSERT INTO users (name, age) VALUES (?, ?)", ["Alice", "30"])?
  println("inserted ${n}")
  let _ = Sqlite.execute(db, "INSERT INTO users (name, age) VALUES (?, ?)", ["Bob", "25"])?
  let rows = Sqlite.query(db, "SELECT name, age FROM users ORDER BY name", [])?
  List.map(rows, fn(row) do
    println(Map.get(row, "name") <> ":" <> Map.get(row, "age"))
  end)
  let bad = Sqlite.query(db, "SELECT * FROM nope", [])
  case bad do
    Ok(_) -> println("unexpected")
    Err(e) -> println("error: " <> e)
  end
  Sqlite.close(db)
  Ok(0)
end

fn main() do
  case run_db("data.db") do
    Ok(_) -> println("done")
    Err(msg) -> println("failed: " <> msg)
  end
end
'''


def test_sqlite_mesh_program(tmp_path):
    r = run_mesh_program(tmp_path, SQLITE_PROGRAM)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "inserted 1\nAlice:30\nBob:25\nerror: no such table: nope\ndone\n"
    assert (tmp_path / "data.db").exists()


# ---------------------------------------------------------------- PostgreSQL: pure helpers

def test_pg_url_parsing():
    u = Pg._parse_url("postgresql://us%40er:p%3Ass@db.local:6543/my%20db?sslmode=disable")
    assert (u.host, u.port, u.user, u.password, u.database, u.sslmode) == \
        ("db.local", 6543, "us@er", "p:ss", "my db", "disable")
    u = Pg._parse_url("postgres://mesh@localhost")
    assert (u.host, u.port, u.user, u.password, u.database, u.sslmode) == \
        ("localhost", 5432, "mesh", "", "mesh", "prefer")
    for bad, msg in (("mysql://x@y", "URL must start with postgres:// or postgresql://"),
                     ("postgres://localhost/db", "URL missing '@' separator"),
                     ("postgres://u@h:99999/db", "invalid port: 99999"),
                     ("postgres://u@h:x/db", "invalid port: x")):
        with pytest.raises(ValueError, match="^" + msg.replace("/", "/") + "$"):
            Pg._parse_url(bad)
    assert error(Pg.connect("mysql://x@y")) == "URL must start with postgres:// or postgresql://"


def test_pg_array_literals():
    assert Pg._parse_array_literal('{1,2,"a b",NULL,"q\\"x"}') == ["1", "2", "a b", None, 'q"x']
    assert Pg._parse_array_literal("{{1,2},{3,4}}") == [["1", "2"], ["3", "4"]]
    assert Pg._parse_array_literal("{}") == []
    assert Pg._parse_array_literal("nope") is None
    assert Pg._array_literal(["1", None, "a b", "", 'q"']) == '{1,NULL,"a b","","q\\""}'
    assert Pg._rows_affected("INSERT 0 5") == 5
    assert Pg._rows_affected("UPDATE 3") == 3
    assert Pg._rows_affected("CREATE TABLE") == 0


def test_pg_connection_refused():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    e = in_runtime(lambda: error(Pg.connect(f"postgres://u@127.0.0.1:{port}/db?sslmode=disable")))
    assert e.startswith("connection failed: ")


# ---------------------------------------------------------------- PostgreSQL: live server

@pytest.fixture
def table(database_url):
    return "mesh_t_" + uuid.uuid4().hex[:10]


@pytest.mark.db
def test_pg_crud_text_values(database_url, table):
    def body():
        conn = unwrap(Pg.connect(database_url))
        out = {}
        out["create"] = unwrap(Pg.execute(conn, f"CREATE TABLE {table} (id SERIAL PRIMARY KEY, "
                                                f"name TEXT NOT NULL UNIQUE, age INTEGER NOT NULL, "
                                                f"ok BOOLEAN, score DOUBLE PRECISION, "
                                                f"tags TEXT[], meta JSONB, note TEXT)", L()))
        out["ins"] = unwrap(Pg.execute(conn, f"INSERT INTO {table} (name, age, ok, score, tags, meta)"
                                             f" VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
                                       L("Alice", "30", "true", "1.5", '{a,"b c"}', '{"k": 1}')))
        out["ins2"] = unwrap(Pg.execute(conn, f"INSERT INTO {table} (name, age) VALUES ($1, $2),"
                                              f" ($3, $4)", L("Bob", "25", "Carol", "41")))
        out["rows"] = rows(Pg.query(conn, f"SELECT name, age, ok, score, tags, meta, note FROM {table}"
                                          f" ORDER BY name", L()))
        out["older"] = rows(Pg.query(conn, f"SELECT name FROM {table} WHERE age > $1 ORDER BY age",
                                     L("26")))
        out["count"] = rows(Pg.query(conn, f"SELECT count(*)::text AS cnt, $1::uuid AS u FROM {table}",
                                     L("00000000-0000-0000-0000-000000000001")))
        out["upd"] = unwrap(Pg.execute(conn, f"UPDATE {table} SET age = age + 1", L()))
        out["dup"] = error(Pg.execute(conn, f"INSERT INTO {table} (name, age) VALUES ($1, $2)",
                                      L("Bob", "1")))
        out["notnull"] = error(Pg.execute(conn, f"INSERT INTO {table} (name) VALUES ($1)", L("Z")))
        out["badint"] = error(Pg.execute(conn, f"UPDATE {table} SET age = $1", L("abc")))
        out["missing"] = error(Pg.query(conn, "SELECT * FROM no_such_table_here", L()))
        out["arity"] = error(Pg.query(conn, "SELECT $1::text", L()))
        out["drop"] = unwrap(Pg.execute(conn, f"DROP TABLE {table}", L()))
        Pg.close(conn)
        return out

    out = in_runtime(body)
    assert (out["create"], out["ins"], out["ins2"], out["upd"], out["drop"]) == (0, 1, 2, 3, 0)
    assert out["rows"][0] == {"name": "Alice", "age": "30", "ok": "t", "score": "1.5",
                              "tags": '{a,"b c"}', "meta": '{"k": 1}', "note": ""}
    assert out["rows"][1] == {"name": "Bob", "age": "25", "ok": "", "score": "", "tags": "",
                              "meta": "", "note": ""}
    assert out["older"] == [{"name": "Alice"}, {"name": "Carol"}]
    assert out["count"] == [{"cnt": "3", "u": "00000000-0000-0000-0000-000000000001"}]
    assert out["dup"] == f"23505\t{table}_name_key\t{table}\t\tduplicate key value violates " \
                         f"unique constraint \"{table}_name_key\""
    assert out["notnull"].startswith(f"23502\t\t{table}\tage\tnull value in column \"age\"")
    assert out["badint"].startswith("22P02\t\t\t\tinvalid input syntax for type integer")
    assert out["missing"] == "42P01\t\t\t\trelation \"no_such_table_here\" does not exist"
    assert out["arity"].startswith("08P01\t\t\t\tbind message supplies 0 parameters")


@pytest.mark.db
def test_pg_transactions(database_url, table):
    from mesh_interp.errors import MeshPanic
    from mesh_interp.eval.values import err, ok

    def body():
        conn = unwrap(Pg.connect(database_url))
        unwrap(Pg.execute(conn, f"CREATE TABLE {table} (v TEXT)", L()))
        out = []

        def insert(v):
            return lambda c: (unwrap(Pg.execute(c, f"INSERT INTO {table} VALUES ($1)", L(v))),
                              ok(None))[1]
        out.append(Pg.transaction(conn, insert("committed")))
        out.append(Pg.transaction(conn, lambda c: (insert("rolled back")(c), err("nope"))[1]))

        def boom(c):
            insert("panicked")(c)
            raise MeshPanic("boom")
        out.append(Pg.transaction(conn, boom))
        assert Pg.begin(conn).info.name == "Ok"
        unwrap(Pg.execute(conn, f"INSERT INTO {table} VALUES ($1)", L("manual")))
        assert Pg.rollback(conn).info.name == "Ok"
        out.append(error(Pg.commit(conn)) if Pg.commit(conn).info.name == "Err" else "commit ok")
        out.append(rows(Pg.query(conn, f"SELECT v FROM {table}", L())))
        unwrap(Pg.execute(conn, f"DROP TABLE {table}", L()))
        Pg.close(conn)
        return out

    committed, failed, panicked, commit_outside, remaining = in_runtime(body)
    assert committed.info.name == "Ok"
    assert failed.info.name == "Err" and failed.args == ("nope",)
    assert panicked.info.name == "Err" and \
        panicked.args == ("transaction aborted: panic in callback",)
    assert commit_outside == "commit ok"          # COMMIT outside a transaction only warns
    assert remaining == [{"v": "committed"}]


@pytest.mark.db
def test_pool_checkout_limits_and_rollback(database_url, table):
    def body():
        pool = unwrap(Pool.open(database_url, 1, 2, 300))
        out = {}
        unwrap(Pool.execute(pool, f"CREATE TABLE {table} (v TEXT)", L()))
        a = unwrap(Pool.checkout(pool))
        b = unwrap(Pool.checkout(pool))
        t0 = time.monotonic()
        out["timeout"] = error(Pool.checkout(pool))
        out["waited"] = time.monotonic() - t0
        # a connection left inside a transaction is rolled back at checkin
        assert Pg.begin(a).info.name == "Ok"
        unwrap(Pg.execute(a, f"INSERT INTO {table} VALUES ($1)", L("lost")))
        Pool.checkin(pool, a)
        Pool.checkin(pool, b)
        out["rows"] = rows(Pool.query(pool, f"SELECT v FROM {table}", L()))
        out["exec"] = unwrap(Pool.execute(pool, f"INSERT INTO {table} VALUES ($1), ($2)",
                                          L("x", "y")))
        out["err"] = error(Pool.query(pool, "SELECT * FROM no_such_table_here", L()))
        unwrap(Pool.execute(pool, f"DROP TABLE {table}", L()))
        Pool.close(pool)
        out["closed"] = error(Pool.checkout(pool))
        return out

    out = in_runtime(body)
    assert out["timeout"] == "pool checkout timeout"
    assert 0.25 < out["waited"] < 5
    assert out["rows"] == []
    assert out["exec"] == 2
    assert out["err"].startswith("42P01\t")
    assert out["closed"] == "pool is closed"


@pytest.mark.db
def test_pool_waiter_gets_connection_from_another_process(database_url):
    def body():
        pool = unwrap(Pool.open(database_url, 0, 1, 5000))
        conn = unwrap(Pool.checkout(pool))
        got = []

        def worker():
            r = Pool.query(pool, "SELECT 7::text AS n", L())
            got.append(rows(r))
        rt.spawn(worker)
        rt.sleep(200)
        assert got == []              # the worker is waiting for the only connection
        Pool.checkin(pool, conn)
        for _ in range(100):
            if got:
                break
            rt.sleep(20)
        Pool.close(pool)
        return got

    assert in_runtime(body) == [[{"n": "7"}]]


@pytest.mark.db
def test_pool_open_failure():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    e = in_runtime(lambda: error(Pool.open(f"postgres://u@127.0.0.1:{port}/d?sslmode=disable",
                                           1, 2, 100)))
    assert e.startswith("pool open: connection failed: ")


PG_PROGRAM = '''
struct Person do
  name :: String
  age :: Int
end deriving(Row)

fn run_db(url :: String) -> Int!String do
  let conn = Pg.connect(url)?
  let _ = Pg.execute(conn, "DROP TABLE IF EXISTS TBL_X", [])
  let created = Pg.execute(conn, "CREATE TABLE TBL_X (id SERIAL PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL)", [])?
  println("created: ${created}")
  let ins1 = Pg.execute(conn, "INSERT INTO TBL_X (name, age) VALUES ($1, $2)", ["Alice", "30"])?
  println("inserted: ${ins1}")
  let ins2 = Pg.execute(conn, "INSERT INTO TBL_X (name, age) VALUES ($1, $2)", ["Bob", "25"])?
  println("inserted: ${ins2}")
  let rows = Pg.query(conn, "SELECT id, name, age FROM TBL_X ORDER BY name", [])?
  List.map(rows, fn(row) do
    println(Map.get(row, "name") <> " is " <> Map.get(row, "age"))
  end)
  let filtered = Pg.query(conn, "SELECT name FROM TBL_X WHERE age > $1", ["26"])?
  List.map(filtered, fn(row) do
    println("older: " <> Map.get(row, "name"))
  end)
  let _ = Pg.execute(conn, "DROP TABLE TBL_X", [])?
  Pg.close(conn)
  Ok(0)
end

fn main() do
  case Env.get("MESH_TEST_DATABASE_URL") do
    Some(url) -> case run_db(url) do
      Ok(_) -> println("done")
      Err(msg) -> println("error: " <> msg)
    end
    None -> println("no url")
  end
end
'''


@pytest.mark.db
def test_pg_mesh_program(database_url, table, tmp_path):
    r = run_mesh_program(tmp_path, PG_PROGRAM.replace("TBL_X", table),
                         env={"MESH_TEST_DATABASE_URL": database_url})
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("created: 0\ninserted: 1\ninserted: 1\nAlice is 30\nBob is 25\n"
                        "older: Alice\ndone\n")


POOL_PROGRAM = '''
fn use_pool(pool) do
  let _ = Pool.execute(pool, "CREATE TABLE TBL_X (id SERIAL PRIMARY KEY, v TEXT NOT NULL)", [])
  let n = Pool.execute(pool, "INSERT INTO TBL_X (v) VALUES ($1), ($2)", ["a", "b"])
  case n do
    Ok(k) -> println("inserted ${k}")
    Err(e) -> println("insert failed: " <> e)
  end
  case Pool.query(pool, "SELECT v FROM TBL_X ORDER BY v", []) do
    Ok(rows) -> println(String.join(List.map(rows, fn(r) do Map.get(r, "v") end), ","))
    Err(e) -> println("query failed: " <> e)
  end
  case Pool.query(pool, "SELECT nope FROM TBL_X", []) do
    Ok(_) -> println("unexpected")
    Err(e) -> println("error " <> String.slice(e, 0, 5))
  end
  let _ = Pool.execute(pool, "DROP TABLE TBL_X", [])
  Pool.close(pool)
end

fn run(url :: String) do
  case Pool.open(url, 2, 4, 5000) do
    Ok(pool) -> use_pool(pool)
    Err(e) -> println("open failed: " <> e)
  end
end

fn main() do
  case Env.get("MESH_TEST_DATABASE_URL") do
    Some(url) -> run(url)
    None -> println("no url")
  end
end
'''


@pytest.mark.db
def test_pool_mesh_program(database_url, table, tmp_path):
    r = run_mesh_program(tmp_path, POOL_PROGRAM.replace("TBL_X", table),
                         env={"MESH_TEST_DATABASE_URL": database_url})
    assert r.returncode == 0, r.stderr
    assert r.stdout == "inserted 2\na,b\nerror 42703\n"
