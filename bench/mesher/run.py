"""Load benchmark of POST /api/v1/events: mesher (Mesh, on mesh_interp)
against bench/mesher/baseline.py (the same work in aiohttp + asyncpg).

    python bench/mesher/run.py [--requests 3000] [--concurrency 16] [--max-seconds 60]

Database: a fresh database on the server of DATABASE_URL or
MESH_TEST_DATABASE_URL (dropped afterwards); without either, a private
PostgreSQL started like mesher/launch.py does, in a temporary folder.

Each service runs alone, on 127.0.0.1, with the rate limit out of the way;
after a warm-up, `--requests` requests (one per connection: both servers
answer with Connection: close semantics for the client here) are sent by
`--concurrency` clients, stopping early after `--max-seconds`. Reported:
requests per second, p50 and p99 latency, and mesher / baseline ratios.
Every 202 is checked to have become a row once the service has stopped.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "mesher"))

from mesher_support import Mesher, TempDatabase, free_port, new_project, run_sql  # noqa: E402

EVENT = json.dumps({
    "message": "TypeError: cannot read property 'id' of undefined",
    "level": "error",
    "platform": "javascript",
    "release": "web@4.2.1",
    "environment": "production",
    "exception": {"type": "TypeError", "value": "cannot read property 'id' of undefined"},
    "tags": {"browser": "Firefox 120", "os": "Linux", "route": "/checkout"},
    "user_context": {"id": "u-1842", "ip_address": "203.0.113.7"},
    "breadcrumbs": [{"category": "ui.click", "message": "button#pay"},
                    {"category": "xhr", "message": "POST /api/cart 200"}],
})


def request_bytes(port: int, key: str) -> bytes:
    body = EVENT.encode()
    head = (f"POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode() + body


async def one(port: int, payload: bytes) -> tuple[int, float]:
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(payload)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - t0


async def load(port: int, payload: bytes, total: int, concurrency: int, max_seconds: float):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent = 0
    deadline = time.perf_counter() + max_seconds

    async def worker():
        nonlocal sent
        while sent < total and time.perf_counter() < deadline:
            sent += 1
            try:
                status, dt = await one(port, payload)
            except OSError:
                status, dt = -1, 0.0
            statuses[status] = statuses.get(status, 0) + 1
            if status == 202:
                latencies.append(dt)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    return latencies, statuses, elapsed


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def measure(name: str, port: int, key: str, args) -> dict:
    payload = request_bytes(port, key)
    asyncio.run(load(port, payload, args.warmup, args.concurrency, args.max_seconds))
    lat, statuses, elapsed = asyncio.run(
        load(port, payload, args.requests, args.concurrency, args.max_seconds))
    ok = statuses.get(202, 0)
    res = {"name": name, "requests": sum(statuses.values()), "accepted": ok,
           "statuses": statuses, "seconds": round(elapsed, 3),
           "rps": ok / elapsed if elapsed else 0.0,
           "p50_ms": percentile(lat, 50) * 1000, "p99_ms": percentile(lat, 99) * 1000,
           "mean_ms": (statistics.fmean(lat) * 1000) if lat else float("nan")}
    print(f"{name:9s} {res['rps']:8.1f} req/s  p50 {res['p50_ms']:7.2f} ms  "
          f"p99 {res['p99_ms']:7.2f} ms  statuses {statuses}", flush=True)
    return res


class Baseline:
    def __init__(self, database_url: str, env: dict):
        self.port = free_port()
        full = dict(os.environ)
        full.update(env)
        full.update({"DATABASE_URL": database_url, "MESHER_HTTP_PORT": str(self.port)})
        self.proc = subprocess.Popen([sys.executable, str(HERE / "baseline.py")], env=full,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        if "listening" not in line:
            raise SystemExit(f"baseline did not start: {line}{self.proc.stderr.read()}")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(60)


def rows(db, project: str) -> int:
    return db.sql("SELECT count(*)::int AS n FROM events WHERE project_id = $1::uuid",
                  project)[0]["n"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-seconds", type=float, default=60.0)
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)
    args.requests = max(1, min(args.requests, 100_000))
    args.max_seconds = max(1.0, min(args.max_seconds, 600.0))

    admin = os.environ.get("DATABASE_URL") or os.environ.get("MESH_TEST_DATABASE_URL")
    local = None
    if not admin:
        import launch
        local = launch.LocalPostgres(Path(tempfile.mkdtemp(prefix="mesher-bench-")) / "pg",
                                     free_port())
        local.start()
        admin = local.url
    db = TempDatabase(admin, prefix="mesher_bench")
    env = {"MESHER_RATE_LIMIT": "1000000000", "MESHER_POOL_SIZE": "10"}
    results = []
    try:
        m = Mesher(db.url, env)
        project, key = new_project(db, "bench-mesher")
        try:
            results.append(measure("mesher", m.http_port, key, args))
        finally:
            m.stop()
        mesher_ok = results[-1]["accepted"] + args.warmup
        print(f"  rows {rows(db, project)} for {mesher_ok} accepted (warm-up included)")

        b = Baseline(db.url, env)
        project, key = new_project(db, "bench-baseline")
        try:
            results.append(measure("baseline", b.port, key, args))
        finally:
            b.stop()
        print(f"  rows {rows(db, project)} for {results[-1]['accepted'] + args.warmup} accepted")
    finally:
        db.close()
        if local is not None:
            local.stop()

    me, base = results
    print()
    print(f"concurrency {args.concurrency}, {args.requests} requests per service, "
          f"{len(EVENT)}-byte event, one request per connection")
    print()
    print("| service | req/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |")
    print(f"| mesher / baseline | {me['rps'] / base['rps']:.2f}x | "
          f"{me['p50_ms'] / base['p50_ms']:.1f}x | {me['p99_ms'] / base['p99_ms']:.1f}x |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
