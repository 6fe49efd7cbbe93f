"""Shared pytest fixtures for mesh_interp.

Environment variables (set by .ci/run; optional locally):
- MESH_TEST_DATABASE_URL: a PostgreSQL database the tests may use freely
  (postgres://user@host:port/db). Tests that need it use the
  `database_url` fixture or the `db` marker and skip without it.
- MESH_UPSTREAM: a checkout (or bare git directory) of the reference
  implementation, snowdamiz/mesh-lang. Tests that need it use the
  `upstream_dir` fixture or the `upstream` marker and skip without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PROGRAMS_DIR = REPO_ROOT / "programs"
SNAPSHOTS_DIR = REPO_ROOT / "tests" / "snapshots"

DB_SKIP_REASON = (
    "MESH_TEST_DATABASE_URL is not set: no PostgreSQL server for this run "
    "(.ci/run starts one from /usr/lib/postgresql/15/bin when it exists)"
)
UPSTREAM_SKIP_REASON = (
    "MESH_UPSTREAM is not set: the reference repository is not available"
)


@dataclass
class MeshResult:
    returncode: int
    stdout: str
    stderr: str


def run_mesh(
    *args: str,
    stdin: str | None = None,
    timeout: float = 120,
    cwd: Path | str = REPO_ROOT,
    env: dict[str, str] | None = None,
) -> MeshResult:
    """Run `python -m mesh_interp ARGS...` in a subprocess.

    stdin is /dev/null unless text is given. Output is decoded as UTF-8.
    """
    full_env = dict(os.environ)
    full_env.setdefault("PYTHONIOENCODING", "utf-8")
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [sys.executable, "-m", "mesh_interp", *args],
        input=stdin.encode() if stdin is not None else None,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        env=full_env,
    )
    return MeshResult(
        proc.returncode,
        proc.stdout.decode("utf-8", errors="replace"),
        proc.stderr.decode("utf-8", errors="replace"),
    )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def mesh():
    """The `run_mesh` helper, as a fixture."""
    return run_mesh


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("MESH_TEST_DATABASE_URL")
    if not url:
        pytest.skip(DB_SKIP_REASON)
    return url


@pytest.fixture(scope="session")
def upstream_dir() -> Path:
    path = os.environ.get("MESH_UPSTREAM")
    if not path or not Path(path).exists():
        pytest.skip(UPSTREAM_SKIP_REASON)
    return Path(path)


def pytest_collection_modifyitems(config, items):
    """Skip `db`/`upstream`-marked tests when their resource is missing."""
    have_db = bool(os.environ.get("MESH_TEST_DATABASE_URL"))
    upstream = os.environ.get("MESH_UPSTREAM")
    have_upstream = bool(upstream) and Path(upstream).exists()
    for item in items:
        if "db" in item.keywords and not have_db:
            item.add_marker(pytest.mark.skip(reason=DB_SKIP_REASON))
        if "upstream" in item.keywords and not have_upstream:
            item.add_marker(pytest.mark.skip(reason=UPSTREAM_SKIP_REASON))
