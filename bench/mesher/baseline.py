"""The same ingestion work as mesher's POST /api/v1/events, hand-written
with aiohttp + asyncpg: the yardstick of bench/mesher/run.py.

Per request: API key from x-sentry-auth / authorization (Bearer), looked up
in the database (revoked keys refused) -> 401; the 1 MiB size limit (by
Content-Length) -> 400; a fixed-window rate limit per project -> 429 with
Retry-After; the body must be a JSON object with a valid level -> 400;
enrichment (level, title, fingerprint) and the same per-project buffer,
written in batches of 50 (or every second) by the same single SQL statement
as mesher's StorageWriter; 202 {"status":"accepted"}.

    python bench/mesher/baseline.py   (DATABASE_URL, MESHER_HTTP_PORT, MESHER_RATE_LIMIT,
                                       MESHER_RATE_WINDOW_SECONDS, MESHER_BATCH_SIZE,
                                       MESHER_FLUSH_INTERVAL_MS)
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

import asyncpg
from aiohttp import web

LEVELS = {"fatal", "error", "warning", "info", "debug"}
INSERT = (
    "WITH batch AS (SELECT x->>'fingerprint' AS fingerprint, x->>'level' AS level, "
    "x->>'message' AS message, x->'payload' AS payload, n FROM jsonb_array_elements($2::jsonb) "
    "WITH ORDINALITY AS t(x, n)), counted AS (INSERT INTO issues AS i (project_id, fingerprint, "
    "title, level, event_count) SELECT $1::uuid, fingerprint, min(message), min(level), count(*) "
    "FROM batch GROUP BY fingerprint ON CONFLICT (project_id, fingerprint) DO UPDATE SET "
    "event_count = i.event_count + EXCLUDED.event_count, last_seen = now()) INSERT INTO events "
    "(project_id, level, message, fingerprint, payload) SELECT $1::uuid, level, message, "
    "fingerprint, payload FROM batch ORDER BY n")


def env_int(name: str, default: int) -> int:
    try:
        v = int(os.environ.get(name, ""))
        return v if v > 0 else default
    except ValueError:
        return default


def fnv1a(text: str) -> int:
    h = 0xcbf29ce484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h - (1 << 64) if h >= 1 << 63 else h


def error(status: int, reason: str, headers=None) -> web.Response:
    return web.Response(status=status, text=json.dumps({"error": reason}),
                        content_type="application/json", headers=headers)


class Service:
    def __init__(self, pool):
        self.pool = pool
        self.window = env_int("MESHER_RATE_WINDOW_SECONDS", 60)
        self.limit = env_int("MESHER_RATE_LIMIT", 1000)
        self.batch = env_int("MESHER_BATCH_SIZE", 50)
        self.interval = env_int("MESHER_FLUSH_INTERVAL_MS", 1000) / 1000
        self.counts: dict[str, int] = {}
        self.buffers: dict[str, list[str]] = {}
        self.write_lock = asyncio.Lock()

    def key_of(self, request) -> str:
        raw = request.headers.get("x-sentry-auth") or request.headers.get("authorization") or ""
        raw = raw.strip()
        if "sentry_key=" in raw:
            for part in raw.removeprefix("Sentry ").split(","):
                part = part.strip()
                if part.startswith("sentry_key="):
                    return part[len("sentry_key="):]
            return ""
        if raw.lower().startswith("bearer "):
            raw = raw[7:].strip()
        return raw

    async def handle_event(self, request: web.Request) -> web.Response:
        key = self.key_of(request)
        if not key:
            return error(401, "unauthorized")
        row = await self.pool.fetchrow("SELECT project_id::text AS id FROM api_keys "
                                       "WHERE key_value = $1 AND revoked_at IS NULL", key)
        if row is None:
            return error(401, "unauthorized")
        project = row["id"]
        if (request.content_length or 0) > 1048576:
            return error(400, "payload too large (limit 1048576 bytes)")
        used = self.counts.get(project, 0)
        if used + 1 > self.limit:
            return error(429, "rate limited", {"Retry-After": str(self.window)})
        self.counts[project] = used + 1
        text = (await request.text()).strip()
        if not text.startswith("{"):
            return error(400, "event must be a JSON object")
        try:
            event = json.loads(text)
        except ValueError as e:
            return error(400, f"invalid event: {e}")
        if not isinstance(event, dict):
            return error(400, "event must be a JSON object")
        level = event.get("level") or "error"
        if not isinstance(level, str) or level not in LEVELS:
            return error(400, "invalid level: must be fatal, error, warning, info or debug")
        title = event.get("message") or ""
        if not isinstance(title, str):
            return error(400, "invalid event: expected String")
        if not title:
            exc = event.get("exception")
            if isinstance(exc, dict):
                kind, value = str(exc.get("type", "")), str(exc.get("value", ""))
                title = f"{kind}: {value}" if kind and value else kind or value
            title = title or "(no message)"
        fp = event.get("fingerprint")
        fingerprint = (fp if isinstance(fp, str) else json.dumps(fp, separators=(",", ":"))
                       ) if fp else f"t:{fnv1a(title)}"
        entry = (f'{{"fingerprint":{json.dumps(fingerprint)},"level":{json.dumps(level)},'
                 f'"message":{json.dumps(title)},"payload":{text}}}')
        buf = self.buffers.setdefault(project, [])
        buf.append(entry)
        if len(buf) >= self.batch:
            chunk, self.buffers[project] = buf[:self.batch], buf[self.batch:]
            await self.write(project, chunk)
        return web.Response(status=202, text='{"status":"accepted"}',
                            content_type="application/json")

    async def write(self, project: str, entries: list[str]) -> None:
        async with self.write_lock:            # one writer, as in mesher
            for attempt in range(4):
                try:
                    await self.pool.execute(INSERT, project, "[" + ",".join(entries) + "]")
                    return
                except asyncpg.PostgresError as e:
                    sys.stderr.write(f"write failed (attempt {attempt + 1}): {e}\n")
                    await asyncio.sleep(0.25 * (1, 4, 10, 0)[attempt])

    async def flush_all(self) -> None:
        for project in list(self.buffers):
            buf = self.buffers.pop(project, [])
            while buf:
                await self.write(project, buf[:self.batch])
                buf = buf[self.batch:]

    async def tickers(self) -> None:
        elapsed = 0.0
        while True:
            await asyncio.sleep(self.interval)
            elapsed += self.interval
            await self.flush_all()
            if elapsed >= self.window:
                elapsed = 0.0
                self.counts.clear()


async def main() -> None:
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1,
                                     max_size=env_int("MESHER_POOL_SIZE", 10))
    svc = Service(pool)
    app = web.Application(client_max_size=6 * 1024 * 1024)
    app.router.add_post("/api/v1/events", svc.handle_event)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = env_int("MESHER_HTTP_PORT", 8090)
    await web.TCPSite(runner, "127.0.0.1", port).start()
    sys.stderr.write(f"baseline HTTP server listening on 127.0.0.1:{port}\n")
    sys.stderr.flush()
    ticker = asyncio.create_task(svc.tickers())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    ticker.cancel()
    await runner.cleanup()
    await svc.flush_all()
    await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
