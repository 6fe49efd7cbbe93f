"""HTTP.* natives (stdlib.md §12): router, server, responses, client.

The server is a small HTTP/1.1 implementation on asyncio streams that
reproduces the reference's wire behaviour exactly (one request per
connection, `Connection: close`, the fixed `Content-Type`, raw
case-sensitive header names, body = exactly Content-Length bytes). Each
connection's routing, middleware and handler run in a Mesh process of its
own (runtime.run_in_process), so handlers run concurrently and may block
(service calls, database queries); a crashing handler is logged and answered
with a 500 while the server keeps serving.

The client (HTTP.get / HTTP.post) uses aiohttp; aiohttp is imported only
when the client is first used, so programs that never touch HTTP pay
nothing for it.

Also home of the glue every I/O native shares (`_block_on`, `_loop`): a
blocking wait inside a native goes through runtime.await_coroutine, which
parks only the calling Mesh process.
"""
from __future__ import annotations

import sys as _sys

from ..eval.values import Opaque as _Opaque, err as _err, ok as _ok

# ---------------------------------------------------------------- runtime glue

_fallback = None     # (loop, thread) used when no Mesh process is running


def _runtime():
    from .. import runtime
    return runtime


def _in_process() -> bool:
    try:
        _runtime().current()
        return True
    except (RuntimeError, ImportError, AttributeError):
        return False


def _fallback_loop():
    """A private event loop on a daemon thread, for natives called outside
    any Mesh process (plain Python callers, tests)."""
    global _fallback
    if _fallback is None:
        import asyncio
        import threading
        loop = asyncio.new_event_loop()
        t = threading.Thread(target=loop.run_forever, name="mesh-io", daemon=True)
        t.start()
        _fallback = (loop, t)
    return _fallback[0]


def _loop():
    """The event loop the current caller's coroutines run on."""
    if _in_process():
        return _runtime().loop()
    return _fallback_loop()


def _block_on(coro):
    """Run `coro` to completion and return its result (or raise its
    exception). Inside a Mesh process only that process waits."""
    if _in_process():
        return _runtime().await_coroutine(coro)
    import asyncio
    loop = _fallback_loop()
    return asyncio.run_coroutine_threadsafe(coro, loop).result()


def _eprint(line: str) -> None:
    try:
        _sys.stderr.write(line + "\n")
        _sys.stderr.flush()
    except Exception:
        pass


def _report_crash(prefix: str, exc: BaseException) -> None:
    """`[mesh-rt] <prefix>: <message>` then the full diagnostic."""
    from ..errors import MeshError, report
    msg = exc.message if isinstance(exc, MeshError) else f"{type(exc).__name__}: {exc}"
    _eprint(f"[mesh-rt] {prefix}: {msg}")
    try:
        if isinstance(exc, MeshError):
            report(exc)
        elif not isinstance(exc, RecursionError):
            import traceback
            traceback.print_exception(exc, file=_sys.stderr)
            _sys.stderr.flush()
    except Exception:
        pass


def _os_error_text(e: BaseException) -> str:
    """Rust's io::Error display: `Address already in use (os error 98)`."""
    import os
    errno = getattr(e, "errno", None)
    if errno:
        try:
            return f"{os.strerror(errno)} (os error {errno})"
        except ValueError:
            pass
    return str(e)


def _text(v) -> str:
    if type(v) is str:
        return v
    from ..eval.format import display
    return display(v)


# ---------------------------------------------------------------- router

class _Router:
    """Immutable route table + middleware list (stdlib.md §12.2)."""

    __slots__ = ("routes", "middlewares")

    def __init__(self, routes: tuple = (), middlewares: tuple = ()):
        self.routes = routes            # (pattern, method|None, handler, is_param, is_wild)
        self.middlewares = middlewares

    def match(self, path: str, method: str):
        """(handler, params) of the first matching route, exact routes first,
        then `:param` routes, then `/*` wildcards; None if nothing matches."""
        routes = self.routes
        for pat, m, h, is_param, is_wild in routes:
            if is_param or is_wild or (m is not None and m != method):
                continue
            if pat == path:
                return h, None
        segs = None
        for pat, m, h, is_param, is_wild in routes:
            if not is_param or (m is not None and m != method):
                continue
            if segs is None:
                segs = [s for s in path.split("/") if s]
            params = _match_segments(pat, segs)
            if params is not None:
                return h, params
        for pat, m, h, is_param, is_wild in routes:
            if not is_wild or (m is not None and m != method):
                continue
            if path.startswith(pat[:-1]) or path == pat[:-2]:
                return h, None
        return None


def _match_segments(pattern: str, path_segs: list):
    pat_segs = [s for s in pattern.split("/") if s]
    if len(pat_segs) != len(path_segs):
        return None
    params = {}
    for p, a in zip(pat_segs, path_segs):
        if p.startswith(":"):
            params[p[1:]] = a
        elif p != a:
            return None
    return params


def _router_of(r) -> _Router:
    if type(r) is _Opaque and type(r.obj) is _Router:
        return r.obj
    from ..errors import MeshPanic
    raise MeshPanic("HTTP: expected a Router")


def _add_route(r, pattern, handler, method):
    old = _router_of(r)
    is_param = any(seg.startswith(":") for seg in pattern.split("/"))
    is_wild = pattern.endswith("/*")
    entry = (pattern, method, handler, is_param, is_wild)
    return _Opaque("Router", _Router(old.routes + (entry,), old.middlewares))


def router():
    return _Opaque("Router", _Router())


def route(r, pattern, handler):
    return _add_route(r, pattern, handler, None)


def on_get(r, pattern, handler):
    return _add_route(r, pattern, handler, "GET")


def on_post(r, pattern, handler):
    return _add_route(r, pattern, handler, "POST")


def on_put(r, pattern, handler):
    return _add_route(r, pattern, handler, "PUT")


def on_delete(r, pattern, handler):
    return _add_route(r, pattern, handler, "DELETE")


def use(r, middleware):
    old = _router_of(r)
    return _Opaque("Router", _Router(old.routes, old.middlewares + (middleware,)))


# ---------------------------------------------------------------- responses

class _Response:
    __slots__ = ("status", "body", "headers")

    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers          # MeshMap or None

    def __repr__(self) -> str:
        return f"<Response {self.status}>"


def response(status, body):
    return _Opaque("Response", _Response(status, body, None))


def response_with_headers(status, body, headers):
    return _Opaque("Response", _Response(status, body, headers))


_REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
    301: "Moved Permanently", 302: "Found", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    429: "Too Many Requests", 500: "Internal Server Error",
}


def _wire(status: int, body: bytes, extra) -> bytes:
    """The reference's exact response bytes (stdlib.md §12.4)."""
    status &= 0xFFFF
    head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n"]
    if extra:
        for k, v in extra:
            head.append(f"{k}: {v}\r\n")
    head.append("\r\n")
    return "".join(head).encode("utf-8", "replace") + body


# ---------------------------------------------------------------- requests

class _Request:
    """What Request.* reads (stdlib.md §12.3). Header names are kept as sent
    and looked up case-sensitively, like the reference."""

    __slots__ = ("method", "path", "body", "query", "headers", "params")

    def __init__(self, method, path, body, query, headers, params):
        self.method = method
        self.path = path
        self.body = body
        self.query = query          # dict, insertion-ordered, last value wins
        self.headers = headers      # dict name-as-sent -> value
        self.params = params        # dict or None

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"


class _ParseError(Exception):
    pass


_MAX_HEADER_BYTES = 8192
_MAX_HEADERS = 100
_READ_TIMEOUT = 30.0


async def _read_request(reader):
    """Parse one request like the reference's parser; raises _ParseError."""
    import asyncio
    total = 0

    async def line(what):
        try:
            raw = await asyncio.wait_for(reader.readline(), _READ_TIMEOUT)
        except asyncio.TimeoutError:
            raise _ParseError(f"read {what}: Resource temporarily unavailable (os error 11)")
        except (ConnectionError, OSError) as e:
            raise _ParseError(f"read {what}: {_os_error_text(e)}")
        except ValueError:          # line longer than the stream limit
            raise _ParseError("header section exceeds 8KB limit")
        try:
            return raw, raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _ParseError(f"read {what}: stream did not contain valid UTF-8")

    raw, text = await line("request line")
    total += len(raw)
    text = text.rstrip()
    parts = text.split(" ", 2)
    if len(parts) < 2:
        raise _ParseError(f"malformed request line: {text}")
    method, target = parts[0], parts[1]
    headers: list = []
    content_length = 0
    while True:
        raw, text = await line("header")
        total += len(raw)
        if total > _MAX_HEADER_BYTES:
            raise _ParseError("header section exceeds 8KB limit")
        text = text.rstrip()
        if not text:
            break
        if len(headers) >= _MAX_HEADERS:
            raise _ParseError("too many headers (max 100)")
        if ":" in text:
            name, value = text.split(":", 1)
            name, value = name.strip(), value.strip()
            if name.lower() == "content-length":
                content_length = int(value) if value.isdigit() and value.isascii() else 0
            headers.append((name, value))
        elif not raw.strip():
            break
    body = b""
    if content_length > 0:
        try:
            body = await asyncio.wait_for(reader.readexactly(content_length), _READ_TIMEOUT)
        except asyncio.IncompleteReadError:
            raise _ParseError("read body: failed to fill whole buffer")
        except asyncio.TimeoutError:
            raise _ParseError("read body: Resource temporarily unavailable (os error 11)")
        except (ConnectionError, OSError) as e:
            raise _ParseError(f"read body: {_os_error_text(e)}")
    return method, target, headers, body


def _build_request(method, target, headers, body) -> _Request:
    path, sep, qs = target.partition("?")
    query = {}
    if qs:
        for piece in qs.split("&"):
            if "=" in piece:
                k, v = piece.split("=", 1)
                query[k] = v
    hmap = {}
    for k, v in headers:
        hmap[k] = v
    return _Request(method, path, body.decode("utf-8", "replace"), query, hmap, None)


def _not_found(_request):
    return response(404, "Not Found")


def _dispatch(rt: _Router, req: _Request):
    """Route and run middleware + handler (inside the connection's process).
    Returns (status, body_bytes, extra_headers)."""
    m = rt.match(req.path, req.method)
    if m is None and not rt.middlewares:
        return 404, b"Not Found", None
    if m is None:
        handler, params = _not_found, None
    else:
        handler, params = m
    if params:
        req.params = params
    request = _Opaque("Request", req)
    if rt.middlewares:
        resp = _chain(rt.middlewares, 0, handler)(request)
    else:
        resp = handler(request)
    return _unpack_response(resp)


def _chain(mws, i, handler):
    if i >= len(mws):
        return handler
    mw = mws[i]
    nxt = _chain(mws, i + 1, handler)

    def step(request):
        return mw(request, nxt)
    return step


def _unpack_response(resp):
    if type(resp) is _Opaque and type(resp.obj) is _Response:
        r = resp.obj
    else:
        from ..errors import MeshPanic
        raise MeshPanic(f"HTTP handler returned {resp!r}, not a Response")
    status = r.status if type(r.status) is int else int(r.status)
    body = _text(r.body).encode("utf-8", "replace") if r.body is not None else b""
    extra = None
    if r.headers is not None and len(r.headers):
        extra = [(_text(k), _text(v)) for k, v in r.headers.items()]
    return status, body, extra


def _process_request(rt: _Router, req: _Request):
    """Body of the per-connection Mesh process. Never raises (Exception):
    a crash is reported here and turned into a 500."""
    try:
        return _dispatch(rt, req)
    except Exception as e:           # MeshPanic or an internal error
        _report_crash("HTTP handler panicked", e)
        return 500, b"Internal Server Error", None


async def _serve_connection(rt: _Router, reader, writer, runner):
    try:
        try:
            method, target, headers, body = await _read_request(reader)
        except _ParseError as e:
            _eprint(f"[mesh-rt] HTTP parse error: {e}")
            return
        req = _build_request(method, target, headers, body)
        try:
            status, rbody, extra = await runner(rt, req)
        except BaseException as e:    # the process was killed
            import asyncio
            if isinstance(e, asyncio.CancelledError):
                raise
            _report_crash("HTTP handler panicked", e)
            status, rbody, extra = 500, b"Internal Server Error", None
        try:
            writer.write(_wire(status, rbody, extra))
            await writer.drain()
        except (ConnectionError, OSError):
            pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


def _process_runner():
    """How a request's handler is run: a fresh Mesh process when the runtime
    drives us, else a worker thread (plain Python callers)."""
    if _in_process():
        rt = _runtime()

        def run(router_, req):
            return rt.run_in_process(_process_request, (router_, req))
        return run

    import asyncio

    def run_thread(router_, req):
        return asyncio.get_running_loop().run_in_executor(None, _process_request, router_, req)
    return run_thread


async def _start_server(rt: _Router, port: int, runner, ssl=None):
    import asyncio

    async def on_conn(reader, writer):
        await _serve_connection(rt, reader, writer, runner)
    return await asyncio.start_server(on_conn, "0.0.0.0", port, ssl=ssl,
                                      limit=_MAX_HEADER_BYTES + 2, backlog=1024)


async def _serve_forever(server):
    async with server:
        await server.serve_forever()


def _serve(r, port, ssl=None, tls=False):
    rt = _router_of(r)
    addr = f"0.0.0.0:{port}"
    runner = _process_runner()
    try:
        server = _block_on(_start_server(rt, port, runner, ssl))
    except (OSError, OverflowError) as e:
        if tls:
            _eprint(f"[mesh-rt] Failed to bind {addr}: {_os_error_text(e)}")
        else:
            _eprint(f"[mesh-rt] Failed to start HTTP server on {addr}: {_os_error_text(e)}")
        return None
    kind = "HTTPS" if tls else "HTTP"
    _eprint(f"[mesh-rt] {kind} server listening on {addr}")
    _block_on(_serve_forever(server))
    return None


def serve(r, port):
    """Bind 0.0.0.0:port and serve forever (returns only if binding fails)."""
    return _serve(r, port)


def serve_tls(r, port, cert_path, key_path):
    import ssl as _ssl
    try:
        ctx = _ssl.SSLContext(_ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_path, key_path)
    except (OSError, _ssl.SSLError, ValueError) as e:
        _eprint(f"[mesh-rt] Failed to load TLS certificates: {e}")
        return None
    return _serve(r, port, ctx, tls=True)


# ---------------------------------------------------------------- client

async def _client_request(method: str, url: str, body=None):
    import aiohttp
    headers = {"Content-Type": "application/json"} if method == "POST" else None
    data = body.encode("utf-8") if body is not None else None
    try:
        async with aiohttp.ClientSession() as session:
            async with session.request(method, url, data=data, headers=headers,
                                       allow_redirects=True) as resp:
                payload = await resp.read()
                if 200 <= resp.status < 300:
                    return _ok(payload.decode("utf-8", "replace"))
                return _err(f"{url}: status code {resp.status}")
    except aiohttp.InvalidURL:
        return _err(f"{url}: Bad URL: failed to parse URL")
    except aiohttp.ClientConnectorError as e:
        inner = e.os_error
        if isinstance(inner, OSError) and inner.errno is not None and inner.errno < 0:
            # getaddrinfo failures carry negative EAI_* codes
            return _err(f"{url}: Dns Failed: resolve dns name: {inner.strerror or inner}")
        return _err(f"{url}: Connection Failed: Connect error: {_os_error_text(inner)}")
    except aiohttp.ClientError as e:
        return _err(f"{url}: {type(e).__name__}: {e}")
    except ValueError as e:
        return _err(f"{url}: Bad URL: {e}")


def get(url):
    return _block_on(_client_request("GET", url))


def post(url, body):
    return _block_on(_client_request("POST", url, body))


__all__ = ["router", "route", "on_get", "on_post", "on_put", "on_delete", "use",
           "serve", "serve_tls", "response", "response_with_headers", "get", "post"]
