"""ORM natives (stdlib.md §14.5): the SQL text of Orm/Query/Repo/Migration
(which must match the reference byte for byte), Changeset validation, and
Repo/Migration against the PostgreSQL server given by
MESH_TEST_DATABASE_URL (skipped without it)."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from mesh_interp import runtime as rt
from mesh_interp.eval.collections import MeshList, MeshMap
from mesh_interp.eval.values import Variant, err, ok
from mesh_interp.natives import changeset as C
from mesh_interp.natives import migration as M
from mesh_interp.natives import orm as O
from mesh_interp.natives import pool as Pool
from mesh_interp.natives import query as Q
from mesh_interp.natives import repo as R

REPO_ROOT = Path(__file__).resolve().parent.parent


def L(*xs):
    return MeshList.from_iterable(xs)


def Map(**kv):
    return MeshMap.from_pairs(kv.items())


def unwrap(r):
    assert type(r) is Variant and r.info.name == "Ok", r
    return r.args[0]


def error(r):
    assert type(r) is Variant and r.info.name == "Err", r
    return r.args[0]


# ---------------------------------------------------------------- Orm builders

def test_orm_build_select():
    assert O.build_select("users", L(), L(), L(), -1, -1) == 'SELECT * FROM "users"'
    assert O.build_select("users", L("id", "e\"x"), L("age >", "name", "deleted_at IS NULL"),
                          L("name desc", "id"), 5, 10) == \
        'SELECT "id", "e""x" FROM "users" WHERE "age" > $1 AND "name" = $2 AND ' \
        '"deleted_at" IS NULL ORDER BY "name" DESC, "id" ASC LIMIT 5 OFFSET 10'
    # select columns are always quoted, even `*`
    assert O.build_select("t", L("*"), L(), L(), 0, -1) == 'SELECT "*" FROM "t" LIMIT 0'


def test_orm_build_insert_update_delete():
    assert O.build_insert("users", L("name", "email"), L("*")) == \
        'INSERT INTO "users" ("name", "email") VALUES ($1, $2) RETURNING *'
    assert O.build_insert("users", L("a"), L()) == 'INSERT INTO "users" ("a") VALUES ($1)'
    assert O.build_update("users", L("a", "b"), L("id =", "x IS NOT NULL", "org_id"),
                          L("id", "a")) == \
        'UPDATE "users" SET "a" = $1, "b" = $2 WHERE "id" = $3 AND "x" IS NOT NULL ' \
        'AND "org_id" = $4 RETURNING "id", "a"'
    assert O.build_delete("users", L(), L()) == 'DELETE FROM "users"'
    assert O.build_delete("users", L("id =", "v <"), L("*")) == \
        'DELETE FROM "users" WHERE "id" = $1 AND "v" < $2 RETURNING *'


# ---------------------------------------------------------------- Query rendering

def test_query_select_all_clauses_in_order():
    q = Q.from_("events")
    q = Q.select(q, L("id", "level"))
    q = Q.select_raw(q, L("count(*) AS n"))
    q = Q.join(q, "left", "issues", "issues.id = events.issue_id")
    q = Q.where(q, "project_id", "p1")
    q = Q.where_op(q, "level", "neq", "debug")
    q = Q.where_in(q, "kind", L("a", "b", "c"))
    q = Q.where_null(q, "deleted_at")
    q = Q.where_raw(q, "received_at > now() - ? * interval '1 day' OR x = ?", L("7", "y"))
    q = Q.group_by(q, "level")
    q = Q.group_by(q, "id")
    q = Q.having(q, "count(*) >", "5")
    q = Q.fragment(q, "FOR UPDATE SKIP LOCKED -- ?", L("f"))
    q = Q.order_by(q, "received_at", "desc")
    q = Q.order_by(q, "id", "sideways")
    q = Q.limit(q, 50)
    q = Q.offset(q, 100)
    sql, params = R._select_sql(Q._q(q))
    assert sql == (
        'SELECT "id", "level", count(*) AS n FROM "events" '
        'LEFT JOIN "issues" ON issues.id = events.issue_id '
        'WHERE "project_id" = $1 AND "level" != $2 AND "kind" IN ($3, $4, $5) AND '
        '"deleted_at" IS NULL AND received_at > now() - $6 * interval \'1 day\' OR x = $7 '
        'GROUP BY "level", "id" HAVING count(*) > $8 FOR UPDATE SKIP LOCKED -- $9 '
        'ORDER BY "received_at" DESC, "id" ASC LIMIT 50 OFFSET 100')
    assert params == ["p1", "debug", "a", "b", "c", "7", "y", "5", "f"]
    count_sql, count_params = R._count_sql(Q._q(q))
    assert count_sql.startswith('SELECT COUNT(*) FROM "events" LEFT JOIN "issues" ON ')
    assert count_sql.endswith('HAVING count(*) > $8 FOR UPDATE SKIP LOCKED -- $9')
    assert count_params == params
    exists_sql, exists_params = R._exists_sql(Q._q(q))
    assert exists_sql.startswith('SELECT EXISTS(SELECT 1 FROM "events" LEFT JOIN')
    assert exists_sql.endswith("OR x = $7 LIMIT 1)")
    assert exists_params == params[:7]


def test_query_is_immutable_and_defaults():
    base = Q.from_("users")
    a = Q.where(base, "name", "Alice")
    b = Q.limit(base, 3)
    assert R._select_sql(Q._q(base)) == ('SELECT * FROM "users"', [])
    assert R._select_sql(Q._q(a)) == ('SELECT * FROM "users" WHERE "name" = $1', ["Alice"])
    assert R._select_sql(Q._q(b)) == ('SELECT * FROM "users" LIMIT 3', [])
    assert R._select_sql(Q._q(b), limit=1)[0] == 'SELECT * FROM "users" LIMIT 1'
    for op, sql_op in (("eq", "="), ("lt", "<"), ("gt", ">"), ("lte", "<="), ("gte", ">="),
                       ("like", "LIKE"), ("whatever", "=")):
        assert R._select_sql(Q._q(Q.where_op(base, "f", op, "v")))[0] == \
            f'SELECT * FROM "users" WHERE "f" {sql_op} $1'
    assert R._select_sql(Q._q(Q.join(base, "weird", "t", "on")))[0] == \
        'SELECT * FROM "users" INNER JOIN "t" ON on'
    assert R._select_sql(Q._q(Q.where_not_null(base, "x")))[0] == \
        'SELECT * FROM "users" WHERE "x" IS NOT NULL'


def test_query_where_update_delete_where_sql():
    q = Q.where_in(Q.where(Q.from_("t"), "org", "o1"), "id", L("1", "2"))
    cond, params, nxt = R._where(Q._q(q).wheres, Q._q(q).where_params, 3)
    assert (cond, params, nxt) == ('"org" = $3 AND "id" IN ($4, $5)', ["o1", "1", "2"], 6)


def test_migration_sql():
    assert M._create_table_sql("users", ["id:UUID:PRIMARY KEY DEFAULT gen_random_uuid()",
                                         "name:TEXT", "UNIQUE (name)"]) == \
        'CREATE TABLE IF NOT EXISTS "users" ("id" UUID PRIMARY KEY DEFAULT ' \
        'gen_random_uuid(), "name" TEXT, UNIQUE (name))'
    assert M._add_column_sql("users", "age:INTEGER:NOT NULL DEFAULT 0") == \
        'ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "age" INTEGER NOT NULL DEFAULT 0'
    assert M._add_column_sql("users", "age:INTEGER") == \
        'ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "age" INTEGER'
    assert M._add_column_sql("users", "raw_def") == 'ALTER TABLE "users" ADD COLUMN raw_def'
    assert M._create_index_sql("events", ["project_id", "received_at"],
                               "unique:true where: deleted_at IS NULL ") == \
        'CREATE UNIQUE INDEX IF NOT EXISTS "idx_events_project_id_received_at" ON "events" ' \
        '("project_id", "received_at") WHERE deleted_at IS NULL'
    assert M._create_index_sql("e", ["a"], "") == \
        'CREATE INDEX IF NOT EXISTS "idx_e_a" ON "e" ("a")'


# ---------------------------------------------------------------- Changeset

def test_changeset_cast_and_validators():
    params = Map(name="Al", email="al-at-example", role="boss", age="17", extra="x")
    cs = C.cast(Map(), params, L("name", "email", "role", "age", "missing"))
    assert list(C.changes(cs).keys()) == ["name", "email", "role", "age"]
    assert C.valid(cs) is True
    cs = C.validate_required(cs, L("name", "missing"))
    cs = C.validate_length(cs, "name", 3, -1)
    cs = C.validate_format(cs, "email", "@")
    cs = C.validate_inclusion(cs, "role", L("admin", "member"))
    cs = C.validate_number(cs, "age", -1, -1, 18, -1)
    assert C.valid(cs) is False
    assert dict(C.errors(cs).items()) == {
        "missing": "can't be blank", "name": "should be at least 3 character(s)",
        "email": "has invalid format", "role": "is invalid",
        "age": "must be greater than or equal to 18"}
    assert C.get_change(cs, "name") == "Al" and C.get_change(cs, "nope") == ""
    assert C.get_error(cs, "role") == "is invalid" and C.get_error(cs, "nope") == ""
    # first error per field wins; validators never short-circuit
    cs2 = C.validate_length(C.validate_required(cs, L("name")), "name", -1, 1)
    assert C.get_error(cs2, "name") == "should be at least 3 character(s)"


def test_changeset_required_uses_data_and_numbers():
    cs = C.cast(Map(name="stored"), Map(name=""), L("name"))
    assert C.get_error(C.validate_required(cs, L("name")), "name") == "can't be blank"
    cs = C.cast(Map(name="stored"), Map(), L("name"))
    assert C.valid(C.validate_required(cs, L("name")))
    for value, args, msg in (("abc", (-1, -1, -1, -1), "is not a number"),
                             ("0", (0, -1, -1, -1), "must be greater than 0"),
                             ("10", (-1, 10, -1, -1), "must be less than 10"),
                             ("11", (-1, -1, -1, 10), "must be less than or equal to 10"),
                             (" 5 ", (-1, -1, -1, -1), "")):
        cs = C.validate_number(C.cast(Map(), Map(n=value), L("n")), "n", *args)
        assert C.get_error(cs, "n") == msg
    cs = C.validate_length(C.cast(Map(), Map(s="héllo"), L("s")), "s", -1, 5)
    assert C.get_error(cs, "s") == "should be at most 5 character(s)"     # bytes, not chars


def test_changeset_cast_with_types():
    params = Map(age=" 42 ", score="1e3", ok="YES", bad="x", name="n", half="0.5",
                 big="1e21", other="q")
    cs = C.cast_with_types(Map(), params, L("age", "score", "ok", "bad", "name", "half", "big",
                                            "other"),
                           L("age:BIGINT", "score:DOUBLE PRECISION", "ok:BOOLEAN", "bad:BIGINT",
                             "name:TEXT", "half:DOUBLE PRECISION", "big:DOUBLE PRECISION",
                             "other:UUID"))
    assert dict(C.changes(cs).items()) == {"age": "42", "score": "1000", "ok": "true",
                                           "name": "n", "half": "0.5",
                                           "big": "1000000000000000000000", "other": "q"}
    assert dict(C.errors(cs).items()) == {"bad": "is invalid"}
    assert C.valid(cs) is False


def test_constraint_error_mapping():
    assert R._constraint_error("23505\tusers_email_key\tusers\t\tdup") == \
        ("email", "has already been taken")
    assert R._constraint_error("23503\tposts_user_id_fkey\tposts\t\tfk") == \
        ("user_id", "does not exist")
    assert R._constraint_error("23505\tusers_pkey\tusers\t\tdup") == \
        ("_base", "has already been taken")
    assert R._constraint_error("23502\t\tusers\tname\tnull") == ("name", "can't be blank")
    assert R._constraint_error("42P01\t\t\t\tmissing") is None
    assert R._constraint_error("plain text") is None


# ---------------------------------------------------------------- live database

def in_runtime(fn):
    box = {}

    def main():
        box["v"] = fn()
    assert rt.run_main(main) == 0
    return box["v"]


def rowd(m):
    return dict(m.items())


@pytest.mark.db
def test_repo_and_migration_against_postgres(database_url):
    users = "mesh_u_" + uuid.uuid4().hex[:8]
    posts = "mesh_p_" + uuid.uuid4().hex[:8]

    def body():
        pool = unwrap(Pool.open(database_url, 1, 3, 2000))
        out = {}
        out["create"] = M.create_table(pool, users, L(
            "id:BIGSERIAL:PRIMARY KEY", "name:TEXT:NOT NULL", "email:TEXT:UNIQUE",
            "age:INTEGER"))
        unwrap(M.create_table(pool, posts, L("id:BIGSERIAL:PRIMARY KEY", "title:TEXT",
                                             f"user_id:BIGINT:REFERENCES {users}(id)")))
        unwrap(M.add_column(pool, users, "note:TEXT"))
        unwrap(M.rename_column(pool, users, "note", "bio"))
        unwrap(M.drop_column(pool, users, "bio"))
        unwrap(M.create_index(pool, users, L("name"), ""))
        unwrap(M.drop_index(pool, users, L("name")))
        alice = unwrap(R.insert(pool, users, MeshMap.from_pairs(
            [("name", "Alice"), ("email", "a@x"), ("age", "30")])))
        bob = unwrap(R.insert(pool, users, MeshMap.from_pairs(
            [("name", "Bob"), ("email", "b@x"), ("age", "25")])))
        out["alice"] = rowd(alice)
        out["insert_empty"] = error(R.insert(pool, users, MeshMap()))
        out["get"] = rowd(unwrap(R.get(pool, users, alice["id"])))
        out["get_missing"] = error(R.get(pool, users, "999999"))
        out["get_by"] = rowd(unwrap(R.get_by(pool, users, "email", "b@x")))
        q = Q.order_by(Q.from_(users), "name", "desc")
        out["all"] = [r["name"] for r in unwrap(R.all(pool, q))]
        out["one"] = unwrap(R.one(pool, Q.where_op(Q.from_(users), "age", "gt", "26")))["name"]
        out["one_missing"] = error(R.one(pool, Q.where(Q.from_(users), "name", "Zed")))
        out["count"] = unwrap(R.count(pool, Q.from_(users)))
        out["exists"] = unwrap(R.exists(pool, Q.where(Q.from_(users), "name", "Bob")))
        out["not_exists"] = unwrap(R.exists(pool, Q.where(Q.from_(users), "name", "Zed")))
        out["update"] = rowd(unwrap(R.update(pool, users, bob["id"], Map(age="26"))))
        out["update_missing"] = error(R.update(pool, users, "999999", Map(age="1")))
        out["update_where"] = rowd(unwrap(R.update_where(
            pool, users, Map(age="31"), Q.where(Q.from_(users), "name", "Alice"))))
        out["update_where_nowhere"] = error(R.update_where(pool, users, Map(age="1"),
                                                           Q.from_(users)))
        for t in ("p1", "p2"):
            unwrap(R.insert(pool, posts, MeshMap.from_pairs([("title", t),
                                                             ("user_id", alice["id"])])))
        rel = L(f"has_many:posts:Post:user_id:{posts}")
        rows = unwrap(R.all(pool, Q.order_by(Q.from_(users), "name", "asc")))
        loaded = unwrap(R.preload(pool, rows, L("posts"), rel))
        out["preload"] = [(r["name"], sorted(p["title"] for p in r["posts"])) for r in loaded]
        prel = L(f"belongs_to:owner:User:user_id:{users}")
        prows = unwrap(R.all(pool, Q.from_(posts)))
        out["belongs_to"] = sorted(r["owner"]["name"] for r in
                                   unwrap(R.preload(pool, prows, L("owner"), prel)))
        out["raw"] = [rowd(r) for r in unwrap(R.query_raw(
            pool, f"SELECT count(*)::text AS n FROM {users} WHERE age > $1", L("20")))]
        out["exec_raw"] = unwrap(R.execute_raw(pool, f"UPDATE {users} SET age = age", L()))

        # transactions through the pool
        def tx_ok(conn):
            from mesh_interp.natives import pg as Pg
            unwrap(Pg.execute(conn, f"INSERT INTO {users} (name) VALUES ($1)", L("Tx")))
            return ok("done")

        def tx_err(conn):
            from mesh_interp.natives import pg as Pg
            unwrap(Pg.execute(conn, f"INSERT INTO {users} (name) VALUES ($1)", L("Rolled")))
            return err("no")
        out["tx_ok"] = R.transaction(pool, tx_ok)
        out["tx_err"] = R.transaction(pool, tx_err)
        out["names_after_tx"] = sorted(r["name"] for r in unwrap(R.all(pool, Q.from_(users))))

        # changesets
        cs = C.validate_required(C.cast(Map(), Map(name="Carol", email="a@x"),
                                        L("name", "email")), L("name"))
        dup = error(R.insert_changeset(pool, users, cs))
        out["dup_errors"] = dict(C.errors(dup).items())
        bad = C.validate_required(C.cast(Map(), Map(email="c@x"), L("name", "email")),
                                  L("name"))
        out["invalid_passthrough"] = error(R.insert_changeset(pool, users, bad)) is bad
        good = C.cast(Map(), Map(name="Dan", email="d@x"), L("name", "email"))
        dan = unwrap(R.insert_changeset(pool, users, good))
        out["dan"] = dan["name"]
        upd = C.cast(Map(), Map(email="b@x"), L("email"))
        out["upd_dup"] = dict(C.errors(error(R.update_changeset(pool, users, dan["id"],
                                                                upd))).items())
        out["delete"] = rowd(unwrap(R.delete(pool, users, dan["id"])))["name"]
        out["delete_missing"] = error(R.delete(pool, users, dan["id"]))
        out["delete_where_nowhere"] = error(R.delete_where(pool, users, Q.from_(users)))
        unwrap(M.drop_table(pool, posts))
        out["delete_where"] = unwrap(R.delete_where(pool, users,
                                                    Q.where(Q.from_(users), "name", "Tx")))
        out["drop"] = M.drop_table(pool, users)
        out["migration_error"] = error(M.execute(pool, "CREATE TABLE"))
        Pool.close(pool)
        return out

    out = in_runtime(body)
    assert out["create"].args == (0,)
    assert out["alice"]["name"] == "Alice" and out["alice"]["age"] == "30"
    assert out["insert_empty"] == "insert: no fields provided"
    assert out["get"]["email"] == "a@x"
    assert out["get_missing"] == "not found"
    assert out["get_by"]["name"] == "Bob"
    assert out["all"] == ["Bob", "Alice"]
    assert out["one"] == "Alice" and out["one_missing"] == "not found"
    assert (out["count"], out["exists"], out["not_exists"]) == (2, True, False)
    assert out["update"]["age"] == "26"
    assert out["update_missing"] == "update: no row returned (id not found)"
    assert out["update_where"]["age"] == "31"
    assert out["update_where_nowhere"] == "update_where: no WHERE conditions"
    assert out["preload"] == [("Alice", ["p1", "p2"]), ("Bob", [])]
    assert out["belongs_to"] == ["Alice", "Alice"]
    assert out["raw"] == [{"n": "2"}]
    assert out["exec_raw"] == 2
    assert out["tx_ok"].args == ("done",) and out["tx_err"].args == ("no",)
    assert out["names_after_tx"] == ["Alice", "Bob", "Tx"]
    assert out["dup_errors"] == {"email": "has already been taken"}
    assert out["invalid_passthrough"] is True
    assert out["dan"] == "Dan"
    assert out["upd_dup"] == {"email": "has already been taken"}
    assert out["delete"] == "Dan"
    assert out["delete_missing"] == "delete: no row returned (id not found)"
    assert out["delete_where_nowhere"] == "delete_where: no WHERE conditions"
    assert out["delete_where"] == 1
    assert out["drop"].args == (0,)
    assert out["migration_error"].startswith("42601\t")


# ---------------------------------------------------------------- Mesh programs

ORM_PROGRAM = '''
fn main() do
  println(Orm.build_select("users", ["id", "name"], ["name =", "age >"], ["name desc"], 10, 5))
  println(Orm.build_insert("users", ["name", "email"], ["*"]))
  println(Orm.build_update("users", ["name"], ["id ="], ["id"]))
  println(Orm.build_delete("users", ["id ="], []))
  let base = Query.from("events")
  let q = base
    |> Query.where(:project_id, "p1")
    |> Query.where_op(:level, :neq, "debug")
    |> Query.order_by(:received_at, :desc)
    |> Query.limit(20)
  let cs = Changeset.cast(%{}, %{"name" => "", "age" => "x"}, [:name, :age])
    |> Changeset.validate_required([:name])
    |> Changeset.validate_number(:age, -1, -1, -1, -1)
  if Changeset.valid(cs) do
    println("valid")
  else
    println("errors: " <> Changeset.get_error(cs, :name) <> " / " <> Changeset.get_error(cs, :age))
  end
end
'''


def test_orm_mesh_program(tmp_path):
    (tmp_path / "main.mpl").write_text(ORM_PROGRAM)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "mesh_interp", "run", "main.mpl"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120, env=env,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        'SELECT "id", "name" FROM "users" WHERE "name" = $1 AND "age" > $2 '
        'ORDER BY "name" DESC LIMIT 10 OFFSET 5',
        'INSERT INTO "users" ("name", "email") VALUES ($1, $2) RETURNING *',
        'UPDATE "users" SET "name" = $1 WHERE "id" = $2 RETURNING "id"',
        'DELETE FROM "users" WHERE "id" = $1',
        "errors: can't be blank / is not a number",
    ]
