"""The HTTP server (natives/http.py) under abuse: malformed requests,
oversized heads and bodies, slow and stalled clients, hundreds of idle
connections, clients that disconnect mid-request, crashing handlers. Each is
refused or timed out cleanly while well-behaved clients keep getting answers.

The server is a real Mesh program run by `mesh run`, through a small launcher
that (1) binds it to 127.0.0.1 instead of 0.0.0.0 and (2) shortens the read
timeout to ABUSE_READ_TIMEOUT seconds so that timeouts can be observed
quickly. Every client loop here is bounded and stops by itself.

Manual stress run (more idle connections than the default 300):
    MESH_ABUSE_IDLE=3000 python -m pytest tests/test_http_abuse.py -k idle
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
READ_TIMEOUT = 1.0
IDLE = int(os.environ.get("MESH_ABUSE_IDLE", "300"))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")

LAUNCHER = '''
import os, sys
from mesh_interp.natives import http as H
H._READ_TIMEOUT = float(os.environ["ABUSE_READ_TIMEOUT"])
H._BIND_HOST = "127.0.0.1"
from mesh_interp.cli import main
sys.exit(main(["run", sys.argv[1]]))
'''

PROGRAM = '''
fn ok(req) do
  HTTP.response(200, "ok")
end

fn slow(req) do
  Timer.sleep(800)
  HTTP.response(200, "slow")
end

fn crash(req) do
  let xs = String.split("", ",") |> List.drop(1)
  HTTP.response(200, "${List.head(xs)}")
end

fn echo(req) do
  HTTP.response(200, "len ${String.length(Request.body(req))}")
end

fn main() do
  let r = HTTP.router()
    |> HTTP.on_get("/ok", ok)
    |> HTTP.on_get("/slow", slow)
    |> HTTP.on_get("/crash", crash)
    |> HTTP.on_post("/echo", echo)
  HTTP.serve(r, PORT)
end
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MeshServer:
    def __init__(self, tmp: Path):
        self.port = free_port()
        (tmp / "launch.py").write_text(LAUNCHER)
        (tmp / "server.mpl").write_text(PROGRAM.replace("PORT", str(self.port)))
        env = dict(os.environ, ABUSE_READ_TIMEOUT=str(READ_TIMEOUT), PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen([sys.executable, "launch.py", "server.mpl"], cwd=tmp,
                                     env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: list[str] = []
        ready = threading.Event()

        def pump():
            for raw in iter(self.proc.stderr.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.lines.append(line)
                if "server listening on" in line:
                    ready.set()
            ready.set()
        threading.Thread(target=pump, daemon=True).start()
        threading.Thread(target=lambda: self.proc.stdout.read(), daemon=True).start()
        if not ready.wait(60) or self.proc.poll() is not None:
            self.stop()
            raise AssertionError("server did not start:\n" + self.stderr())

    def stderr(self) -> str:
        return "\n".join(self.lines)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = MeshServer(tmp_path_factory.mktemp("abuse"))
    yield s
    s.stop()
    assert "Traceback" not in s.stderr(), s.stderr()


# ---------------------------------------------------------------- clients

def connect(port: int, timeout: float = 10.0) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def read_all(s: socket.socket, limit: float = 10.0) -> bytes:
    """Read until the server closes (or `limit` seconds pass: then fail)."""
    end = time.monotonic() + limit
    chunks = []
    while True:
        s.settimeout(max(0.05, end - time.monotonic()))
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            break
        except socket.timeout:
            raise AssertionError(f"server kept the connection open for {limit}s")
        if not b:
            break
        chunks.append(b)
    return b"".join(chunks)


def request(port: int, raw: bytes, limit: float = 10.0) -> bytes:
    with connect(port) as s:
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_all(s, limit)


def get_ok(port: int) -> int:
    raw = request(port, b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
    return int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else 0


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else 0


def assert_serving(server, n: int = 5):
    with ThreadPoolExecutor(n) as ex:
        codes = list(ex.map(lambda _: get_ok(server.port), range(n)))
    assert codes == [200] * n, codes
    assert server.alive()


# ---------------------------------------------------------------- tests

def test_well_behaved_clients_concurrently(server):
    t0 = time.monotonic()
    assert_serving(server, 40)
    assert time.monotonic() - t0 < 30


MALFORMED = {
    "garbage": b"\x00\x01\x02 hello \xff\xfe\r\n\r\n",
    "no_target": b"GET\r\n\r\n",
    "empty_lines": b"\r\n\r\n\r\n",
    "bad_version": b"GET /ok HTTP/9.9\r\nHost: x\r\n\r\n",
    "http09": b"GET /ok\r\n\r\n",
    "bad_utf8_target": b"GET /ok\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad_utf8_header": b"GET /ok HTTP/1.1\r\nHost: x\r\nX-A: \xc3\x28\r\n\r\n",
    "header_no_colon": b"GET /ok HTTP/1.1\r\nHost x\r\nnonsense\r\n\r\n",
    "nul_in_header": b"GET /ok HTTP/1.1\r\nHost: x\x00y\r\n\r\n",
    "negative_length": b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello",
    "text_length": b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nhello",
    "huge_length_number": b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          + b"9" * 40 + b"\r\n\r\nhello",
    "two_lengths": b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                   b"Content-Length: 5\r\n\r\nhello",
    "bad_chunked": b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"zz\r\nhello\r\n0\r\n\r\n",
    "lf_only": b"GET /ok HTTP/1.1\nHost: x\n\n",
    "absolute_uri": b"GET http://evil.example/ok HTTP/1.1\r\nHost: x\r\n\r\n",
    "long_method": b"A" * 5000 + b" /ok HTTP/1.1\r\nHost: x\r\n\r\n",
    "pipelined": b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET /crash HTTP/1.1\r\nHost: x\r\n\r\n",
    "tls_hello": bytes.fromhex("160301002a0100002603035a") + b"\x00" * 40,
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_request_is_refused_cleanly(server, name):
    t0 = time.monotonic()
    raw = request(server.port, MALFORMED[name], limit=READ_TIMEOUT + 8)
    # refused (closed with no answer, or an error status), or -- for the
    # tolerable ones -- answered; never a hang and never a 500
    assert status_of(raw) in (0, 200, 400, 404, 405, 413, 414, 431, 505), raw[:200]
    assert time.monotonic() - t0 < READ_TIMEOUT + 8
    assert_serving(server, 2)


def test_oversized_head_is_refused(server):
    big_header = b"GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
    many_headers = b"GET /ok HTTP/1.1\r\nHost: x\r\n" + b"".join(
        b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n"
    long_target = b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    for raw in (big_header, many_headers, long_target):
        t0 = time.monotonic()
        assert status_of(request(server.port, raw)) in (0, 400, 413, 414, 431)
        assert time.monotonic() - t0 < 5
    assert "header section exceeds 8KB limit" in server.stderr() or \
        "too many headers" in server.stderr()
    assert_serving(server)


def test_body_of_exact_length_is_served(server):
    body = b"x" * 200_000
    raw = request(server.port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                  % len(body) + body)
    assert status_of(raw) == 200 and raw.endswith(b"len 200000")


def test_oversized_body_is_refused(tmp_path):
    """A client announces a 1 TB body and streams 128 MB of it: the server
    must refuse it (or stop reading), not buffer it all."""
    server = MeshServer(tmp_path)
    try:
        before = server.rss_mb()
        chunk = b"z" * (1 << 20)
        with connect(server.port) as s:
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n")
            s.settimeout(5)
            try:
                for _ in range(128):                   # bounded
                    s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                pass
            peak = server.rss_mb()
            try:
                read_all(s, READ_TIMEOUT + 10)
            except OSError:
                pass
        assert_serving(server)
    finally:
        server.stop()
    assert peak - before < 48, f"server grew by {peak - before:.0f} MB"


def test_stalled_client_is_timed_out(server):
    with connect(server.port) as s:
        s.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n")      # never finishes the head
        t0 = time.monotonic()
        assert read_all(s, READ_TIMEOUT + 8) == b""
        assert time.monotonic() - t0 < READ_TIMEOUT + 8
    assert_serving(server)


def test_trickling_client_is_timed_out(server):
    """Slowloris: one byte of header every READ_TIMEOUT/3 seconds never
    trips a per-read timeout; the whole head must still arrive in time."""
    with connect(server.port) as s:
        s.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        t0 = time.monotonic()
        closed = False
        while time.monotonic() - t0 < READ_TIMEOUT * 6:      # bounded
            try:
                s.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            s.settimeout(READ_TIMEOUT / 3)
            try:
                if s.recv(1024) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed = True
                break
        assert closed, "a trickling client kept its connection past the read deadline"
        assert time.monotonic() - t0 < READ_TIMEOUT * 4
    assert_serving(server)


def test_hundreds_of_idle_connections(server):
    idle = []
    try:
        for _ in range(IDLE):
            idle.append(connect(server.port))
        # well-behaved clients are still answered while the idle ones wait
        t0 = time.monotonic()
        assert_serving(server, 20)
        assert time.monotonic() - t0 < 15
        # and every idle connection is closed by the server after the timeout
        deadline = time.monotonic() + READ_TIMEOUT + 15
        for s in idle:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                assert s.recv(1) == b""
            except ConnectionResetError:
                pass
    finally:
        for s in idle:
            s.close()
    assert_serving(server)


def test_client_disconnects_mid_request(server):
    # mid-head, mid-body, and while the handler runs
    for raw in (b"GET /ok HTTP/1.1\r\nHo",
                b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly-ten!!",
                b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"):
        s = connect(server.port)
        s.sendall(raw)
        time.sleep(0.1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()                                      # RST
    time.sleep(1.2)                                    # the slow handler finishes
    assert_serving(server)


def test_crashing_handler_is_isolated_and_located(server):
    raw = request(server.port, b"GET /crash HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_of(raw) in (0, 500)
    time.sleep(0.2)
    err = server.stderr()
    assert "HTTP handler panicked" in err
    assert "server.mpl:13:" in err, err[-2000:]     # the List.head call
    assert_serving(server)


def test_slow_handlers_do_not_block_others(server):
    t0 = time.monotonic()
    with ThreadPoolExecutor(8) as ex:
        slow = [ex.submit(request, server.port, b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
                for _ in range(4)]
        assert_serving(server, 4)
        fast_done = time.monotonic() - t0
        assert all(status_of(f.result()) == 200 for f in slow)
    assert fast_done < 0.8 + 5


def read_response(s: socket.socket) -> bytes:
    """One response (head + Content-Length bytes) of a kept-alive connection."""
    s.settimeout(10)
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        assert b, f"closed before a whole response: {buf!r}"
        buf += b
    head, _, body = buf.partition(b"\r\n\r\n")
    length = int(next(ln.split(b":", 1)[1] for ln in head.split(b"\r\n")
                      if ln.startswith(b"Content-Length:")))
    while len(body) < length:
        body += s.recv(65536)
    return head + b"\r\n\r\n" + body


KEEP = b"GET /ok HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"


def test_idle_keep_alive_connection_is_closed_quietly(server):
    with connect(server.port) as s:
        s.sendall(KEEP)
        assert b"Connection: keep-alive" in read_response(s)
        before = server.stderr().count("HTTP parse error")
        t0 = time.monotonic()
        assert read_all(s, READ_TIMEOUT + 8) == b""        # closed by the server
        assert time.monotonic() - t0 < READ_TIMEOUT + 8
    time.sleep(0.2)
    assert server.stderr().count("HTTP parse error") == before
    assert_serving(server)


def test_keep_alive_next_head_has_a_deadline(server):
    """The whole-head deadline applies to every request of a connection."""
    with connect(server.port) as s:
        s.sendall(KEEP)
        read_response(s)
        s.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        t0 = time.monotonic()
        closed = False
        while time.monotonic() - t0 < READ_TIMEOUT * 6:      # bounded
            try:
                s.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            s.settimeout(READ_TIMEOUT / 3)
            try:
                if s.recv(1024) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed = True
                break
        assert closed
    assert_serving(server)


def test_keep_alive_client_sending_during_the_handler(server):
    """A client that sends more while its request is handled (pipelining,
    junk) gets the answer, then the connection closes."""
    with connect(server.port) as s:
        s.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        time.sleep(0.2)
        s.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n" + b"junk" * 1000)
        raw = read_all(s)
    assert raw.count(b"HTTP/1.1 ") == 1 and raw.endswith(b"slow")
    assert b"Connection: close" in raw
    assert_serving(server)


def test_many_requests_on_one_keep_alive_connection(server):
    with connect(server.port) as s:
        for _ in range(200):                                # bounded
            s.sendall(KEEP)
            assert read_response(s).endswith(b"\r\n\r\nok")
    assert server.alive()


def test_sigterm_stops_the_server_without_traceback(tmp_path):
    s = MeshServer(tmp_path)
    try:
        assert_serving(s, 2)
        s.proc.send_signal(15)
        s.proc.wait(20)
    finally:
        s.stop()
    time.sleep(0.1)
    assert "Traceback" not in s.stderr()
    assert s.proc.returncode == 0        # graceful shutdown (runtime/signals.py)
