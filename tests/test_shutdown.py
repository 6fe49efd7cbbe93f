"""Graceful shutdown of a serving program (runtime/signals.py, natives/http.py,
natives/ws.py): on SIGTERM (or SIGINT) the listening sockets close at once,
requests being handled still get their whole answer, Process.on_shutdown
callbacks run after them, and `mesh run` exits 0; handlers that do not
finish within MESH_SHUTDOWN_TIMEOUT seconds are cut off and the program
still exits; a second signal exits at once.

Each test runs a real `python -m mesh_interp run` subprocess. Nothing here
measures time: every wait is for a line the server prints, or for the
process to end (bounded by generous timeouts that only catch hangs)."""
from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

SERVER = """
fn slow(req) do
  println("handler started")
  Timer.sleep(1500)
  println("handler finished")
  HTTP.response(200, "slow done")
end

fn ok(req) do
  HTTP.response(200, "ok")
end

fn forever(req) do
  println("handler started")
  Timer.sleep(600000)
  HTTP.response(200, "never")
end

fn spin(n :: Int) -> Int do
  spin(n + 1)
end

fn busy(req) do
  println("handler started")
  let n = spin(0)
  HTTP.response(200, "never ${n}")
end

fn main() do
  Process.on_shutdown(fn() do
    println("on_shutdown ran")
  end)
  let r = HTTP.router()
    |> HTTP.on_get("/slow", slow)
    |> HTTP.on_get("/ok", ok)
    |> HTTP.on_get("/forever", forever)
    |> HTTP.on_get("/busy", busy)
  HTTP.serve(r, PORT)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Program:
    """A `mesh run` subprocess; its stdout and stderr lines are collected by
    threads (so nothing is lost between a readline and the final read)."""

    def __init__(self, tmp: Path, source: str, env=None, ready="server listening on"):
        self.port = free_port()
        (tmp / "main.mpl").write_text(source.replace("PORT", str(self.port)))
        full_env = dict(os.environ, PYTHONUNBUFFERED="1")
        full_env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
        full_env.update(env or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "mesh_interp", "run", "main.mpl"],
                                     cwd=tmp, env=full_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out: list[str] = []
        self.err: list[str] = []
        self._events: queue.Queue = queue.Queue()
        self._pumps = [threading.Thread(target=self._pump, args=(s, sink), daemon=True)
                       for s, sink in ((self.proc.stdout, self.out),
                                       (self.proc.stderr, self.err))]
        for t in self._pumps:
            t.start()
        self.wait_for(ready, where="err")

    def _pump(self, stream, sink):
        for raw in iter(stream.readline, b""):
            sink.append(raw.decode("utf-8", "replace").rstrip("\n"))
            self._events.put(None)
        self._events.put(None)

    def wait_for(self, text: str, where: str = "out", count: int = 1, timeout: float = 60):
        sink = self.out if where == "out" else self.err
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            while sum(text in line for line in list(sink)) < count:
                if deadline.is_set() or (self.proc.poll() is not None and self._events.empty()
                                         and not any(t.is_alive() for t in self._pumps)):
                    raise AssertionError(f"never saw {text!r}; stdout={self.out} "
                                         f"stderr={self.err}")
                try:
                    self._events.get(timeout=0.2)
                except queue.Empty:
                    pass
        finally:
            timer.cancel()

    def finish(self, timeout: float = 60) -> int:
        code = self.proc.wait(timeout)
        for t in self._pumps:
            t.join(10)
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stderr(self) -> str:
        return "\n".join(self.err)


@pytest.fixture
def program(tmp_path):
    made = []

    def make(source=SERVER, env=None, **kw):
        p = Program(tmp_path, source, env, **kw)
        made.append(p)
        return p
    yield make
    for p in made:
        p.kill()


def send(port: int, path: str, keep_alive: bool = False) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    extra = b"Connection: keep-alive\r\n" if keep_alive else b""
    s.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path.encode(), extra))
    return s


def read_until_closed(s: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            break
        if not b:
            break
        chunks.append(b)
    s.close()
    return b"".join(chunks)


def read_one_response(s: socket.socket) -> bytes:
    """One response of a keep-alive connection (head + Content-Length)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        assert b, f"closed before a response: {buf!r}"
        buf += b
    head, _, body = buf.partition(b"\r\n\r\n")
    length = int([ln.split(b":", 1)[1] for ln in head.split(b"\r\n")
                  if ln.lower().startswith(b"content-length:")][0])
    while len(body) < length:
        b = s.recv(65536)
        assert b
        body += b
    return head + b"\r\n\r\n" + body


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=30).close()
    except ConnectionRefusedError:
        return True
    return False


# ---------------------------------------------------------------- HTTP

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_in_flight_request_finishes_then_callbacks_then_exit_0(program, sig):
    p = program()
    # an idle keep-alive connection: closed at once by the shutdown
    idle = send(p.port, "/ok", keep_alive=True)
    assert b"Connection: keep-alive\r\n" in read_one_response(idle)
    # a keep-alive request in flight when the signal comes
    busy = send(p.port, "/slow", keep_alive=True)
    p.wait_for("handler started")
    p.proc.send_signal(sig)
    p.wait_for("[mesh-rt] shutting down", where="err")
    # no new connection is accepted from now on
    assert refused(p.port)
    assert read_until_closed(idle) == b""
    # the request in flight still gets its whole answer, and the
    # connection is closed after it
    answer = read_until_closed(busy)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer
    assert b"\r\nConnection: close\r\n" in answer
    assert answer.endswith(b"\r\n\r\nslow done")
    assert p.finish() == 0, p.stderr()
    # callbacks run after the handlers finished
    assert p.out == ["handler started", "handler finished", "on_shutdown ran"]
    assert "Traceback" not in p.stderr()
    assert f"shutting down ({signal.Signals(sig).name})" in p.stderr()


def test_handlers_that_never_finish_are_cut_off(program):
    p = program(env={"MESH_SHUTDOWN_TIMEOUT": "1"})
    sleeping = send(p.port, "/forever")
    spinning = send(p.port, "/busy")
    p.wait_for("handler started", count=2)
    p.proc.send_signal(signal.SIGTERM)
    assert p.finish() == 0, p.stderr()
    # their clients get no answer: the connections are dropped
    assert read_until_closed(sleeping) == b""
    assert read_until_closed(spinning) == b""
    assert "[mesh-rt] shutdown: 2 connection(s) still busy after 1s; closing them" \
        in p.stderr()
    assert p.out[-1] == "on_shutdown ran"
    assert "Traceback" not in p.stderr()
    assert "panicked" not in p.stderr()


def test_second_signal_during_the_drain_exits_at_once(program):
    p = program()                       # default bound: 10 s
    s = send(p.port, "/forever")
    p.wait_for("handler started")
    p.proc.send_signal(signal.SIGTERM)
    p.wait_for("[mesh-rt] shutting down", where="err")
    p.proc.send_signal(signal.SIGTERM)
    assert p.finish() == 128 + signal.SIGTERM
    assert "on_shutdown ran" not in p.out
    s.close()


def test_shutdown_timeout_is_read_from_the_environment(program):
    p = program(env={"MESH_SHUTDOWN_TIMEOUT": "2.5"})
    p.proc.send_signal(signal.SIGTERM)
    assert p.finish() == 0
    assert "waiting for 0 connection(s), at most 2.5s" in p.stderr()
    assert p.out == ["on_shutdown ran"]


NO_CALLBACK = """
fn ok(req) do
  HTTP.response(200, "ok")
end

fn main() do
  HTTP.serve(HTTP.router() |> HTTP.on_get("/ok", ok), PORT)
end
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_server_without_callbacks_stops_gracefully(program, sig):
    p = program(NO_CALLBACK)
    assert read_until_closed(send(p.port, "/ok")).endswith(b"\r\n\r\nok")
    p.proc.send_signal(sig)
    assert p.finish() == 0, p.stderr()
    assert "Traceback" not in p.stderr()


# ---------------------------------------------------------------- WebSocket

WS_SERVER = """
fn on_connect(conn :: Int, path :: String, headers :: Map<String, String>) -> Int do
  println("connected")
  1
end

fn on_message(conn :: Int, msg :: String) do
  let _ = Ws.send(conn, "echo " <> msg)
  ()
end

fn on_close(conn :: Int, code :: Int, reason :: String) do
  println("closed ${code} ${reason}")
end

fn ok(req) do
  HTTP.response(200, "ok")
end

fn main() do
  Process.on_shutdown(fn() do
    println("on_shutdown ran")
  end)
  Ws.serve(on_connect, on_message, on_close, WSPORT)
  HTTP.serve(HTTP.router() |> HTTP.on_get("/ok", ok), PORT)
end
"""


def test_websocket_connections_are_closed_with_1001(program):
    import asyncio

    import aiohttp

    ws_port = free_port()
    p = program(WS_SERVER.replace("WSPORT", str(ws_port)), ready="HTTP server listening on")

    async def client():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{ws_port}/") as ws:
                await ws.send_str("hi")
                first = await ws.receive(timeout=30)
                await asyncio.get_running_loop().run_in_executor(
                    None, p.wait_for, "connected")
                p.proc.send_signal(signal.SIGTERM)
                last = await ws.receive(timeout=30)
                return first.data, last.type, ws.close_code

    echo, kind, code = asyncio.run(client())
    assert echo == "echo hi"
    assert kind in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert code == 1001
    assert p.finish() == 0, p.stderr()
    assert p.out == ["connected", "closed 1001 server shutting down", "on_shutdown ran"]
    assert refused(ws_port)
