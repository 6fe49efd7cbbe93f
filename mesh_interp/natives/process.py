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
