"""Global.* (concurrency.md §9.4): the cluster-wide name registry. This
interpreter runs one node, so the table is local; it is separate from
Process.register's names, as upstream. Names of processes that have exited
are dropped."""
from __future__ import annotations

from .. import runtime as _rt

_names: dict = {}


def _live(name):
    pid = _names.get(name)
    if pid is not None and not _rt.is_alive(pid):
        del _names[name]
        return None
    return pid


def register(name, pid):
    if _live(name) is not None or not _rt.is_alive(pid):
        return 1
    _names[name] = pid
    return 0


def whereis(name):
    pid = _live(name)
    return _rt.NULL_PID if pid is None else pid


def unregister(name):
    return 0 if _names.pop(name, None) is not None else 1
