"""Timer.* natives (concurrency.md §7). Bodies live in mesh_interp/runtime."""
from __future__ import annotations

from .. import runtime as _rt


def sleep(ms):
    _rt.sleep(ms)


def send_after(pid, ms, msg):
    _rt.send_after(pid, ms, msg)
