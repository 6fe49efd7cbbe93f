"""The services .ci/run provides are usable (skips when they are absent)."""

from __future__ import annotations

import asyncio

import pytest


@pytest.mark.db
def test_database_accepts_queries(database_url):
    asyncpg = pytest.importorskip("asyncpg")

    async def roundtrip():
        conn = await asyncpg.connect(database_url, timeout=10)
        try:
            await conn.execute("CREATE TEMP TABLE ci_probe (n int)")
            await conn.execute("INSERT INTO ci_probe VALUES (41)")
            return await conn.fetchval("SELECT n + 1 FROM ci_probe")
        finally:
            await conn.close()

    assert asyncio.run(roundtrip()) == 42


@pytest.mark.upstream
def test_upstream_reference_is_readable(upstream_dir):
    assert upstream_dir.is_dir()
