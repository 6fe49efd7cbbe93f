"""Process.* natives (concurrency.md §3.2, §6)."""
from __future__ import annotations

from .. import runtime as _rt


def register(name, pid):
    return 0 if _rt.register(name, pid) else 1


def whereis(name):
    pid = _rt.whereis(name)
    return _rt.NULL_PID if pid is None else pid


def monitor_(pid):
    # Mesh name `Process.monitor` (`monitor` is a Mesh keyword).
    return _rt.monitor(pid)


def demonitor(ref):
    return 0 if _rt.demonitor(ref) else 1


def on_shutdown(fn):
    # Run fn() (in a new process) when the program gets SIGTERM or SIGINT;
    # the program exits 0 once every callback returned (runtime/signals.py).
    from ..runtime import signals
    signals.on_shutdown(fn)
