"""Ws.* natives (stdlib.md §13): a WebSocket server with rooms, on aiohttp.

`Ws.serve` binds its own port, starts accepting on the runtime's event loop
and returns at once. Each connection runs in a Mesh process of its own
(runtime.run_in_process): `on_connect(conn, path, headers)` (non-zero
accepts, 0 rejects with close 1008 `rejected`), then `on_message(conn, text)`
for every text or binary message in arrival order, then
`on_close(conn, 1000, "")` after the connection has left all its rooms. A
crash in `on_message` closes with 1011 `internal error` and calls
`on_close(conn, 1011, "internal error")`; other connections are unaffected.

Connections are plain Int handles (never 0). aiohttp is imported only when
`Ws.serve` is first called.
"""
from __future__ import annotations

from ..eval.collections import MeshMap as _MeshMap
from .http import (_block_on, _eprint, _in_process, _os_error_text, _report_crash,
                   _runtime)

_MAX_MESSAGE = 16 * 1024 * 1024
_HEARTBEAT = 30.0

_conns: dict = {}            # handle -> _Conn
_rooms: dict = {}            # room name -> {handle: None} (insertion-ordered set)
_next = [1]


class _Conn:
    __slots__ = ("id", "ws", "rooms", "closing", "pid", "shutdown")

    def __init__(self, id_, ws):
        self.id = id_
        self.ws = ws
        self.rooms: dict = {}
        self.closing = False
        self.pid = None             # the connection's process
        self.shutdown = False       # closed by the server's graceful shutdown


_GOING_AWAY = (1001, "server shutting down")


class _WsServer:
    """One Ws.serve: its listening socket and live connections, for the
    graceful shutdown (runtime/signals.py): begin_shutdown() closes the
    listening socket and every open connection with 1001 "server shutting
    down" (each connection's on_close still runs, with that code); drained()
    waits for the connections' processes to end; cut_off() kills those
    still running."""

    def __init__(self, loop):
        self.loop = loop
        self.server = None          # asyncio.Server
        self.conns: dict = {}       # handle -> _Conn, connections being served
        self.active = 0             # requests (upgrades, then connections) being handled
        self.draining = False
        self.waiter = None

    def busy(self) -> bool:
        return self.active > 0

    def wake(self) -> None:
        w = self.waiter
        if self.draining and not self.busy() and w is not None and not w.done():
            w.set_result(None)

    def begin_shutdown(self) -> None:
        if self.draining:
            return
        self.draining = True
        if self.server is not None:
            self.server.close()
        for conn in list(self.conns.values()):
            conn.shutdown = True
            self.loop.create_task(_close(conn.ws, *_GOING_AWAY))

    async def drained(self) -> None:
        while self.busy():
            self.waiter = self.loop.create_future()
            await self.waiter

    def in_flight(self) -> int:
        return self.active

    def cut_off(self) -> None:
        """Kill the connection processes still running (their sockets close
        when the program exits, right after)."""
        from ..runtime import KILL, exit as _exit
        for conn in list(self.conns.values()):
            conn.closing = True
            if conn.pid is not None:
                try:
                    _exit(conn.pid, KILL)
                except Exception:
                    pass


# ---------------------------------------------------------------- handshake

def _validate(request) -> str | None:
    """The reference's upgrade checks, in its order; the failure reason."""
    if request.method.upper() != "GET":
        return "method must be GET"
    h = request.headers            # case-insensitive lookups here, as upstream
    if "websocket" not in h.get("Upgrade", "\0").lower():
        return "missing or invalid Upgrade header"
    if "upgrade" not in h.get("Connection", "\0").lower():
        return "missing or invalid Connection header"
    if "Sec-WebSocket-Key" not in h:
        return "missing Sec-WebSocket-Key header"
    if h.get("Sec-WebSocket-Version") != "13":
        return "missing or invalid Sec-WebSocket-Version (must be 13)"
    return None


def _raw_headers(request) -> _MeshMap:
    pairs = [(k.decode("utf-8", "replace"), v.decode("utf-8", "replace"))
             for k, v in request.raw_headers]
    return _MeshMap.from_pairs(pairs)


# ---------------------------------------------------------------- connection process

def _leave_all(conn: _Conn) -> None:
    for room in list(conn.rooms):
        members = _rooms.get(room)
        if members is not None:
            members.pop(conn.id, None)
            if not members:
                del _rooms[room]
    conn.rooms.clear()


async def _close(ws, code: int, reason: str) -> None:
    try:
        await ws.close(code=code, message=reason.encode())
    except Exception:
        pass


def _connection(conn: _Conn, path: str, headers, cbs) -> None:
    """Body of a connection's Mesh process."""
    import aiohttp
    on_connect, on_message, on_close = cbs
    ws = conn.ws
    if _in_process():
        conn.pid = _runtime().self_pid()
    try:
        try:
            accepted = on_connect(conn.id, path, headers)
        except Exception as e:
            _report_crash("WebSocket on_connect panicked", e)
            conn.closing = True
            _leave_all(conn)
            _block_on(_close(ws, 1011, "internal error"))
            return
        if not accepted:
            conn.closing = True
            _leave_all(conn)
            _block_on(_close(ws, 1008, "rejected"))
            return
        crashed = False
        try:
            while True:
                msg = _block_on(ws.receive())
                t = msg.type
                if t is aiohttp.WSMsgType.TEXT:
                    on_message(conn.id, msg.data)
                elif t is aiohttp.WSMsgType.BINARY:
                    on_message(conn.id, msg.data.decode("utf-8", "replace"))
                elif t in (aiohttp.WSMsgType.PING, aiohttp.WSMsgType.PONG):
                    continue
                else:              # CLOSE, CLOSING, CLOSED, ERROR
                    break
        except Exception as e:
            crashed = True
            _report_crash("WebSocket handler panicked", e)
        _leave_all(conn)
        conn.closing = True
        if crashed:
            _block_on(_close(ws, 1011, "internal error"))
            code, reason = 1011, "internal error"
        elif conn.shutdown:
            code, reason = _GOING_AWAY
        else:
            _block_on(_close(ws, 1000, ""))
            code, reason = 1000, ""
        try:
            on_close(conn.id, code, reason)
        except Exception as e:
            _report_crash("WebSocket on_close panicked", e)
    finally:
        conn.closing = True
        _leave_all(conn)
        _conns.pop(conn.id, None)


def _runner():
    if _in_process():
        rt = _runtime()
        return lambda *args: rt.run_in_process(_connection, args)
    import asyncio

    def thread(*args):
        return asyncio.get_running_loop().run_in_executor(None, _connection, *args)
    return thread


async def _start(cbs, port: int, runner):
    import asyncio

    from aiohttp import web
    loop = asyncio.get_running_loop()
    srv = _WsServer(loop)

    async def handle(request):
        srv.active += 1
        try:
            return await upgrade(request)
        finally:
            srv.active -= 1
            srv.wake()

    async def upgrade(request):
        reason = _validate(request)
        if reason is not None:
            _eprint(f"[mesh-rt] WS upgrade failed: {reason}")
            body = f"Bad Request: {reason}".encode()
            return web.Response(status=400, body=body, headers={
                "Content-Type": "text/plain", "Connection": "close"})
        ws = web.WebSocketResponse(autoping=True, heartbeat=_HEARTBEAT,
                                   max_msg_size=_MAX_MESSAGE, autoclose=True)
        if srv.draining:
            return web.Response(status=503, body=b"Service Unavailable: shutting down",
                                headers={"Content-Type": "text/plain", "Connection": "close"})
        await ws.prepare(request)
        handle_id = _next[0]
        _next[0] += 1
        conn = _Conn(handle_id, ws)
        _conns[handle_id] = conn
        srv.conns[handle_id] = conn
        try:
            await runner(conn, request.raw_path, _raw_headers(request), cbs)
        except asyncio.CancelledError:
            raise
        except BaseException as e:          # the process was killed
            if not (srv.draining and conn.closing):
                _report_crash("WebSocket handler panicked", e)
            conn.closing = True
            _leave_all(conn)
            _conns.pop(handle_id, None)
            await _close(ws, 1011, "internal error")
        finally:
            srv.conns.pop(handle_id, None)
        return ws

    server = web.Server(handle, access_log=None)
    srv.server = await loop.create_server(server, _BIND_HOST, port, backlog=1024)
    return srv


_BIND_HOST = "0.0.0.0"


async def _begin_shutdown(srv: _WsServer) -> None:
    srv.begin_shutdown()


def serve(on_connect, on_message, on_close, port):
    """Start the WebSocket server on 0.0.0.0:`port` and return at once."""
    addr = f"0.0.0.0:{port}"
    from ..runtime import signals
    if signals.shutting_down():
        return None                 # the program is stopping: accept nothing new
    try:
        srv = _block_on(_start((on_connect, on_message, on_close), port, _runner()))
    except (OSError, OverflowError) as e:
        _eprint(f"[mesh-rt] Failed to start WebSocket server on {addr}: {_os_error_text(e)}")
        return None
    signals.add_server(srv)
    if signals.shutting_down():     # a signal came while binding
        _block_on(_begin_shutdown(srv))
    _eprint(f"[mesh-rt] WebSocket server listening on {addr}")
    return None


# ---------------------------------------------------------------- sending and rooms

async def _send_all(wss, text: str) -> int:
    import asyncio
    results = await asyncio.gather(*(ws.send_str(text) for ws in wss), return_exceptions=True)
    return sum(1 for r in results if isinstance(r, BaseException))


def send(conn, text):
    """One text frame to `conn`: 0 on success, -1 if closed or unknown."""
    c = _conns.get(conn)
    if c is None or c.ws.closed:
        return -1
    try:
        return -1 if _block_on(_send_all([c.ws], text)) else 0
    except Exception:
        return -1


def join(conn, room):
    if not conn:
        return -1
    _rooms.setdefault(room, {})[conn] = None
    c = _conns.get(conn)
    if c is not None:
        c.rooms[room] = None
    return 0


def leave(conn, room):
    if not conn:
        return -1
    members = _rooms.get(room)
    if members is not None:
        members.pop(conn, None)
        if not members:
            del _rooms[room]
    c = _conns.get(conn)
    if c is not None:
        c.rooms.pop(room, None)
    return 0


def _broadcast(room, text, except_conn):
    members = _rooms.get(room)
    if not members:
        return 0
    wss = []
    for handle in list(members):
        if handle == except_conn:
            continue
        c = _conns.get(handle)
        if c is None or c.closing or c.ws.closed:
            continue
        wss.append(c.ws)
    if not wss:
        return 0
    return _block_on(_send_all(wss, text))


def broadcast(room, text):
    """Send `text` to every member of `room`; the number of failed writes."""
    return _broadcast(room, text, None)


def broadcast_except(room, text, conn):
    return _broadcast(room, text, conn)


# `send` is a Mesh keyword: the stdlib declares it as `send_`.
send_ = send
