"""Graceful shutdown on SIGTERM / SIGINT.

SIGTERM always asks the program to stop gracefully. SIGINT (Ctrl-C) does so
when the program serves HTTP / WebSocket or registered `Process.on_shutdown`
callbacks; otherwise it interrupts at once (KeyboardInterrupt in the main
thread: the CLI flushes output and exits 130).

A graceful shutdown, started by the first signal:

  1. every HTTP / WebSocket server stops accepting: its listening socket is
     closed (a new connection is refused), idle keep-alive connections are
     closed, every answer still to come says `Connection: close`, open
     WebSocket connections are closed with 1001 "server shutting down";
  2. the requests being handled finish, for at most MESH_SHUTDOWN_TIMEOUT
     seconds (default 10); handlers still running then are killed and their
     connections dropped (one `[mesh-rt] shutdown: ...` line says so);
  3. a new Mesh process calls every `Process.on_shutdown` callback, in
     registration order (a callback may make service calls, query the
     database, sleep, ...; a crashing callback is reported and the next one
     still runs);
  4. stdout and stderr are flushed and the program exits with status 0.

A second SIGTERM / SIGINT during the shutdown ends the program at once with
128 + the signal number (143 / 130). If the runtime does not start the
shutdown at all within the bound + 5 s (its thread stuck in a blocking call),
the program is ended the same way.

With nothing to drain and no callback (a plain script, idle actors), SIGTERM
flushes the output and exits 0 at once: SIGTERM is how service managers
(systemd, Docker, Kubernetes) ask a program to stop, and an orderly stop is
a success, whatever the program happened to contain. Ctrl-C stays an
interruption (130).

Python runs signal handlers in the main thread only, and only the main
thread may install them, while a Mesh program runs in a thread of its own.
So the CLI calls `install()` (main thread) before starting the program; the
handler hands the work to the runtime's event loop with
`call_soon_threadsafe`.

Servers take part through `add_server(s)` / `remove_server(s)`; `s` has
begin_shutdown() (on the loop: stop accepting), `async drained()` (returns
when nothing is in flight), in_flight() -> int and cut_off() (drop what is
left).
"""
from __future__ import annotations

import os
import signal
import sys
import threading

DEFAULT_TIMEOUT = 10.0
TIMEOUT_ENV = "MESH_SHUTDOWN_TIMEOUT"

_callbacks: list = []
_servers: list = []
_lock = threading.Lock()
_shutting_down = False
_installed = False
_started = threading.Event()        # the runtime began the shutdown


def on_shutdown(fn) -> None:
    """Register fn (a 0-argument callable, e.g. a Mesh function value).

    Called from a Mesh process, this also starts the runtime's event loop
    (if nothing has yet), so that the callbacks can run beside a main that
    only sleeps."""
    with _lock:
        _callbacks.append(fn)
    from . import scheduler
    if scheduler._st.current is not None and not scheduler._st.closing:
        scheduler.loop()


def callbacks() -> list:
    with _lock:
        return list(_callbacks)


def add_server(server) -> None:
    with _lock:
        _servers.append(server)


def remove_server(server) -> None:
    with _lock:
        try:
            _servers.remove(server)
        except ValueError:
            pass


def servers() -> list:
    with _lock:
        return list(_servers)


def shutting_down() -> bool:
    return _shutting_down


def reset() -> None:
    """Forget the callbacks, servers and shutdown state (a new program run)."""
    global _shutting_down
    with _lock:
        _callbacks.clear()
        _servers.clear()
        _shutting_down = False
    _started.clear()


def shutdown_timeout() -> float:
    """MESH_SHUTDOWN_TIMEOUT (seconds, >= 0), else 10."""
    raw = os.environ.get(TIMEOUT_ENV)
    if raw:
        try:
            t = float(raw)
            if t >= 0 and t == t and t != float("inf"):
                return t
        except ValueError:
            pass
    return DEFAULT_TIMEOUT


def install() -> bool:
    """Install the SIGTERM / SIGINT handlers; call from the main thread.
    False (nothing installed) when called from another thread."""
    global _installed
    if threading.current_thread() is not threading.main_thread():
        return False
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            signal.signal(sig, _handler)
        except (ValueError, OSError):      # pragma: no cover - exotic platforms
            return False
    _installed = True
    return True


def _flush() -> None:
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:
            pass


def _eprint(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except Exception:
        pass


def _quick(signum: int) -> None:
    """Nothing to drain or run: SIGINT interrupts, SIGTERM exits 0."""
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    _flush()
    os._exit(0)


def _handler(signum, _frame) -> None:
    global _shutting_down
    with _lock:
        work = bool(_callbacks) or bool(_servers)
        again = _shutting_down
        graceful = work or signum == signal.SIGTERM
        if graceful and not again:
            _shutting_down = True
    if again:
        _flush()
        os._exit(128 + signum)
    if not work:
        _quick(signum)
        return
    from . import scheduler
    loop = scheduler._st.loop
    if loop is None or loop.is_closed():
        # No process other than main has ever run: nothing can run the
        # callbacks concurrently with main (and no server exists).
        _quick(signum)
        return
    try:
        loop.call_soon_threadsafe(_begin, signum)
    except RuntimeError:                    # the loop closed meanwhile
        _quick(signum)
        return
    _watch(signum, shutdown_timeout() + 5.0)


def _watch(signum: int, seconds: float) -> None:
    """End the program if the runtime never starts the shutdown."""
    def watchdog():
        if not _started.wait(seconds):
            _eprint("[mesh-rt] shutdown: the program did not respond; exiting")
            _flush()
            os._exit(128 + signum)
    threading.Thread(target=watchdog, name="mesh-shutdown-watchdog", daemon=True).start()


def _begin(signum: int) -> None:
    """On the hub's loop: stop accepting, then start the process that waits
    for the requests in flight and runs the callbacks."""
    from . import scheduler
    st = scheduler._st
    if st.stopping or st.closing:
        return
    _started.set()
    srvs = servers()
    for s in srvs:
        try:
            s.begin_shutdown()
        except Exception as e:              # a bug in a server: say so, go on
            scheduler._panic_reporter(e, None)
    if srvs:
        busy = sum(s.in_flight() for s in srvs)
        _eprint(f"[mesh-rt] shutting down ({signal.Signals(signum).name}): no new "
                f"connections; waiting for {busy} connection(s), at most "
                f"{shutdown_timeout():g}s")
    scheduler.spawn(_shutdown, (signum,))


async def _drain(servers_: list, timeout: float) -> bool:
    """True when every server finished its work within `timeout` seconds."""
    import asyncio
    waits = [s.drained() for s in servers_]
    if not waits:
        return True
    try:
        async with asyncio.timeout(timeout):
            await asyncio.gather(*waits)
        return True
    except TimeoutError:
        return False


def _shutdown(signum: int) -> None:
    from ..errors import MeshError, report
    from . import scheduler
    srvs = servers()
    if srvs:
        timeout = shutdown_timeout()
        if not scheduler.await_coroutine(_drain(srvs, timeout)):
            left = sum(s.in_flight() for s in srvs)
            _eprint(f"[mesh-rt] shutdown: {left} connection(s) still busy after "
                    f"{timeout:g}s; closing them")
            for s in srvs:
                try:
                    s.cut_off()
                except Exception as e:
                    scheduler._panic_reporter(e, None)
    for cb in callbacks():
        try:
            cb()
        except scheduler.ProcessExit:
            raise
        except MeshError as e:
            _flush()
            report(e)
        except Exception as e:              # a bug in a native: say so, go on
            scheduler._panic_reporter(e, None)
    _flush()
    scheduler.program_exit(0)


__all__ = ["on_shutdown", "callbacks", "add_server", "remove_server", "servers",
           "shutting_down", "shutdown_timeout", "reset", "install"]
