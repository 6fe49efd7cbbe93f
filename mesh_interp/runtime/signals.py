"""Graceful shutdown: run Mesh callbacks on SIGTERM / SIGINT.

Mesh code registers a callback with `Process.on_shutdown(fn)`. When the
program then receives SIGTERM or SIGINT (Ctrl-C):

  1. the first signal starts a new Mesh process that calls every registered
     callback, in registration order (a callback may make service calls,
     query the database, sleep, ...; a crashing callback is reported and the
     next one still runs);
  2. when the last callback returns, the program exits with status 0;
  3. a second SIGTERM / SIGINT while the callbacks run ends the program at
     once with 128 + the signal number (143 / 130).

With no callback registered the signals keep their usual meaning: SIGINT
raises KeyboardInterrupt in the main thread (the CLI exits 130) and
SIGTERM kills the process.

Python runs signal handlers in the main thread only, and only the main
thread may install them, while a Mesh program runs in a thread of its own.
So the CLI calls `install()` (main thread) before starting the program; the
handler hands the work to the runtime's event loop with
`call_soon_threadsafe`.
"""
from __future__ import annotations

import os
import signal
import sys
import threading

_callbacks: list = []
_lock = threading.Lock()
_shutting_down = False
_installed = False


def on_shutdown(fn) -> None:
    """Register fn (a 0-argument callable, e.g. a Mesh function value)."""
    with _lock:
        _callbacks.append(fn)


def callbacks() -> list:
    with _lock:
        return list(_callbacks)


def reset() -> None:
    """Forget the callbacks and the shutdown state (a new program run)."""
    global _shutting_down
    with _lock:
        _callbacks.clear()
        _shutting_down = False


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


def _default(signum: int) -> None:
    """What the signal would have done without us."""
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    signal.signal(signum, signal.SIG_DFL)
    _flush()
    os.kill(os.getpid(), signum)


def _handler(signum, _frame) -> None:
    global _shutting_down
    with _lock:
        have = bool(_callbacks)
        again = _shutting_down
        if have and not again:
            _shutting_down = True
    if not have:
        _default(signum)
        return
    if again:
        _flush()
        os._exit(128 + signum)
    from . import scheduler
    loop = scheduler._st.loop
    if loop is None or loop.is_closed():
        # No process other than main has ever run: nothing can run the
        # callbacks concurrently with main; behave as without them.
        _default(signum)
        return
    try:
        loop.call_soon_threadsafe(_begin, signum)
    except RuntimeError:                    # the loop closed meanwhile
        _default(signum)


def _begin(signum: int) -> None:
    """On the hub's loop: start the process that runs the callbacks."""
    from . import scheduler
    st = scheduler._st
    if st.stopping or st.closing:
        return
    scheduler.spawn(_run_callbacks, (signum,))


def _run_callbacks(signum: int) -> None:
    from ..errors import MeshError, report
    from . import scheduler
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


__all__ = ["on_shutdown", "callbacks", "reset", "install"]
