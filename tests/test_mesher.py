"""mesher end to end: the real service (`mesh run mesher/main.mpl`) as a
subprocess against a database of its own on MESH_TEST_DATABASE_URL's server,
driven over real HTTP and WebSocket connections.

Three mesher instances, each configured through the environment:
  * `steady`: 60 s window of 100 events, writes only by size (the flush
    timer is 10 minutes): auth, limits, 429 + Retry-After: 60, bulk rows,
    the size trigger;
  * `quick`: 1 s window of 5 events, 1 s flush timer, fast retries, a short
    health-check period and the debug routes: window reset, timer trigger,
    WebSocket, crash isolation, retries, dead letters;
  * one started by the SIGTERM test itself.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import DB_SKIP_REASON
from mesher_support import (REPO_ROOT, Mesher, TempDatabase, free_port, http_request,
                            new_project, run_sql, wait_until)

PG_BIN = Path(os.environ.get("MESHER_PG_BIN", "/usr/lib/postgresql/15/bin"))


@pytest.fixture(scope="module")
def db():
    if not os.environ.get("MESH_TEST_DATABASE_URL"):
        pytest.skip(DB_SKIP_REASON)
    d = TempDatabase(os.environ["MESH_TEST_DATABASE_URL"])
    yield d
    d.close()


@pytest.fixture(scope="module")
def steady(db):
    m = Mesher(db.url, {"MESHER_RATE_LIMIT": "100", "MESHER_FLUSH_INTERVAL_MS": "600000"})
    yield m
    m.stop()


@pytest.fixture(scope="module")
def dead_letter_path(tmp_path_factory):
    return tmp_path_factory.mktemp("mesher") / "dead.jsonl"


@pytest.fixture(scope="module")
def quick(db, steady, dead_letter_path):
    # `steady` first: it creates the schema.
    m = Mesher(db.url, {
        "MESHER_RATE_WINDOW_SECONDS": "1", "MESHER_RATE_LIMIT": "5",
        "MESHER_FLUSH_INTERVAL_MS": "1000", "MESHER_RETRY_BASE_MS": "100",
        "MESHER_HEALTH_INTERVAL_MS": "300", "MESHER_DEBUG_ROUTES": "1",
        "MESHER_DEAD_LETTER_FILE": str(dead_letter_path),
    })
    yield m
    m.stop()


def count_rows(db, project_id: str) -> int:
    return db.sql("SELECT count(*)::int AS n FROM events WHERE project_id = $1::uuid",
                  project_id)[0]["n"]


def rows_reach(db, project_id: str, n: int, timeout: float = 10.0) -> int:
    wait_until(lambda: count_rows(db, project_id) >= n, timeout)
    return count_rows(db, project_id)


# ---------------------------------------------------------------- authentication

def test_missing_unknown_and_revoked_keys_are_401(db, steady):
    _, key = new_project(db)
    r = steady.post_event(None, {"message": "no key"})
    assert (r.status, r.json()) == (401, {"error": "unauthorized"})
    r = steady.post_event("no-such-key", {"message": "unknown"})
    assert (r.status, r.json()) == (401, {"error": "unauthorized"})
    db.sql("UPDATE api_keys SET revoked_at = now() WHERE key_value = $1", key)
    r = steady.post_event(key, {"message": "revoked"})
    assert (r.status, r.json()) == (401, {"error": "unauthorized"})
    r = steady.request("POST", "/api/v1/events/bulk", "[]")
    assert r.status == 401


def test_key_headers_accepted(db, steady):
    _, key = new_project(db)
    body = json.dumps({"message": "hi"})
    for headers in ({"x-sentry-auth": key},
                    {"X-Sentry-Auth": f"Sentry sentry_key={key}, sentry_version=7"},
                    {"authorization": key},
                    {"Authorization": f"Bearer {key}"}):
        r = steady.request("POST", "/api/v1/events", body, headers)
        assert (r.status, r.json()) == (202, {"status": "accepted"}), headers


# ---------------------------------------------------------------- 400s

def test_bodies_that_are_not_json_objects_are_400(db, steady):
    _, key = new_project(db)
    for body in ("[1, 2]", '"text"', "42", "not json", "", "{\"message\": ", "null"):
        r = steady.post_event(key, body)
        assert r.status == 400, (body, r)
        assert r.json()["error"], r
    r = steady.post_event(key, {"message": "m", "level": "catastrophic"})
    assert r.status == 400 and "invalid level" in r.json()["error"]
    r = steady.post_event(key, {"message": 12})
    assert r.status == 400 and "expected String" in r.json()["error"]


def test_size_limits_are_400(db, steady):
    _, key = new_project(db)
    big = json.dumps({"message": "x" * (1024 * 1024)})
    r = steady.post_event(key, big)
    assert r.status == 400 and "payload too large" in r.json()["error"]
    # the limit counts bytes: 600,000 two-byte characters are over 1 MiB
    wide = json.dumps({"message": "é" * 600_000}, ensure_ascii=False)
    r = steady.post_event(key, wide.encode())
    assert r.status == 400 and "payload too large" in r.json()["error"]
    ok = json.dumps({"message": "x" * (1024 * 1024 - 100)})
    assert steady.post_event(key, ok).status == 202
    bulk = json.dumps([{"message": "y" * 1024 * 1024}] * 5)
    r = steady.post_event(key, bulk, path="/api/v1/events/bulk")
    assert r.status == 400 and "payload too large" in r.json()["error"]


def test_bad_bulk_bodies_are_400_and_store_nothing(db, steady):
    project, key = new_project(db)
    for body in ('{"message": "not an array"}', "[1, 2", "[]", '[{"message": "a"}, 7]'):
        r = steady.post_event(key, body, path="/api/v1/events/bulk")
        assert r.status == 400, (body, r)
    r = steady.post_event(key, [{"message": "a"}, {"level": "bogus"}], path="/api/v1/events/bulk")
    assert r.status == 400 and r.json()["error"].startswith("event 1:")
    time.sleep(0.3)
    assert count_rows(db, project) == 0


# ---------------------------------------------------------------- rate limits

def test_rate_limit_429_with_retry_after_window(db, steady):
    _, key = new_project(db)
    r = steady.post_event(key, [{"message": f"e{i}"} for i in range(99)],
                          path="/api/v1/events/bulk")
    assert (r.status, r.json()) == (202, {"status": "accepted", "count": 99})
    r = steady.post_event(key, [{"message": "x"}, {"message": "y"}], path="/api/v1/events/bulk")
    assert r.status == 429                        # the bulk counts per event: 99 + 2 > 100
    assert steady.post_event(key, {"message": "100th"}).status == 202
    r = steady.post_event(key, {"message": "101st"})
    assert r.status == 429
    assert r.json() == {"error": "rate limited"}
    assert r.headers.get("Retry-After") == "60"
    # other projects have their own window
    _, other = new_project(db)
    assert steady.post_event(other, {"message": "fine"}).status == 202


def test_window_resets(db, quick):
    _, key = new_project(db)
    # fill a window with one bulk of 5, then one more event is over the limit
    # (retried in the rare case a new window began between the two requests)
    limited = None
    for _ in range(5):
        bulk = quick.post_event(key, [{"message": f"w{i}"} for i in range(5)],
                                path="/api/v1/events/bulk")
        if bulk.status != 202:
            time.sleep(0.3)
            continue
        r = quick.post_event(key, {"message": "over"})
        if r.status == 429:
            limited = r
            break
    assert limited is not None
    assert limited.headers.get("Retry-After") == "1"        # the window length
    # a new window admits events again
    assert wait_until(lambda: quick.post_event(key, {"message": "again"}).status == 202, 4)


# ---------------------------------------------------------------- storage

def test_bulk_events_become_rows_by_size(db, steady):
    project, key = new_project(db)
    events = [{"message": f"bulk {i}", "level": "warning", "extra": {"i": i}} for i in range(50)]
    r = steady.post_event(key, events, path="/api/v1/events/bulk")
    assert (r.status, r.json()) == (202, {"status": "accepted", "count": 50})
    assert rows_reach(db, project, 50, 10) == 50    # the size trigger (the timer is 10 min)
    rows = db.sql("SELECT message, level, payload::text AS payload FROM events "
                  "WHERE project_id = $1::uuid ORDER BY id", project)
    assert [r["message"] for r in rows] == [f"bulk {i}" for i in range(50)]
    assert {r["level"] for r in rows} == {"warning"}
    assert json.loads(rows[7]["payload"]) == events[7]
    issues = db.sql("SELECT count(*)::int AS n, sum(event_count)::int AS total FROM issues "
                    "WHERE project_id = $1::uuid", project)[0]
    assert issues == {"n": 50, "total": 50}


def test_size_trigger_writes_at_fifty(db, steady):
    project, key = new_project(db)
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda i: steady.post_event(key, {"message": "same"}).status,
                              range(49)))
    assert codes == [202] * 49
    time.sleep(0.5)
    assert count_rows(db, project) == 0               # still buffered
    assert steady.post_event(key, {"message": "same"}).status == 202
    assert rows_reach(db, project, 50, 10) == 50
    issue = db.sql("SELECT title, event_count::int AS n FROM issues WHERE project_id = $1::uuid",
                   project)
    assert issue == [{"title": "same", "n": 50}]      # one fingerprint, counted per event


def test_timer_trigger_writes_a_small_batch(db, quick):
    project, key = new_project(db)
    for i in range(3):
        assert quick.post_event(key, {"message": f"t{i}", "level": "info"}).status == 202
    start = time.monotonic()
    assert rows_reach(db, project, 3, 5) == 3
    assert time.monotonic() - start < 3.0


# ---------------------------------------------------------------- WebSocket

def test_websocket_ingests_one_event_per_message(db, quick):
    import aiohttp
    project, key = new_project(db)
    url = f"http://127.0.0.1:{quick.ws_port}/ingest"

    async def go():
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(url, headers={"x-sentry-auth": "wrong"})
            msg = await ws.receive(timeout=10)
            assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert ws.close_code == 1008
            async with session.ws_connect(url, headers={"authorization": f"Bearer {key}"}) as ws:
                replies = []
                for text in (json.dumps({"message": "ws one"}), "[1]",
                             json.dumps({"message": "ws two", "level": "debug"})):
                    await ws.send_str(text)
                    replies.append(json.loads((await ws.receive(timeout=10)).data))
                return replies

    replies = asyncio.run(go())
    assert replies[0] == {"status": "accepted"}
    assert "error" in replies[1]
    assert replies[2] == {"status": "accepted"}
    assert rows_reach(db, project, 2, 5) == 2
    rows = db.sql("SELECT message, level FROM events WHERE project_id = $1::uuid ORDER BY id",
                  project)
    assert rows == [{"message": "ws one", "level": "error"},
                    {"message": "ws two", "level": "debug"}]


# ---------------------------------------------------------------- failures

def test_crashing_request_does_not_take_the_service_down(db, quick):
    project, key = new_project(db)
    r = quick.request("POST", "/api/v1/debug/crash", "a,b")
    assert r.status == 500
    assert "HTTP handler panicked" in quick.output()
    assert quick.post_event(key, {"message": "still here"}).status == 202
    # a crashed EventProcessor is replaced by the health checker
    assert quick.request("POST", "/api/v1/debug/crash-processor").status == 202
    assert quick.wait_output("EventProcessor has stopped", 10), quick.output()
    assert wait_until(lambda: quick.post_event(key, {"message": "after"}).status == 202, 10)
    health = json.loads(quick.request("GET", "/health").body)
    assert health["restarts"] >= 1 and health["database"] == "ok"
    assert rows_reach(db, project, 2, 5) >= 2


def test_failed_writes_are_retried(db, quick):
    project, key = new_project(db)
    marker = f"retry-{project}"
    db.sql("ALTER TABLE events RENAME TO events_away")
    try:
        assert quick.post_event(key, {"message": marker}).status == 202
        assert quick.wait_output(f"of project {project} failed (attempt 1 of 4)", 10), \
            quick.output()
    finally:
        db.sql("ALTER TABLE events_away RENAME TO events")
    assert rows_reach(db, project, 1, 10) == 1


def test_events_that_cannot_be_written_are_logged_not_dropped(db, quick, dead_letter_path):
    project, key = new_project(db)
    events = [{"message": "good 1"}, {"message": "bad \u0000 byte"}, {"message": "good 2"}]
    r = quick.post_event(key, events, path="/api/v1/events/bulk")
    assert r.status == 202
    assert quick.wait_output(f"1 of 3 events of project {project} could not be written", 15), \
        quick.output()
    assert count_rows(db, project) == 2
    lines = [json.loads(ln) for ln in dead_letter_path.read_text().splitlines()]
    mine = [ln for ln in lines if ln["project_id"] == project]
    assert len(mine) == 1
    assert mine[0]["event"]["payload"] == events[1]
    assert "failed (attempt 4 of 4)" in quick.output()


def test_health_endpoint(quick):
    r = quick.request("GET", "/health")
    assert r.status == 200
    h = r.json()
    assert h["database"] == "ok" and "writer" in h


# ---------------------------------------------------------------- shutdown

def test_sigterm_writes_every_accepted_event(db, steady):
    project, key = new_project(db)
    m = Mesher(db.url, {"MESHER_FLUSH_INTERVAL_MS": "600000", "MESHER_BATCH_SIZE": "50"})
    accepted = []            # events of the requests answered 202
    attempted = []           # events of every request sent
    lock = threading.Lock()
    stop = threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                if i % 5 == 0:
                    batch = [{"message": f"c{n}-{i}-{j}"} for j in range(3)]
                    r = m.post_event(key, batch, path="/api/v1/events/bulk")
                    k = 3
                else:
                    r = m.post_event(key, {"message": f"c{n}-{i}"})
                    k = 1
            except OSError:
                with lock:
                    attempted.append(k)
                continue
            with lock:
                attempted.append(k)
            if r.status == 202:
                with lock:
                    accepted.append(k)
            elif r.status not in (503, 500):
                raise AssertionError(r)

    try:
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(6)]
        for t in threads:
            t.start()
        assert wait_until(lambda: sum(accepted) >= 120, 30)
        m.terminate(signal.SIGTERM)
        code = m.wait(60)
    finally:
        stop.set()
        m.stop()
    for t in threads:
        t.join(10)
    assert code == 0, m.output()
    assert "[Mesher] shutdown: wrote" in m.output()
    # every 202 is a row; a request whose 202 was lost in the exit may
    # also have been written, but nothing beyond what was sent
    total = sum(accepted)
    rows = count_rows(db, project)
    assert total <= rows <= sum(attempted), (total, rows, m.output()[-2000:])


# ---------------------------------------------------------------- the launcher

def _launcher_can_run() -> str | None:
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL binaries in {PG_BIN}"
    if os.geteuid() == 0:
        import pwd
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a `postgres` user"
    return None


def test_launcher_starts_a_private_database():
    why = _launcher_can_run()
    if why:
        pytest.skip(why)
    import shutil
    import tempfile
    data = Path(tempfile.mkdtemp(prefix="mesher-launch-"))   # reachable by `postgres`
    os.chmod(data, 0o755)
    http_port, ws_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"MESHER_PG_DATA": str(data / "pg"), "MESHER_HTTP_PORT": str(http_port),
                "MESHER_WS_PORT": str(ws_port), "MESHER_BOOTSTRAP_KEY": "launch-key",
                "MESHER_FLUSH_INTERVAL_MS": "200"})
    p = subprocess.Popen([sys.executable, str(REPO_ROOT / "mesher" / "launch.py")],
                         cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        url = None
        for line in p.stdout:
            lines.append(line)
            if "DATABASE_URL=" in line:
                url = line.split("DATABASE_URL=", 1)[1].strip()
            if "HTTP server listening" in line:
                break
        assert url, "".join(lines)
        r = http_request(http_port, "POST", "/api/v1/events", '{"message": "launched"}',
                         {"Authorization": "Bearer launch-key"})
        assert r.status == 202, r
        count = wait_until(lambda: run_sql(url, "SELECT count(*)::int AS n FROM events")[0]["n"],
                           10)
        assert count == 1
    finally:
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=60)
        lines.append(out)
    text = "".join(lines)
    assert p.returncode == 0, text
    assert "stopping PostgreSQL" in text
    assert not (data / "pg" / "postmaster.pid").exists()
    shutil.rmtree(data, ignore_errors=True)


# ---------------------------------------------------------------- the benchmark script

def test_benchmark_script_runs(db):
    # tiny: only checks that bench/mesher/run.py works (no timing asserted)
    r = subprocess.run([sys.executable, str(REPO_ROOT / "bench" / "mesher" / "run.py"),
                        "--requests", "30", "--warmup", "5", "--concurrency", "4"],
                       cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "DATABASE_URL": db.admin_url})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "| mesher / baseline |" in r.stdout
    assert "rows 35 for 35 accepted" in r.stdout
