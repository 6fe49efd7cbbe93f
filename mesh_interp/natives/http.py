"""HTTP.* natives (stdlib.md §12): router, server, responses, client.

The server is our own connection handling on asyncio streams with
aiohttp's HTTP/1.1 request parser (llhttp) doing the parsing; it writes the
reference's exact response bytes itself (`_wire`: one request per
connection, `Connection: close`, the fixed `Content-Type`, no
`Server`/`Date`), which aiohttp's web server cannot, and keeps header names
as sent for case-sensitive `Request.header`. Each
connection's routing, middleware and handler run in a Mesh process of its
own (runtime.run_in_process), so handlers run concurrently and may block
(service calls, database queries); a crashing handler is logged and answered
with a 500 while the server keeps serving.

The client (HTTP.get / HTTP.post) uses aiohttp; aiohttp is imported only
when the client or a server is first used, so programs that never touch
HTTP pay nothing for it.

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
_MAX_BODY_BYTES = 16 * 1024 * 1024     # like the Ws message limit (ws.py)
_READ_TIMEOUT = 30.0
_READ_CHUNK = 65536


class _ParserProtocol:
    """What aiohttp's parser and its payload StreamReader expect of the
    connection's protocol (flow control). We read the socket ourselves and
    feed the parser, and a request's body is bounded (_MAX_BODY_BYTES), so
    pausing is a no-op."""

    __slots__ = ()
    _reading_paused = False
    connected = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self, resume_parser: bool = True) -> None:
        pass


_PROTOCOL = _ParserProtocol()
_MISSING_HOST = "Missing 'Host' header"
_aiohttp_parser = None      # (parser class, base error, request-line errors, too-long error)


def _parser_api():
    """aiohttp's HTTP/1.1 request parser (the llhttp-backed C parser when
    aiohttp's extensions are built), imported on first use."""
    global _aiohttp_parser
    if _aiohttp_parser is None:
        from aiohttp import http_exceptions as E
        from aiohttp.http_parser import HttpRequestParser
        _aiohttp_parser = (HttpRequestParser, E.HttpProcessingError,
                           (E.BadHttpMethod, E.BadStatusLine, E.InvalidURLError),
                           (E.LineTooLong,))
    return _aiohttp_parser


def _llhttp_reason(e, with_data: bool = True) -> str:
    """aiohttp's multi-line parser message (reason, the offending bytes as
    a bytes repr, a caret line) as one log line."""
    text = getattr(e, "message", None) or str(e)
    parts = [ln.strip() for ln in str(text).splitlines()]
    parts = [ln.rstrip(":") for ln in parts if ln and ln.strip("^ ")
             and (with_data or not ln.startswith(("b'", 'b"', "bytearray(")))]
    return ": ".join(parts) or type(e).__name__


def _request_line_of(received) -> str:
    line = bytes(received).lstrip(b"\r\n").split(b"\n", 1)[0].rstrip(b"\r")
    return line.decode("utf-8", "replace")


async def _read_request(reader):
    """Read one request from `reader` and parse it with aiohttp's HTTP/1.1
    parser (llhttp); returns (method, target, [(name, value)], body) with
    header names as sent. Raises _ParseError with the reason to log.

    Limits (stdlib.md §12.3): request line + headers <= 8192 bytes, <= 100
    headers, and the whole head must arrive within _READ_TIMEOUT seconds
    (so a client trickling bytes cannot hold the connection); each read of
    the body waits at most _READ_TIMEOUT seconds, and a body over
    _MAX_BODY_BYTES is refused. The body is what the parser delivers for
    Content-Length (or a chunked body); anything the client sends after the
    first request is ignored."""
    import asyncio
    parser_cls, http_error, line_errors, too_long = _parser_api()
    loop = asyncio.get_running_loop()

    def new_parser(max_headers=_MAX_HEADERS):
        return parser_cls(_PROTOCOL, loop, _MAX_HEADER_BYTES,
                          max_line_size=_MAX_HEADER_BYTES, max_field_size=_MAX_HEADER_BYTES,
                          max_headers=max_headers, auto_decompress=False,
                          max_msg_queue_size=1)

    def feed(parser, data):
        """parser.feed_data, its errors turned into our log reasons."""
        try:
            return parser.feed_data(data)
        except too_long:
            raise _ParseError("header section exceeds 8KB limit")
        except line_errors as e:
            raise _ParseError(f"malformed request line: {_request_line_of(received)} "
                              f"({_llhttp_reason(e, False)})")
        except http_error as e:
            if "Too many headers" in str(e):
                raise _ParseError(f"too many headers (max {_MAX_HEADERS})")
            raise _ParseError(f"malformed request: {_llhttp_reason(e)}")

    parser = new_parser()
    received = bytearray()      # the bytes of the head, until it is parsed
    msg = payload = None
    upgraded = False
    placeholder_host = False
    head_deadline = loop.time() + _READ_TIMEOUT
    while True:
        phase = "body" if msg is not None else ("header" if b"\n" in received
                                                else "request line")
        try:
            async with asyncio.timeout_at(head_deadline if msg is None
                                          else loop.time() + _READ_TIMEOUT):
                data = await reader.read(_READ_CHUNK)
        except TimeoutError:
            raise _ParseError(f"read {phase}: Resource temporarily unavailable (os error 11)")
        except (ConnectionError, OSError) as e:
            raise _ParseError(f"read {phase}: {_os_error_text(e)}")
        if not data:                                    # EOF
            if msg is not None:
                raise _ParseError("read body: failed to fill whole buffer")
            if not received.strip():
                raise _ParseError("malformed request line: ")
            raise _ParseError(f"read {phase}: connection closed before the end of the "
                              "request head")
        if msg is None:
            received += data
        try:
            messages, upgraded, _tail = feed(parser, data)
        except _ParseError as e:
            if msg is not None or placeholder_host or _MISSING_HOST not in str(e):
                raise
            # llhttp accepts an HTTP/1.1 request without Host; aiohttp's
            # wrapper rejects it, the reference serves it. Parse the head
            # again with an empty Host placed first, and drop that header.
            start = len(received) - len(received.lstrip(b"\r\n"))
            at = received.find(b"\n", start) + 1
            parser, placeholder_host = new_parser(_MAX_HEADERS + 1), True
            messages, upgraded, _tail = feed(
                parser, bytes(received[:at]) + b"Host: \r\n" + bytes(received[at:]))
        if msg is None:
            if messages:
                msg, payload = messages[0]
                end = received.find(b"\r\n\r\n")
                if (end + 4 if end >= 0 else len(received)) > _MAX_HEADER_BYTES:
                    raise _ParseError("header section exceeds 8KB limit")
                received = None
                length = msg.headers.get("Content-Length")
                if length is not None and int(length) > _MAX_BODY_BYTES:
                    raise _ParseError(f"body exceeds {_MAX_BODY_BYTES >> 20}MB limit")
            elif len(received) > _MAX_HEADER_BYTES:
                raise _ParseError("header section exceeds 8KB limit")
        if msg is not None and payload.total_bytes > _MAX_BODY_BYTES:
            raise _ParseError(f"body exceeds {_MAX_BODY_BYTES >> 20}MB limit")
        if msg is not None and (upgraded or payload.is_eof()):
            break
    try:
        body = payload.read_nowait(-1)
    except Exception:
        body = b""
    try:
        raw = msg.raw_headers[1:] if placeholder_host else msg.raw_headers
        headers = [(n.decode("utf-8"), v.decode("utf-8")) for n, v in raw]
        target = msg.path
        if not target.isascii():
            target.encode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        raise _ParseError("read header: stream did not contain valid UTF-8")
    return msg.method, target, headers, body


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
    _parser_api()               # import aiohttp's parser before the first request

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
