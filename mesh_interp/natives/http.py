"""HTTP.* natives (stdlib.md §12): router, server, responses, client.

The server is our own connection handling (asyncio protocols on the
runtime's loop) with aiohttp's HTTP/1.1 request parser (llhttp) doing the
parsing; it writes the reference's exact response bytes itself (`_wire`:
the fixed `Content-Type`, `Connection: close`, no `Server`/`Date`), which
aiohttp's web server cannot, and keeps header names as sent for
case-sensitive `Request.header`. Like the reference it answers one request
per connection; a client that asks for `Connection: keep-alive` gets
`Connection: keep-alive` and may send its next request on the same
connection. Each request's routing, middleware and handler run in a Mesh
process of its own, which writes the answer, so handlers run concurrently
and may block (service calls, database queries); a crashing handler is
logged and answered with a 500 while the server keeps serving. On SIGTERM /
SIGINT the server takes part in the graceful shutdown (runtime/signals.py):
see `_Server`.

The client (HTTP.get / HTTP.post) uses aiohttp; aiohttp is imported only
when the client or a server is first used, so programs that never touch
HTTP pay nothing for it.

Also home of the glue every I/O native shares (`_block_on`, `_loop`): a
blocking wait inside a native goes through runtime.await_coroutine, which
parks only the calling Mesh process.
"""
from __future__ import annotations

import sys as _sys

from ..errors import MeshExit as _MeshExit
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


_STATUS_LINES: dict = {}     # status -> b"HTTP/1.1 <status> <reason>\r\nContent-Type: ...\r\n"


def _wire(status: int, body: bytes, extra, keep_alive: bool = False) -> bytes:
    """The reference's exact response bytes (stdlib.md §12.4). With
    keep_alive (only for a client that asked for it) the connection header
    says `keep-alive` instead of `close`."""
    status &= 0xFFFF
    first = _STATUS_LINES.get(status)
    if first is None:
        first = _STATUS_LINES[status] = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}\r\n"
            "Content-Type: application/json; charset=utf-8\r\n").encode()
    conn = b"\r\nConnection: keep-alive\r\n" if keep_alive else b"\r\nConnection: close\r\n"
    if not extra:
        return b"%sContent-Length: %d%s\r\n%s" % (first, len(body), conn, body)
    head = "".join([f"{k}: {v}\r\n" for k, v in extra]).encode("utf-8", "replace")
    return b"%sContent-Length: %d%s%s\r\n%s" % (first, len(body), conn, head, body)


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


def _new_parser(loop, max_headers: int = _MAX_HEADERS):
    parser_cls = _parser_api()[0]
    return parser_cls(_PROTOCOL, loop, _MAX_HEADER_BYTES,
                      max_line_size=_MAX_HEADER_BYTES, max_field_size=_MAX_HEADER_BYTES,
                      max_headers=max_headers, auto_decompress=False, max_msg_queue_size=1)


class _RequestParser:
    """One request, fed incrementally to aiohttp's HTTP/1.1 parser (llhttp).

    `feed(data)` returns True once the request is complete (raises
    _ParseError with the reason to log); then `result()` is (method, target,
    [(name, value)], body) with header names as sent, and `leftover()` the
    number of bytes the client sent beyond this request (-1: unknown).

    Limits (stdlib.md §12.3): request line + headers <= 8192 bytes, <= 100
    headers, a body over _MAX_BODY_BYTES is refused (the time limits are the
    caller's: the whole head within _READ_TIMEOUT, each body read within
    _READ_TIMEOUT)."""

    __slots__ = ("loop", "parser", "received", "msg", "payload", "placeholder", "upgraded",
                 "fed", "head_len")

    def __init__(self, loop):
        self.loop = loop
        self.parser = _new_parser(loop)
        self.received = bytearray()     # the bytes of the head, until it is parsed
        self.msg = self.payload = None
        self.placeholder = False
        self.upgraded = False
        self.fed = 0                    # bytes fed, this request
        self.head_len = -1

    def phase(self) -> str:
        if self.msg is not None:
            return "body"
        return "header" if b"\n" in self.received else "request line"

    def _feed(self, parser, data):
        """parser.feed_data, its errors turned into our log reasons."""
        _cls, http_error, line_errors, too_long = _parser_api()
        try:
            return parser.feed_data(data)
        except too_long:
            raise _ParseError("header section exceeds 8KB limit")
        except line_errors as e:
            raise _ParseError(f"malformed request line: {_request_line_of(self.received)} "
                              f"({_llhttp_reason(e, False)})")
        except http_error as e:
            if "Too many headers" in str(e):
                raise _ParseError(f"too many headers (max {_MAX_HEADERS})")
            raise _ParseError(f"malformed request: {_llhttp_reason(e)}")

    def feed(self, data) -> bool:
        self.fed += len(data)
        msg = self.msg
        if msg is None:
            self.received += data
        try:
            messages, upgraded, _tail = self._feed(self.parser, data)
        except _ParseError as e:
            if msg is not None or self.placeholder or _MISSING_HOST not in str(e):
                raise
            # llhttp accepts an HTTP/1.1 request without Host; aiohttp's
            # wrapper rejects it, the reference serves it. Parse the head
            # again with an empty Host placed first, and drop that header.
            received = self.received
            start = len(received) - len(received.lstrip(b"\r\n"))
            at = received.find(b"\n", start) + 1
            self.parser, self.placeholder = _new_parser(self.loop, _MAX_HEADERS + 1), True
            messages, upgraded, _tail = self._feed(
                self.parser, bytes(received[:at]) + b"Host: \r\n" + bytes(received[at:]))
        if msg is None:
            received = self.received
            if messages:
                msg, self.payload = messages[0]
                self.msg = msg
                start = len(received) - len(received.lstrip(b"\r\n"))
                end = received.find(b"\r\n\r\n", start)
                if (end + 4 if end >= 0 else len(received)) > _MAX_HEADER_BYTES:
                    raise _ParseError("header section exceeds 8KB limit")
                self.head_len = end + 4 if end >= 0 else -1
                self.received = None
                length = msg.headers.get("Content-Length")
                if length is not None and int(length) > _MAX_BODY_BYTES:
                    raise _ParseError(f"body exceeds {_MAX_BODY_BYTES >> 20}MB limit")
            elif len(received) > _MAX_HEADER_BYTES:
                raise _ParseError("header section exceeds 8KB limit")
            else:
                return False
        payload = self.payload
        if payload.total_bytes > _MAX_BODY_BYTES:
            raise _ParseError(f"body exceeds {_MAX_BODY_BYTES >> 20}MB limit")
        if upgraded or payload.is_eof():
            self.upgraded = upgraded
            return True
        return False

    def eof_error(self) -> _ParseError:
        """The reason to log when the client closed before the request ended."""
        if self.msg is not None:
            return _ParseError("read body: failed to fill whole buffer")
        if not self.received.strip():
            return _ParseError("malformed request line: ")
        return _ParseError(f"read {self.phase()}: connection closed before the end of the "
                           "request head")

    def result(self):
        msg = self.msg
        try:
            body = self.payload.read_nowait(-1)
        except Exception:
            body = b""
        try:
            raw = msg.raw_headers[1:] if self.placeholder else msg.raw_headers
            headers = [(n.decode("utf-8"), v.decode("utf-8")) for n, v in raw]
            target = msg.path
            if not target.isascii():
                target.encode("utf-8")
        except (UnicodeDecodeError, UnicodeEncodeError):
            raise _ParseError("read header: stream did not contain valid UTF-8")
        self.payload = body         # for leftover()
        return msg.method, target, headers, body

    def leftover(self) -> int:
        """Bytes received beyond the request (after result()); -1 when the
        end of the request is not known (chunked body, upgrade)."""
        msg = self.msg
        if self.head_len < 0 or self.upgraded or msg.chunked or type(self.payload) is not bytes:
            return -1
        return self.fed - self.head_len - len(self.payload)

    def wants_keep_alive(self) -> bool:
        """The client asked to keep the connection open (`Connection:
        keep-alive`; HTTP/1.1's implicit keep-alive is not enough, as the
        reference always closes) and sent nothing beyond this request."""
        value = self.msg.headers.get("Connection")
        if value is None or self.placeholder:
            return False
        tokens = value.lower()
        if "keep-alive" not in tokens:
            return False
        if "close" in [t.strip() for t in tokens.split(",")]:
            return False
        return self.leftover() == 0


async def _read_request(reader):
    """Read one request from an asyncio StreamReader (see _RequestParser):
    the whole head must arrive within _READ_TIMEOUT seconds (so a client
    trickling bytes cannot hold the connection) and each read of the body
    waits at most _READ_TIMEOUT seconds. Anything the client sends after the
    request is ignored."""
    import asyncio
    loop = asyncio.get_running_loop()
    rp = _RequestParser(loop)
    head_deadline = loop.time() + _READ_TIMEOUT
    while True:
        phase = rp.phase()
        try:
            async with asyncio.timeout_at(head_deadline if rp.msg is None
                                          else loop.time() + _READ_TIMEOUT):
                data = await reader.read(_READ_CHUNK)
        except TimeoutError:
            raise _ParseError(f"read {phase}: Resource temporarily unavailable (os error 11)")
        except (ConnectionError, OSError) as e:
            raise _ParseError(f"read {phase}: {_os_error_text(e)}")
        if not data:                                    # EOF
            raise rp.eof_error()
        if rp.feed(data):
            return rp.result()


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
    """Route and run one request's handler. Never raises (Exception): a
    crash is reported here and turned into a 500."""
    try:
        return _dispatch(rt, req)
    except _MeshExit:
        raise
    except Exception as e:           # MeshPanic or an internal error
        _report_crash("HTTP handler panicked", e)
        return 500, b"Internal Server Error", None


# ---------------------------------------------------------------- the server
#
# One _Server per HTTP.serve: the listening socket (asyncio's create_server)
# and its live connections. Each connection is a _Connection protocol: bytes
# go straight from the transport into a _RequestParser; a complete request
# is handed to a new Mesh process (scheduler.spawn) that runs the router and
# the handler and writes the answer to the transport itself. Nothing else
# runs per request: no asyncio task or future, no stream objects.
#
# Keep-alive: the reference answers one request per connection and closes.
# So do we, unless the client asked for `Connection: keep-alive` (and sent
# nothing beyond its request): then the answer says `Connection: keep-alive`
# and the connection waits for the next request, under the same limits (the
# next head must be complete within _READ_TIMEOUT; an idle connection is
# closed then, quietly).
#
# Graceful shutdown (runtime/signals.py): begin_shutdown() closes the
# listening socket, closes idle connections and makes every answer still to
# come `Connection: close`; drained() waits until no connection is left;
# cut_off() kills the handlers still running and drops their connections.

_READING, _HANDLING, _CLOSING = 0, 1, 2


class _Connection:
    """asyncio protocol of one HTTP connection (duck-typed: asyncio is not
    imported until a server starts)."""

    __slots__ = ("srv", "loop", "transport", "state", "rp", "deadline", "timer", "keep",
                 "served", "pid")

    def __init__(self, srv):
        self.srv = srv
        self.loop = srv.loop
        self.transport = None
        self.state = _READING
        self.rp = None              # _RequestParser of the request being read
        self.deadline = 0.0
        self.timer = None
        self.keep = False           # keep the connection after this answer
        self.served = 0             # requests answered
        self.pid = None             # the handler's process while it runs

    # ------------------------------------------------ asyncio protocol

    def connection_made(self, transport):
        self.transport = transport
        srv = self.srv
        srv.conns.add(self)
        if srv.draining:
            self.state = _CLOSING
            transport.abort()
            return
        self._await_request()

    def data_received(self, data):
        if self.state != _READING:
            if self.state == _HANDLING:
                # the client did not wait for the answer (pipelining, junk):
                # answer, then close; read nothing more meanwhile
                self.keep = False
                try:
                    self.transport.pause_reading()
                except Exception:
                    pass
            return
        rp = self.rp
        if rp is None:
            rp = self.rp = _RequestParser(self.loop)
        try:
            done = rp.feed(data)
            if not done:
                if rp.msg is not None:      # each read of the body: its own deadline
                    self.deadline = self.loop.time() + _READ_TIMEOUT
                return
            method, target, headers, body = rp.result()
        except _ParseError as e:
            _eprint(f"[mesh-rt] HTTP parse error: {e}")
            self._close()
            return
        except Exception as e:              # anything else the parser raises
            _eprint(f"[mesh-rt] HTTP parse error: malformed request: "
                    f"{type(e).__name__}: {e}")
            self._close()
            return
        self.rp = None
        self.state = _HANDLING
        self.keep = not self.srv.draining and rp.wants_keep_alive()
        self.srv.run(self, _build_request(method, target, headers, body))

    def eof_received(self):
        if self.state == _READING:
            rp = self.rp
            if rp is not None:
                _eprint(f"[mesh-rt] HTTP parse error: {rp.eof_error()}")
            elif not self.served:
                _eprint("[mesh-rt] HTTP parse error: malformed request line: ")
            self._close()
            return False
        if self.state == _CLOSING:
            return False
        self.keep = False           # answer, then close (TLS cannot half-close)
        return self.transport.get_extra_info("sslcontext") is None

    def connection_lost(self, exc):
        self.state = _CLOSING
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        srv = self.srv
        srv.conns.discard(self)
        if srv.draining and not srv.conns:
            srv.wake()

    def pause_writing(self):
        pass

    def resume_writing(self):
        pass

    # ------------------------------------------------ ours

    def _await_request(self):
        """Wait for the next request: its head must be complete in time."""
        self.state = _READING
        self.deadline = self.loop.time() + _READ_TIMEOUT
        if self.timer is None:
            self.timer = self.loop.call_at(self.deadline, self._on_timer)

    def _on_timer(self):
        self.timer = None
        if self.state != _READING:
            return
        if self.loop.time() < self.deadline:
            self.timer = self.loop.call_at(self.deadline, self._on_timer)
            return
        rp = self.rp
        if rp is not None or not self.served:
            phase = rp.phase() if rp is not None else "request line"
            _eprint(f"[mesh-rt] HTTP parse error: read {phase}: Resource temporarily "
                    "unavailable (os error 11)")
        self._close()               # (an idle keep-alive connection: quietly)

    def _close(self):
        self.state = _CLOSING
        try:
            self.transport.close()
        except Exception:
            pass

    def respond(self, status, body, extra):
        """Write the answer (from the handler's process or the loop)."""
        self.pid = None
        if self.state != _HANDLING:
            return                  # the client is gone
        keep = self.keep and not self.srv.draining
        self.served += 1
        try:
            self.transport.write(_wire(status, body, extra, keep))
        except Exception:
            keep = False
        if keep:
            self._await_request()
        else:
            self._close()

    def drain(self):
        """Shutdown began: an idle connection closes now, the others after
        their answer."""
        self.keep = False
        if self.state == _READING and self.rp is None:
            self._close()

    def cut_off(self):
        self.state = _CLOSING
        try:
            self.transport.abort()
        except Exception:
            pass


def _handle(conn: _Connection, router: _Router, req: _Request) -> None:
    """Body of a request's Mesh process: run it, write the answer."""
    from ..runtime import ProcessExit, reason_text
    try:
        status, body, extra = _process_request(router, req)
    except ProcessExit as e:                # killed by an exit signal
        if not conn.srv.cut:
            from ..errors import MeshPanic
            _report_crash("HTTP handler panicked",
                          MeshPanic(f"process exited: {reason_text(e.reason)}"))
            conn.respond(500, b"Internal Server Error", None)
        raise
    conn.respond(status, body, extra)


class _Server:
    """One HTTP.serve: its listening socket and live connections."""

    def __init__(self, router: _Router, loop, in_runtime: bool):
        self.router = router
        self.loop = loop
        self.server = None          # asyncio.Server
        self.conns: set = set()
        self.draining = False
        self.cut = False
        self.waiter = None
        if in_runtime:
            from ..runtime import spawn
            self._spawn = spawn
        else:
            self._spawn = None

    def run(self, conn: _Connection, req: _Request) -> None:
        """Start the request's handler: a new Mesh process when the runtime
        drives us, else a worker thread (plain Python callers)."""
        if self._spawn is not None:
            conn.pid = self._spawn(_handle, (conn, self.router, req))
            return
        fut = self.loop.run_in_executor(None, _process_request, self.router, req)

        def done(f, conn=conn):
            if f.cancelled():
                return
            e = f.exception()
            if e is not None:
                _report_crash("HTTP handler panicked", e)
                conn.respond(500, b"Internal Server Error", None)
            else:
                conn.respond(*f.result())
        fut.add_done_callback(done)

    # ------------------------------------------------ graceful shutdown (signals.py)

    def begin_shutdown(self) -> None:
        if self.draining:
            return
        self.draining = True
        if self.server is not None:
            self.server.close()
        for c in list(self.conns):
            c.drain()

    def wake(self) -> None:
        w = self.waiter
        if w is not None and not w.done():
            w.set_result(None)

    async def drained(self) -> None:
        while self.conns:
            self.waiter = self.loop.create_future()
            await self.waiter

    def in_flight(self) -> int:
        """Connections reading or handling a request."""
        return sum(1 for c in self.conns if c.state != _CLOSING)

    def cut_off(self) -> None:
        self.cut = True
        from ..runtime import KILL, exit as _exit
        for c in list(self.conns):
            if c.pid is not None:
                try:
                    _exit(c.pid, KILL)
                except Exception:
                    pass
            c.cut_off()


async def _start_server(rt: _Router, port: int, in_runtime: bool, ssl=None):
    import asyncio
    _parser_api()               # import aiohttp's parser before the first request
    loop = asyncio.get_running_loop()
    srv = _Server(rt, loop, in_runtime)
    srv.server = await loop.create_server(lambda: _Connection(srv), _BIND_HOST, port,
                                          ssl=ssl, backlog=1024)
    from ..runtime import signals
    signals.add_server(srv)         # before "listening" is printed
    if signals.shutting_down():     # a signal came while binding
        srv.begin_shutdown()
    return srv


async def _serve_forever(srv: _Server):
    """Wait for ever (the program ends with the server). If the serving
    process is killed, the listening socket is closed."""
    from ..runtime import signals
    try:
        await srv.loop.create_future()
    finally:
        if not srv.draining:
            srv.server.close()
        signals.remove_server(srv)


_BIND_HOST = "0.0.0.0"


def _serve(r, port, ssl=None, tls=False):
    rt = _router_of(r)
    addr = f"0.0.0.0:{port}"
    from ..runtime import signals
    if signals.shutting_down():
        return None                 # the program is stopping: accept nothing new
    try:
        srv = _block_on(_start_server(rt, port, _in_process(), ssl))
    except (OSError, OverflowError) as e:
        if tls:
            _eprint(f"[mesh-rt] Failed to bind {addr}: {_os_error_text(e)}")
        else:
            _eprint(f"[mesh-rt] Failed to start HTTP server on {addr}: {_os_error_text(e)}")
        return None
    kind = "HTTPS" if tls else "HTTP"
    _eprint(f"[mesh-rt] {kind} server listening on {addr}")
    _block_on(_serve_forever(srv))
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
