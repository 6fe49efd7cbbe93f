"""HTTP server throughput: mesh_interp's `HTTP.serve` against aiohttp.web.

    python bench/http/run.py                         # both servers, keep-alive, 3 rounds
    python bench/http/run.py --requests 20000 --concurrency 32 --rounds 5
    python bench/http/run.py --mode close            # one request per connection
    python bench/http/run.py --only mesh --profile /tmp/prof.txt
    python bench/http/run.py --src /tmp/old    # the Mesh server from another copy

Two servers answer `GET /` with 200 "ok", each run alone in its own process
on 127.0.0.1: `server.mpl` (HTTP.router + one HTTP.on_get route, run by
`python -m mesh_interp run`) and `aiohttp_server.py` (the same handler
written directly on aiohttp.web). One load client, in this process, is used
for both: a small asyncio client on raw sockets (asyncio Protocols, no HTTP
library: a few microseconds of client work per request, so the client is
not what is measured), `--concurrency` connections each sending its next
request when the previous answer is complete.

Modes:
  keepalive (default)  each request says `Connection: keep-alive` and a
                       connection carries many requests (when the server
                       closes one, the client opens another)
  close                one request per connection (`Connection: close`),
                       the reference server's only mode

Each round measures each server once (order alternating), after a warm-up
of --warmup requests; every answer must be a complete 200 with body "ok"
(anything else is counted and reported as an error). Reported: requests per
second per server (best and median of the rounds) and the ratio
mesh / aiohttp of the bests and of the medians. Nothing is asserted; the exit
status is 1 only if a server failed to start or answered wrongly.

--profile FILE samples the Mesh server's event-loop thread while it is
loaded (a sampling profiler inside the server process: every
--profile-interval seconds, the innermost frames of that thread are counted)
and writes the top functions and call sites to FILE.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------- servers

PROFILER = r'''
import collections, os, sys, threading, time
from mesh_interp.cli import main

out_path = os.environ["BENCH_PROFILE_OUT"]
interval = float(os.environ.get("BENCH_PROFILE_INTERVAL", "0.001"))
leaf = collections.Counter()
inclusive = collections.Counter()
edges = collections.Counter()
samples = [0]

def where(code, line):
    return f"{os.path.relpath(code.co_filename, os.getcwd()) if code.co_filename.startswith(os.getcwd()) else code.co_filename}:{code.co_name}"

def sampler():
    target = None
    while True:
        time.sleep(interval)
        if target is None:
            for t in threading.enumerate():
                if t.name == "mesh-main":
                    target = t.ident
            if target is None:
                continue
        f = sys._current_frames().get(target)
        if f is None:           # that thread ended (the one that loads the program)
            target = None
            continue
        samples[0] += 1
        seen = set()
        first = True
        child = None
        while f is not None:
            k = where(f.f_code, f.f_lineno)
            if first:
                leaf[k] += 1
                first = False
            if k not in seen:
                inclusive[k] += 1
                seen.add(k)
            if child is not None:
                edges[(k, child)] += 1
            child = k
            f = f.f_back

def dump():
    n = max(samples[0], 1)
    with open(out_path, "w") as fh:
        fh.write(f"{samples[0]} samples of the mesh-main thread\n\n")
        fh.write("self (innermost frame)\n")
        for k, c in leaf.most_common(40):
            fh.write(f"{100 * c / n:6.1f}%  {k}\n")
        fh.write("\ninclusive (on the stack)\n")
        for k, c in inclusive.most_common(60):
            fh.write(f"{100 * c / n:6.1f}%  {k}\n")
        fh.write("\ncaller -> callee\n")
        for (a, b), c in edges.most_common(60):
            fh.write(f"{100 * c / n:6.1f}%  {a} -> {b}\n")

import atexit, signal
# the sampler needs the GIL to look: let it take it between bytecodes often,
# not only when the loop thread blocks in a system call
sys.setswitchinterval(interval / 4)
atexit.register(dump)
threading.Thread(target=sampler, daemon=True).start()
def _term(*_):
    dump()
    os._exit(0)
signal.signal(signal.SIGUSR1, _term)
sys.exit(main(["run", sys.argv[1]]))
'''


class Server:
    def __init__(self, kind: str, port: int, profile: str | None = None,
                 interval: float = 0.001, src: Path = ROOT):
        self.kind = kind
        self.port = port
        env = dict(os.environ, BENCH_HTTP_PORT=str(port), PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
        if kind == "mesh":
            if profile:
                env["BENCH_PROFILE_OUT"] = profile
                env["BENCH_PROFILE_INTERVAL"] = str(interval)
                cmd = [sys.executable, "-c", PROFILER, str(HERE / "server.mpl")]
            else:
                cmd = [sys.executable, "-m", "mesh_interp", "run", str(HERE / "server.mpl")]
        else:
            cmd = [sys.executable, str(HERE / "aiohttp_server.py")]
        self.profile = profile
        self.proc = subprocess.Popen(cmd, cwd=src, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{kind} server exited: "
                                   + self.proc.stderr.read().decode("utf-8", "replace"))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{kind} server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            if self.profile:
                import signal
                self.proc.send_signal(signal.SIGUSR1)
            else:
                self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


# ----------------------------------------------------------------- the load client

class _Conn(asyncio.Protocol):
    """One client connection: sends a request, waits for the whole answer
    (head + Content-Length bytes), checks it, sends the next."""

    def __init__(self, load: "Load", keepalive: bool):
        self.load = load
        self.keepalive = keepalive
        self.buf = b""
        self.transport = None
        self.pending = False
        self.closed = load.loop.create_future()

    def connection_made(self, transport):
        self.transport = transport
        self.send()

    def send(self) -> None:
        if not self.load.take():
            self.transport.close()
            return
        self.pending = True
        self.transport.write(self.load.request)

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buf[:end]
            length = 0
            close = not self.keepalive
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            total = end + 4 + length
            if len(buf) < total:
                break
            body = buf[end + 4:total]
            buf = buf[total:]
            self.pending = False
            self.load.answered(head.startswith(b"HTTP/1.1 200 ") and body == b"ok")
            if close:                   # the server ends the connection
                self.transport.close()
                break
            self.send()
        self.buf = buf

    def eof_received(self):
        return False

    def connection_lost(self, exc):
        if self.pending:
            self.load.answered(False)
        if not self.closed.done():
            self.closed.set_result(None)


class Load:
    def __init__(self, port: int, total: int, concurrency: int, keepalive: bool):
        self.port = port
        self.left = total
        self.ok = 0
        self.bad = 0
        self.concurrency = concurrency
        self.keepalive = keepalive
        conn = b"keep-alive" if keepalive else b"close"
        self.request = (b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: %s\r\n\r\n"
                        % (port, conn))
        self.loop = None

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True

    def answered(self, good: bool) -> None:
        if good:
            self.ok += 1
        else:
            self.bad += 1

    async def _connection(self) -> None:
        while self.left > 0:
            try:
                _t, proto = await self.loop.create_connection(
                    lambda: _Conn(self, self.keepalive), "127.0.0.1", self.port)
            except OSError:
                self.bad += 1
                self.left -= 1
                await asyncio.sleep(0.01)
                continue
            await proto.closed

    async def run(self) -> float:
        self.loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        await asyncio.gather(*(self._connection() for _ in range(self.concurrency)))
        return time.perf_counter() - t0


def load(port: int, total: int, concurrency: int, keepalive: bool) -> dict:
    ld = Load(port, total, concurrency, keepalive)
    wall = asyncio.run(ld.run())
    return {"requests": total, "ok": ld.ok, "bad": ld.bad, "seconds": wall,
            "rps": ld.ok / wall if wall > 0 else 0.0}


# ----------------------------------------------------------------- main

def measure(kind: str, args, profile: str | None = None) -> dict:
    port = free_port()
    src = Path(args.src).resolve() if args.src else ROOT
    srv = Server(kind, port, profile, args.profile_interval, src)
    try:
        keep = args.mode == "keepalive"
        if args.warmup:
            load(port, args.warmup, args.concurrency, keep)
        res = load(port, args.requests, args.concurrency, keep)
    finally:
        srv.stop()
    err = srv.proc.stderr.read().decode("utf-8", "replace")
    if "Traceback" in err:
        res["bad"] += 1
        res["stderr"] = err[-2000:]
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=10000, help="timed requests per run")
    ap.add_argument("--warmup", type=int, default=1000, help="untimed requests first")
    ap.add_argument("--concurrency", type=int, default=16, help="client connections")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each server")
    ap.add_argument("--mode", choices=("keepalive", "close"), default="keepalive")
    ap.add_argument("--only", choices=("mesh", "aiohttp"), default=None)
    ap.add_argument("--profile", default=None, metavar="FILE",
                    help="sample the Mesh server (implies --only mesh --rounds 1)")
    ap.add_argument("--profile-interval", type=float, default=0.001)
    ap.add_argument("--src", default=None, metavar="DIR",
                    help="run the Mesh server from the mesh_interp/ in DIR (e.g. a `git "
                         "archive` of another commit), not this checkout")
    ap.add_argument("--json", default=None, help="write every figure here")
    args = ap.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.rounds < 1 or args.warmup < 0:
        ap.error("--requests, --concurrency and --rounds must be >= 1, --warmup >= 0")
    kinds = ["mesh", "aiohttp"]
    if args.profile:
        kinds, args.rounds = ["mesh"], 1
    elif args.only:
        kinds = [args.only]
    results: dict[str, list[dict]] = {k: [] for k in kinds}
    failed = False
    print(f"mode {args.mode}, {args.requests} requests per run, concurrency "
          f"{args.concurrency}, {args.rounds} rounds, load avg {os.getloadavg()[0]:.1f}")
    for r in range(args.rounds):
        order = kinds if r % 2 == 0 else kinds[::-1]
        for kind in order:
            try:
                res = measure(kind, args, args.profile)
            except RuntimeError as e:
                print(f"{kind}: {e}")
                failed = True
                continue
            results[kind].append(res)
            flag = "" if not res["bad"] else f"  ({res['bad']} BAD answers)"
            failed |= bool(res["bad"])
            print(f"  round {r + 1} {kind:8s} {res['rps']:9.0f} req/s  "
                  f"({res['ok']} ok in {res['seconds']:.2f} s){flag}")
    summary = {}
    for kind, rs in results.items():
        if rs:
            rps = [x["rps"] for x in rs]
            summary[kind] = {"best": max(rps), "median": statistics.median(rps), "runs": rps}
            print(f"{kind:8s} best {max(rps):8.0f} req/s   median {statistics.median(rps):8.0f}")
    if "mesh" in summary and "aiohttp" in summary:
        rb = summary["mesh"]["best"] / summary["aiohttp"]["best"]
        rm = summary["mesh"]["median"] / summary["aiohttp"]["median"]
        summary["ratio_best"], summary["ratio_median"] = rb, rm
        print(f"ratio mesh / aiohttp: best {rb:.2f}   median {rm:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "summary": summary,
                                               "runs": results}, indent=2))
    if args.profile:
        print(f"profile written to {args.profile}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
