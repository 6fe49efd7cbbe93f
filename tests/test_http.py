"""HTTP natives (stdlib.md §12): router matching, request parsing, the wire
format, and real servers on a free loopback port talked to over TCP.

Servers run in a subprocess (they serve forever) and are stopped at the end
of each test. Two kinds: Python scripts whose handlers are Python callables
standing in for Mesh functions (run under runtime.run_main, as the
interpreter does), and small Mesh programs run with `python -m mesh_interp
run`.
"""
from __future__ import annotations

import asyncio
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

from mesh_interp.eval.collections import MeshMap
from mesh_interp.eval.values import Opaque
from mesh_interp.natives import http as H
from mesh_interp.natives import request as R

REPO_ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- helpers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_request(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except ConnectionResetError:
                break
            if not b:
                break
            chunks.append(b)
    return b"".join(chunks)


def http(port: int, method: str, path: str, body: str = "", headers=()) -> tuple:
    """(status, {header: value}, raw header lines, body) of one request."""
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    data = body.encode()
    if data or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(data)}")
    raw = raw_request(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + data)
    head, _, rest = raw.partition(b"\r\n\r\n")
    head_lines = head.decode().split("\r\n")
    status = int(head_lines[0].split(" ")[1]) if head_lines[0] else 0
    hdrs = {}
    for ln in head_lines[1:]:
        k, _, v = ln.partition(": ")
        hdrs[k] = v
    return status, hdrs, head_lines, rest.decode()


class Server:
    """A server subprocess; ready once its stderr says it is listening."""

    def __init__(self, argv, cwd, port, env=None):
        self.port = port
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
        full_env.update(env or {})
        self.proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stderr_lines: list[str] = []
        self.stdout_lines: list[str] = []
        self._ready = threading.Event()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr_lines, True),
                         daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout_lines, False),
                         daemon=True).start()
        if not self._ready.wait(60):
            self.stop()
            raise AssertionError("server did not start:\n" + self.stderr())

    def _pump(self, stream, sink, watch):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            sink.append(line)
            if watch and "server listening on" in line:
                self._ready.set()
        if watch:
            self._ready.set()

    def stderr(self) -> str:
        return "\n".join(self.stderr_lines)

    def wait_stderr(self, text: str, timeout: float = 10.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.stderr():
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


PY_SERVER = '''
import sys
from mesh_interp import runtime as rt
from mesh_interp.errors import MeshPanic
from mesh_interp.eval.collections import MeshMap
from mesh_interp.natives import http as H, request as R

log = []

def text(req):
    return H.response(200, "hello")

def user(req):
    return H.response(200, "user:" + R.param(req, "id").args[0])

def me(req):
    return H.response(200, "me")

def post_only(req):
    return H.response(201, "created:" + R.body(req))

def fallback(req):
    return H.response(200, "fallback:" + R.path(req))

def api(req):
    return H.response(200, "api:" + R.path(req))

def crash(req):
    raise MeshPanic("non-exhaustive match")

def slow(req):
    rt.sleep(1000)
    return H.response(200, "slow")

def limited(req):
    return H.response_with_headers(429, '{"error":"rate limited"}',
                                   MeshMap.from_pairs([("Retry-After", "60"), ("X-Extra", "1")]))

def echo(req):
    def opt(o):
        return o.args[0] if o.args else "-"
    parts = [R.method(req), R.path(req), opt(R.query(req, "a")), opt(R.query(req, "b")),
             opt(R.header(req, "X-Token")), opt(R.header(req, "x-token")), R.body(req)]
    return H.response(200, "|".join(parts))

def mw_outer(req, nxt):
    resp = nxt(req)
    sys.stdout.write("outer " + R.path(req) + "\\n"); sys.stdout.flush()
    return resp

def mw_inner(req, nxt):
    sys.stdout.write("inner " + R.path(req) + "\\n"); sys.stdout.flush()
    if R.path(req).startswith("/secret"):
        return H.response(401, "Unauthorized")
    return nxt(req)

def main():
    with_mw = sys.argv[2] == "mw"
    r = H.router()
    if with_mw:
        r = H.use(r, mw_outer)
        r = H.use(r, mw_inner)
    r = H.on_get(r, "/users/:id", user)
    r = H.on_get(r, "/users/me", me)
    r = H.on_post(r, "/items", post_only)
    r = H.route(r, "/text", text)
    r = H.route(r, "/crash", crash)
    r = H.route(r, "/slow", slow)
    r = H.route(r, "/limited", limited)
    r = H.route(r, "/echo", echo)
    r = H.route(r, "/secret", text)
    if not with_mw:
        r = H.route(r, "/api/*", api)
        r = H.route(r, "/*", fallback)
    H.serve(r, int(sys.argv[1]))

sys.exit(rt.run_main(main))
'''


@pytest.fixture(scope="module")
def py_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("pyserver")
    (d / "server.py").write_text(PY_SERVER)
    port = free_port()
    srv = Server([sys.executable, "server.py", str(port), "plain"], d, port)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def mw_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("mwserver")
    (d / "server.py").write_text(PY_SERVER)
    port = free_port()
    srv = Server([sys.executable, "server.py", str(port), "mw"], d, port)
    yield srv
    srv.stop()


# ---------------------------------------------------------------- router (no server)

def _match(router, path, method="GET"):
    m = router.obj.match(path, method)
    if m is None:
        return None
    h, params = m
    return h, params or {}


def test_router_is_immutable():
    r0 = H.router()
    r1 = H.on_get(r0, "/a", "A")
    assert r0.obj.routes == ()
    assert len(r1.obj.routes) == 1
    r2 = H.use(r1, "MW")
    assert r1.obj.middlewares == () and r2.obj.middlewares == ("MW",)


def test_router_priority_exact_param_wildcard():
    r = H.router()
    r = H.route(r, "/*", "ALL")
    r = H.on_get(r, "/users/:id", "USER")
    r = H.on_get(r, "/users/me", "ME")
    r = H.route(r, "/api/*", "API")
    assert _match(r, "/users/me") == ("ME", {})
    assert _match(r, "/users/42") == ("USER", {"id": "42"})
    # parameterised matching drops empty segments
    assert _match(r, "//users/42/") == ("USER", {"id": "42"})
    # wildcards: first registered wins within the pass
    assert _match(r, "/api/x") == ("ALL", {})
    # a POST to GET-only routes falls through to the wildcard
    assert _match(r, "/users/me", "POST") == ("ALL", {})


def test_router_wildcard_forms():
    r = H.route(H.router(), "/api/*", "API")
    for p in ("/api", "/api/", "/api/x/y"):
        assert _match(r, p) == ("API", {})
    assert _match(r, "/apix") is None
    assert _match(r, "/other") is None


def test_router_exact_is_byte_for_byte_and_method_case_sensitive():
    r = H.on_get(H.router(), "/health", "H")
    assert _match(r, "/health") == ("H", {})
    assert _match(r, "/health/") is None
    assert _match(r, "/health", "get") is None


def test_router_params_capture_raw_segments():
    r = H.route(H.router(), "/a/:x/b/:y", "P")
    assert _match(r, "/a/1%202/b/z") == ("P", {"x": "1%202", "y": "z"})
    assert _match(r, "/a/1/c/z") is None
    assert _match(r, "/a/1/b") is None


def test_wire_format():
    raw = H._wire(429, b'{"e":1}', [("Retry-After", "60")])
    assert raw == (b"HTTP/1.1 429 Too Many Requests\r\n"
                   b"Content-Type: application/json; charset=utf-8\r\n"
                   b"Content-Length: 7\r\n"
                   b"Connection: close\r\n"
                   b"Retry-After: 60\r\n"
                   b"\r\n"
                   b'{"e":1}')
    assert H._wire(299, b"", None).startswith(b"HTTP/1.1 299 OK\r\n")
    assert H._wire(404, b"Not Found", None).startswith(b"HTTP/1.1 404 Not Found\r\n")


def _parse(data: bytes):
    async def go():
        reader = asyncio.StreamReader(limit=8194)
        reader.feed_data(data)
        reader.feed_eof()
        return await H._read_request(reader)
    return asyncio.run(go())


def test_request_parsing_query_headers_body():
    method, target, headers, body = _parse(
        b"POST /p/x?a=1&flag&b=2&a=3 HTTP/1.1\r\nX-Token:  abc \r\n"
        b"content-length: 4\r\nX-Token: last\r\n\r\nbodyEXTRA")
    req = H._build_request(method, target, headers, body)
    assert req.method == "POST" and req.path == "/p/x"
    assert req.body == "body"
    assert list(req.query.items()) == [("a", "3"), ("b", "2")]
    request = Opaque("Request", req)
    assert R.header(request, "X-Token").args == ("last",)
    assert R.header(request, "x-token").args == ()          # case-sensitive
    assert R.query(request, "flag").args == ()
    assert R.param(request, "id").args == ()
    assert R.method(request) == "POST" and R.path(request) == "/p/x"


def test_request_parsing_errors():
    with pytest.raises(H._ParseError, match="malformed request line"):
        _parse(b"GARBAGE\r\n\r\n")
    with pytest.raises(H._ParseError, match="8KB"):
        _parse(b"GET / HTTP/1.1\r\n" + b"X-A: " + b"a" * 9000 + b"\r\n\r\n")
    with pytest.raises(H._ParseError, match="too many headers"):
        _parse(b"GET / HTTP/1.1\r\n" + b"".join(b"H%d: v\r\n" % i for i in range(101)) + b"\r\n")


def test_middleware_chain_order_in_process():
    calls = []

    def mw(name):
        def f(req, nxt):
            calls.append(name + ">")
            resp = nxt(req)
            calls.append("<" + name)
            return resp
        return f

    def handler(req):
        calls.append("handler")
        return H.response(200, "ok")

    r = H.use(H.use(H.on_get(H.router(), "/x", handler), mw("a")), mw("b"))
    req = H._Request("GET", "/x", "", {}, {}, None)
    assert H._dispatch(r.obj, req) == (200, b"ok", None)
    assert calls == ["a>", "b>", "handler", "<b", "<a"]
    calls.clear()
    req = H._Request("GET", "/missing", "", {}, {}, None)
    assert H._dispatch(r.obj, req) == (404, b"Not Found", None)
    assert calls == ["a>", "b>", "<b", "<a"]


# ---------------------------------------------------------------- Python-callable server

def test_server_routing(py_server):
    p = py_server.port
    assert http(p, "GET", "/users/me")[3] == "me"              # exact beats :id
    assert http(p, "GET", "/users/42")[3] == "user:42"
    assert http(p, "GET", "/api/v1/x")[3] == "api:/api/v1/x"
    assert http(p, "GET", "/anything/else")[3] == "fallback:/anything/else"
    status, _, _, body = http(p, "POST", "/items", "abc")
    assert (status, body) == (201, "created:abc")
    # GET to a POST-only route falls through to the catch-all, never a 405
    assert http(p, "GET", "/items")[3] == "fallback:/items"


def test_server_wire_headers(py_server):
    status, hdrs, lines, body = http(py_server.port, "GET", "/text")
    assert status == 200 and body == "hello"
    assert lines == ["HTTP/1.1 200 OK", "Content-Type: application/json; charset=utf-8",
                     "Content-Length: 5", "Connection: close"]


def test_response_with_headers_429(py_server):
    status, hdrs, lines, body = http(py_server.port, "GET", "/limited")
    assert status == 429
    assert lines[0] == "HTTP/1.1 429 Too Many Requests"
    assert hdrs["Retry-After"] == "60" and hdrs["X-Extra"] == "1"
    assert lines[-2:] == ["Retry-After: 60", "X-Extra: 1"]
    assert body == '{"error":"rate limited"}'


def test_request_accessors_over_the_wire(py_server):
    body = http(py_server.port, "POST", "/echo?a=1&b=x%20y&a=2", "hi",
                headers=[("X-Token", "tok")])[3]
    assert body == "POST|/echo|2|x%20y|tok|-|hi"


def test_crashing_handler_gives_500_and_server_survives(py_server):
    status, _, _, body = http(py_server.port, "GET", "/crash")
    assert status == 500
    assert py_server.wait_stderr("[mesh-rt] HTTP handler panicked: non-exhaustive match")
    assert http(py_server.port, "GET", "/text")[3] == "hello"


def test_requests_are_concurrent(py_server):
    t0 = time.monotonic()
    with ThreadPoolExecutor(6) as ex:
        bodies = list(ex.map(lambda _: http(py_server.port, "GET", "/slow")[3], range(6)))
    elapsed = time.monotonic() - t0
    assert bodies == ["slow"] * 6
    assert elapsed < 6 * 1.0 * 0.6, f"requests were serialised ({elapsed:.2f}s)"


def test_parse_error_is_logged_and_nothing_sent(py_server):
    assert raw_request(py_server.port, b"NONSENSE\r\n\r\n") == b""
    assert py_server.wait_stderr("[mesh-rt] HTTP parse error: malformed request line: NONSENSE")


def _read_response(s: socket.socket) -> bytes:
    """One response (head + Content-Length bytes) of a kept-alive connection."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        assert b, f"closed before a whole response: {buf!r}"
        buf += b
    head, _, body = buf.partition(b"\r\n\r\n")
    length = int(next(ln.split(b":", 1)[1] for ln in head.split(b"\r\n")
                      if ln.startswith(b"Content-Length:")))
    while len(body) < length:
        b = s.recv(65536)
        assert b
        body += b
    assert len(body) == length, "more than one response"
    return head + b"\r\n\r\n" + body


def test_one_request_per_connection_by_default(py_server):
    # HTTP/1.1 without a Connection header: the reference's behaviour
    raw = raw_request(py_server.port, b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
    assert raw.split(b"\r\n")[3] == b"Connection: close"
    assert raw.endswith(b"\r\n\r\nhello")


def test_keep_alive_when_the_client_asks(py_server):
    with socket.create_connection(("127.0.0.1", py_server.port), timeout=10) as s:
        s.sendall(b"GET /text HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        first = _read_response(s)
        assert first.split(b"\r\n")[:4] == [
            b"HTTP/1.1 200 OK", b"Content-Type: application/json; charset=utf-8",
            b"Content-Length: 5", b"Connection: keep-alive"]
        assert first.endswith(b"\r\n\r\nhello")
        s.sendall(b"POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive\r\n"
                  b"X-Token: t\r\nContent-Length: 4\r\n\r\nbody")
        second = _read_response(s)
        assert b"\r\nConnection: keep-alive\r\n" in second
        assert second.endswith(b"\r\n\r\nPOST|/echo|1|-|t|-|body")
        # a request without keep-alive: answered, then the server closes
        s.sendall(b"GET /users/me HTTP/1.1\r\nHost: x\r\n\r\n")
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
        last = b"".join(chunks)
        assert b"\r\nConnection: close\r\n" in last and last.endswith(b"\r\n\r\nme")


def test_keep_alive_pipelined_requests_get_one_answer(py_server):
    # bytes beyond the request: answered once, then closed (as the
    # reference, which ignores what follows the first request)
    two = b"GET /text HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n" * 2
    raw = raw_request(py_server.port, two)
    assert raw.count(b"HTTP/1.1 ") == 1
    assert b"\r\nConnection: close\r\n" in raw and raw.endswith(b"hello")


def test_keep_alive_crash_and_parse_error(py_server):
    with socket.create_connection(("127.0.0.1", py_server.port), timeout=10) as s:
        s.sendall(b"GET /crash HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        assert _read_response(s).startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        s.sendall(b"NONSENSE-AGAIN\r\n\r\n")
        assert s.recv(65536) == b""
    assert py_server.wait_stderr("malformed request line: NONSENSE-AGAIN")


def test_bind_failure_returns(tmp_path):
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        s.listen()
        port = s.getsockname()[1]
        script = tmp_path / "bind.py"
        script.write_text(textwrap.dedent(f"""
            import sys
            from mesh_interp import runtime as rt
            from mesh_interp.natives import http as H
            def main():
                H.serve(H.router(), {port})
                print("returned")
            sys.exit(rt.run_main(main))
        """))
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=60, env=env)
    assert proc.returncode == 0
    assert proc.stdout == "returned\n"
    assert f"[mesh-rt] Failed to start HTTP server on 0.0.0.0:{port}: Address already in use" \
        in proc.stderr


def test_middleware_order_and_404(mw_server):
    p = mw_server.port
    assert http(p, "GET", "/text")[3] == "hello"
    assert http(p, "GET", "/secret")[:1] == (401,)
    status, _, _, body = http(p, "GET", "/nowhere")
    assert (status, body) == (404, "Not Found")
    deadline = time.monotonic() + 5
    while len(mw_server.stdout_lines) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mw_server.stdout_lines[:5] == ["inner /text", "outer /text", "inner /secret",
                                          "outer /secret", "inner /nowhere"]


# ---------------------------------------------------------------- HTTP client

def test_client_get_post_and_errors(py_server):
    base = f"http://127.0.0.1:{py_server.port}"
    r = H.get(base + "/text")
    assert r.info.name == "Ok" and r.args == ("hello",)
    r = H.post(base + "/items", "payload")
    assert r.info.name == "Ok" and r.args == ("created:payload",)
    r = H.get(base + "/crash")
    assert r.info.name == "Err" and r.args == (base + "/crash: status code 500",)
    r = H.get(f"http://127.0.0.1:{free_port()}/")
    assert r.info.name == "Err" and "Connection Failed" in r.args[0]


# ---------------------------------------------------------------- Mesh programs

MESH_SERVER = '''
fn do_crash(0) = 0

fn crash_handler(request) do
  do_crash(42)
  HTTP.response(200, "unreachable")
end

fn me_handler(request) do
  HTTP.response(200, "me")
end

fn user_handler(request) do
  case Request.param(request, "id") do
    Some(id) -> HTTP.response(200, "user " <> id)
    None -> HTTP.response(400, "no-id")
  end
end

fn fallback(request) do
  HTTP.response(200, "fallback")
end

fn echo_handler(request :: Request) -> Response do
  let q = case Request.query(request, "q") do
    Some(v) -> v
    None -> "-"
  end
  let h = case Request.header(request, "X-Token") do
    Some(v) -> v
    None -> "-"
  end
  HTTP.response(200, Request.method(request) <> " " <> Request.path(request) <> " " <> q <> " " <> h <> " " <> Request.body(request))
end

fn limited(request) do
  HTTP.response_with_headers(429, "{\\"error\\":\\"rate limited\\"}", %{"Retry-After" => "60"})
end

fn logger(request :: Request, next) -> Response do
  println("saw " <> Request.path(request))
  next(request)
end

fn auth(request :: Request, next) -> Response do
  if String.starts_with(Request.path(request), "/secret") do
    HTTP.response(401, "Unauthorized")
  else
    next(request)
  end
end

fn main() do
  let r = HTTP.router()
    |> HTTP.use(logger)
    |> HTTP.use(auth)
    |> HTTP.on_get("/users/me", me_handler)
    |> HTTP.on_get("/users/:id", user_handler)
    |> HTTP.route("/crash", crash_handler)
    |> HTTP.on_post("/echo", echo_handler)
    |> HTTP.route("/limited", limited)
    |> HTTP.route("/secret/*", fallback)
    |> HTTP.route("/*", fallback)
  HTTP.serve(r, PORT)
end
'''


@pytest.fixture(scope="module")
def mesh_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("meshserver")
    port = free_port()
    (d / "main.mpl").write_text(MESH_SERVER.replace("PORT", str(port)))
    srv = Server([sys.executable, "-m", "mesh_interp", "run", "main.mpl"], d, port)
    yield srv
    srv.stop()


def test_mesh_server_end_to_end(mesh_server):
    p = mesh_server.port
    assert http(p, "GET", "/users/me")[3] == "me"
    assert http(p, "GET", "/users/7")[3] == "user 7"
    assert http(p, "POST", "/users/7")[3] == "fallback"
    assert http(p, "GET", "/secret/plans")[:1] == (401,)
    assert http(p, "POST", "/echo?q=1&x", "payload", [("X-Token", "abc")])[3] == \
        "POST /echo 1 abc payload"
    status, hdrs, _, body = http(p, "GET", "/limited")
    assert (status, hdrs.get("Retry-After"), body) == (429, "60", '{"error":"rate limited"}')
    assert mesh_server.wait_stderr("HTTP server listening on 0.0.0.0:%d" % p)


def test_mesh_server_crash_isolation(mesh_server):
    p = mesh_server.port
    assert http(p, "GET", "/crash")[0] == 500
    assert mesh_server.wait_stderr("[mesh-rt] HTTP handler panicked:")
    assert http(p, "GET", "/users/me")[3] == "me"


def test_mesh_server_middleware_runs_per_request(mesh_server):
    p = mesh_server.port
    http(p, "GET", "/users/1")
    deadline = time.monotonic() + 5
    while "saw /users/1" not in mesh_server.stdout_lines and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "saw /users/1" in mesh_server.stdout_lines


# ---------------------------------------------------------------- WebSocket

WS_SERVER = '''
import sys
from mesh_interp import runtime as rt
from mesh_interp.errors import MeshPanic
from mesh_interp.natives import ws as W, http as H

def out(line):
    sys.stdout.write(line + "\\n"); sys.stdout.flush()

def on_connect(conn, path, headers):
    out("connect %s %s" % (path, headers.get("X-Client", "?")))
    if path.startswith("/reject"):
        return 0
    W.join(conn, "lobby")
    W.send(conn, "welcome %d" % conn)
    return conn

def on_message(conn, msg):
    if msg == "crash":
        raise MeshPanic("boom")
    cmd, _, rest = msg.partition(":")
    if cmd == "all":
        W.broadcast("lobby", rest)
    elif cmd == "others":
        W.broadcast_except("lobby", rest, conn)
    elif cmd == "leave":
        W.leave(conn, "lobby")
        W.send(conn, "left")
    elif cmd == "join":
        W.join(conn, rest)
        W.send(conn, "joined " + rest)
    elif cmd == "room":
        room, _, text = rest.partition("=")
        W.send(conn, "failures %d" % W.broadcast(room, text))
    else:
        W.send(conn, "echo " + msg)

def on_close(conn, code, reason):
    out("close %d %d [%s]" % (conn, code, reason))

def main():
    W.serve(on_connect, on_message, on_close, int(sys.argv[1]))
    H.serve(H.route(H.router(), "/health", lambda r: H.response(200, "ok")), int(sys.argv[2]))

sys.exit(rt.run_main(main))
'''


@pytest.fixture(scope="module")
def ws_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("wsserver")
    (d / "server.py").write_text(WS_SERVER)
    ws_port, http_port = free_port(), free_port()
    srv = Server([sys.executable, "server.py", str(ws_port), str(http_port)], d, http_port)
    srv.ws_port = ws_port
    assert "[mesh-rt] WebSocket server listening on 0.0.0.0:%d" % ws_port in srv.stderr()
    yield srv
    srv.stop()


def _ws_run(coro_fn):
    import aiohttp

    async def go():
        async with aiohttp.ClientSession() as session:
            return await asyncio.wait_for(coro_fn(session), 30)
    return asyncio.run(go())


async def _recv(ws):
    msg = await ws.receive()
    return msg.data if msg.type.name == "TEXT" else (msg.type.name, msg.data, msg.extra)


def test_ws_connect_echo_and_close(ws_server):
    url = f"http://127.0.0.1:{ws_server.ws_port}/chat?x=1"

    async def scenario(session):
        async with session.ws_connect(url, headers={"X-Client": "c1"}) as ws:
            welcome = await _recv(ws)
            await ws.send_str("hello")
            echo = await _recv(ws)
            await ws.send_bytes(b"bin")
            echo2 = await _recv(ws)
        return welcome, echo, echo2

    welcome, echo, echo2 = _ws_run(scenario)
    assert welcome.startswith("welcome ")
    conn = int(welcome.split()[1])
    assert (echo, echo2) == ("echo hello", "echo bin")
    assert ws_server.wait_stderr("listening")
    deadline = time.monotonic() + 10
    while f"close {conn} 1000 []" not in ws_server.stdout_lines and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "connect /chat?x=1 c1" in ws_server.stdout_lines
    assert f"close {conn} 1000 []" in ws_server.stdout_lines


def test_ws_rooms_broadcast(ws_server):
    url = f"http://127.0.0.1:{ws_server.ws_port}/room"

    async def scenario(session):
        a = await session.ws_connect(url)
        b = await session.ws_connect(url)
        c = await session.ws_connect(url)
        for ws in (a, b, c):
            await _recv(ws)                       # welcome
        await a.send_str("all:hi everyone")
        got = [await _recv(ws) for ws in (a, b, c)]
        await b.send_str("others:not for b")
        got_a, got_c = await _recv(a), await _recv(c)
        await c.send_str("leave:")
        left = await _recv(c)
        await a.send_str("all:after leave")
        got2 = [await _recv(a), await _recv(b)]
        # c must not have received it: the next thing c sees is its own echo
        await c.send_str("ping")
        got_c2 = await _recv(c)
        await a.send_str("join:side")
        joined = await _recv(a)
        await b.send_str("room:side=side msg")
        side_a, failures = await _recv(a), await _recv(b)
        await b.send_str("room:nobody=x")
        failures_none = await _recv(b)
        for ws in (a, b, c):
            await ws.close()
        return got, got_a, got_c, left, got2, got_c2, joined, side_a, failures, failures_none

    got, got_a, got_c, left, got2, got_c2, joined, side_a, failures, failures_none = \
        _ws_run(scenario)
    assert got == ["hi everyone"] * 3
    assert (got_a, got_c) == ("not for b", "not for b")
    assert left == "left"
    assert got2 == ["after leave"] * 2
    assert got_c2 == "echo ping"
    assert joined == "joined side"
    assert (side_a, failures, failures_none) == ("side msg", "failures 0", "failures 0")


def test_ws_reject_and_crash(ws_server):
    base = f"http://127.0.0.1:{ws_server.ws_port}"

    async def scenario(session):
        ws = await session.ws_connect(base + "/reject")
        rejected = await ws.receive()
        await ws.close()
        ws2 = await session.ws_connect(base + "/ok")
        await _recv(ws2)
        await ws2.send_str("crash")
        crashed = await ws2.receive()
        code2 = ws2.close_code
        await ws2.close()
        ws3 = await session.ws_connect(base + "/ok")
        await ws3.send_str("still")
        alive = [await _recv(ws3), await _recv(ws3)]
        await ws3.close()
        return rejected, crashed, code2, alive

    rejected, crashed, code2, alive = _ws_run(scenario)
    assert rejected.type.name == "CLOSE" and rejected.data == 1008 and rejected.extra == "rejected"
    assert crashed.type.name == "CLOSE" and crashed.data == 1011
    assert alive[1] == "echo still"
    assert ws_server.wait_stderr("[mesh-rt] WebSocket handler panicked: boom")
    deadline = time.monotonic() + 10
    while not any(l.endswith("1011 [internal error]") for l in ws_server.stdout_lines) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(l.endswith("1011 [internal error]") for l in ws_server.stdout_lines)


def test_ws_bad_upgrade_gets_400(ws_server):
    raw = raw_request(ws_server.ws_port, b"GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert raw.endswith(b"Bad Request: missing or invalid Upgrade header")
    assert ws_server.wait_stderr("[mesh-rt] WS upgrade failed: missing or invalid Upgrade header")


def test_ws_room_functions_without_server():
    from mesh_interp.natives import ws as W
    assert W.join(0, "r") == -1 and W.leave(0, "r") == -1
    assert W.broadcast("no-such-room", "x") == 0
    assert W.send(999999, "x") == -1
    assert W.join(424242, "r") == 0 and W.leave(424242, "r") == 0
    assert W.leave(424242, "never-joined") == 0
    assert "r" not in W._rooms


MESH_WS_SERVER = '''
fn on_connect(conn :: Int, path :: String, headers :: Map<String, String>) -> Int do
  if String.starts_with(path, "/deny") do
    0
  else
    Ws.join(conn, "lobby")
    Ws.send(conn, "hello " <> path)
    conn
  end
end

fn on_message(conn :: Int, msg :: String) -> () do
  if msg == "crash" do
    let _ = List.head([])
    ()
  else
    let n = Ws.broadcast_except("lobby", "say: " <> msg, conn)
    let _ = Ws.send(conn, "sent (${n} failures)")
    ()
  end
end

fn on_close(conn :: Int, code :: Int, reason :: String) -> () do
  println("closed ${code} " <> reason)
end

fn health(request) do
  HTTP.response(200, "ok")
end

fn main() do
  Ws.serve(on_connect, on_message, on_close, WS_PORT)
  HTTP.serve(HTTP.router() |> HTTP.on_get("/health", health), HTTP_PORT)
end
'''


@pytest.fixture(scope="module")
def mesh_ws_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("meshws")
    ws_port, http_port = free_port(), free_port()
    (d / "main.mpl").write_text(MESH_WS_SERVER.replace("WS_PORT", str(ws_port))
                                .replace("HTTP_PORT", str(http_port)))
    srv = Server([sys.executable, "-m", "mesh_interp", "run", "main.mpl"], d, http_port)
    srv.ws_port = ws_port
    yield srv
    srv.stop()


def test_mesh_ws_program(mesh_ws_server):
    base = f"http://127.0.0.1:{mesh_ws_server.ws_port}"

    async def scenario(session):
        a = await session.ws_connect(base + "/a?x=1")
        b = await session.ws_connect(base + "/b")
        hello_a, hello_b = await _recv(a), await _recv(b)
        await a.send_str("hi")
        got_b, ack_a = await _recv(b), await _recv(a)
        denied = await session.ws_connect(base + "/deny")
        deny_msg = await denied.receive()
        await b.send_str("crash")
        crashed = await b.receive()
        await a.close()
        await denied.close()
        return hello_a, hello_b, got_b, ack_a, deny_msg, crashed

    hello_a, hello_b, got_b, ack_a, deny_msg, crashed = _ws_run(scenario)
    assert (hello_a, hello_b) == ("hello /a?x=1", "hello /b")
    assert (got_b, ack_a) == ("say: hi", "sent (0 failures)")
    assert deny_msg.type.name == "CLOSE" and deny_msg.data == 1008
    assert crashed.type.name == "CLOSE" and crashed.data == 1011
    deadline = time.monotonic() + 10
    want = {"closed 1000 ", "closed 1011 internal error"}
    while not want <= set(mesh_ws_server.stdout_lines) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert want <= set(mesh_ws_server.stdout_lines), mesh_ws_server.stdout_lines
