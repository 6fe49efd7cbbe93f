"""Helpers for tests/test_mesher.py (and bench/mesher): a private database on
the test PostgreSQL server, a mesher subprocess, and plain HTTP requests."""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
MESHER_MAIN = REPO_ROOT / "mesher" / "main.mpl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def run_sql(url: str, sql: str, *args, fetch: bool = True):
    """One statement on a fresh asyncpg connection; rows as dicts."""
    import asyncpg

    async def go():
        conn = await asyncpg.connect(url)
        try:
            if fetch:
                return [dict(r) for r in await conn.fetch(sql, *args)]
            await conn.execute(sql, *args)
            return None
        finally:
            await conn.close()
    return asyncio.run(go())


class TempDatabase:
    """A database of its own on the server of `admin_url`, dropped at close()."""

    def __init__(self, admin_url: str, prefix: str = "mesher_t"):
        self.admin_url = admin_url
        self.name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
        run_sql(admin_url, f'CREATE DATABASE "{self.name}"', fetch=False)
        self.url = with_database(admin_url, self.name)

    def sql(self, sql: str, *args):
        return run_sql(self.url, sql, *args)

    def close(self) -> None:
        try:
            run_sql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
                    fetch=False)
        except Exception:
            pass


def new_project(db: TempDatabase, name: str = "p") -> tuple[str, str]:
    """(project_id, api_key) of a new project with one live key."""
    key = "key-" + secrets.token_hex(8)
    rows = db.sql("WITH p AS (INSERT INTO projects (name) VALUES ($1) RETURNING id) "
                  "INSERT INTO api_keys (project_id, key_value) SELECT id, $2 FROM p "
                  "RETURNING project_id::text AS id", name, key)
    return rows[0]["id"], key


class Mesher:
    """`python -m mesh_interp run mesher/main.mpl` with its own ports."""

    def __init__(self, database_url: str, env: dict | None = None, start_timeout: float = 90):
        self.http_port = free_port()
        self.ws_port = free_port()
        full = dict(os.environ)
        full["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full.get("PYTHONPATH", "")
        full.update({
            "DATABASE_URL": database_url,
            "MESHER_HTTP_PORT": str(self.http_port),
            "MESHER_WS_PORT": str(self.ws_port),
        })
        full.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mesh_interp", "run", str(MESHER_MAIN)],
            cwd=REPO_ROOT, env=full, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: list[str] = []          # stdout and stderr, in arrival order
        self._lock = threading.Lock()
        self._ready = threading.Event()
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()
        if not self._ready.wait(start_timeout) or self.proc.poll() is not None:
            self.stop()
            raise AssertionError("mesher did not start:\n" + self.output())

    def _pump(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self.lines.append(line)
            if "HTTP server listening on" in line:
                self._ready.set()
        self._ready.set()

    def output(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def wait_output(self, text: str, timeout: float = 10.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.output():
                return True
            time.sleep(0.02)
        return False

    def request(self, method: str, path: str, body: str | bytes = b"", headers=None,
                timeout: float = 30.0):
        return http_request(self.http_port, method, path, body, headers, timeout)

    def post_event(self, key: str | None, event, path: str = "/api/v1/events"):
        body = event if isinstance(event, (str, bytes)) else json.dumps(event)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return self.request("POST", path, body, headers)

    def terminate(self, sig=signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout: float = 60) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Response:
    def __init__(self, status: int, headers: dict, body: str):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<{self.status} {self.body[:200]!r}>"


def http_request(port: int, method: str, path: str, body=b"", headers=None,
                 timeout: float = 30.0) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, path, body=data, headers=dict(headers or {}))
        r = conn.getresponse()
        return Response(r.status, {k: v for k, v in r.getheaders()},
                        r.read().decode("utf-8", "replace"))
    finally:
        conn.close()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll until predicate() is truthy; its last value."""
    end = time.monotonic() + timeout
    while True:
        v = predicate()
        if v or time.monotonic() >= end:
            return v
        time.sleep(interval)
