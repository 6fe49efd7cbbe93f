"""`mesh migrate`: up, status, down and generate against a real PostgreSQL."""
from __future__ import annotations

import os
import uuid

from conftest import run_mesh

MIGRATION = """
pub fn up(pool :: PoolHandle) -> Int!String do
  Pool.execute(pool, "CREATE TABLE {table} (id BIGINT PRIMARY KEY, note TEXT NOT NULL)", [])?
  Migration.create_table(pool, "{table}_b", ["id:BIGINT:PRIMARY KEY", "label:TEXT:NOT NULL"])?
  Ok(0)
end

pub fn down(pool :: PoolHandle) -> Int!String do
  Migration.drop_table(pool, "{table}_b")?
  Pool.execute(pool, "DROP TABLE {table}", [])?
  Ok(0)
end
"""


def migrate(tmp_path, url, *args):
    env = dict(os.environ, DATABASE_URL=url)
    return run_mesh("migrate", *args, str(tmp_path), env=env, timeout=120)


def test_migrate_up_status_down(tmp_path, database_url):
    table = "mig_" + uuid.uuid4().hex[:8]
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "20260101000000_create_notes.mpl").write_text(
        MIGRATION.replace("{table}", table))

    r = migrate(tmp_path, database_url, "status")
    assert r.returncode == 0, r.stderr
    assert "  [ ] 20260101000000_create_notes" in r.stderr

    r = migrate(tmp_path, database_url, "up")
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [
        "Running 1 pending migration(s):",
        "  Applying: 20260101000000_create_notes",
        "  Applied:  20260101000000_create_notes",
        "Applied 1 migration(s)",
    ]
    r = migrate(tmp_path, database_url, "up")
    assert r.stderr.strip() == "No pending migrations"

    r = migrate(tmp_path, database_url, "down")
    assert r.returncode == 0, r.stderr
    assert "Rolled back: 20260101000000_create_notes" in r.stderr
    r = migrate(tmp_path, database_url, "status")
    assert "0 applied, 1 pending" in r.stderr


def test_migrate_requires_database_url(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    r = run_mesh("migrate", str(tmp_path), env=env)
    assert r.returncode == 1
    assert "DATABASE_URL environment variable is required" in r.stderr


def test_migrate_generate(tmp_path):
    r = run_mesh("migrate", "generate", "add_users", str(tmp_path))
    assert r.returncode == 0, r.stderr
    files = list((tmp_path / "migrations").glob("*_add_users.mpl"))
    assert len(files) == 1
    assert "pub fn up(pool :: PoolHandle) -> Int!String" in files[0].read_text()
    r = run_mesh("migrate", "generate", "Bad-Name", str(tmp_path))
    assert r.returncode == 1
