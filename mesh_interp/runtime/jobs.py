"""Jobs (Job.async / await): a process running f() whose result is kept in a
Slot, so awaiting a job never consumes unrelated mailbox messages.

The job is linked to its owner one way round: if the owner exits abnormally
the job is killed; if the job crashes, the owner is *not* killed, the error
is returned by `job_await` instead (Err(text) in Mesh).
"""
from __future__ import annotations

from ..errors import MeshPanic
from . import scheduler as _s

TIMEOUT = _s.TIMEOUT


class JobState:
    __slots__ = ("owner", "slot")

    def __init__(self, owner):
        self.owner = owner
        self.slot = _s.Slot()

    def finished(self, reason) -> None:
        # called from the scheduler when the job process exits; a normal exit
        # without a result cannot happen (the body stores it before returning)
        if not self.slot.done:
            self.slot.resolve(error=_s.reason_text(reason) if reason != _s.NORMAL else "normal")


def job_async(fn) -> "_s.Pid":
    """Spawn a job running fn(); return its Pid."""
    st = _s._st
    owner = st.current
    state = JobState(owner)

    def body():
        r = fn()
        state.slot.resolve(r)

    pid = _s.spawn(body, (), link=owner is not None)
    pid.process.job = state
    return pid


def job_await(pid, timeout_ms=None):
    """Block until the job finishes. Returns (True, value) or (False, error
    text); error text is the crash message, "killed", "shutdown", "timeout"
    (timeout expired) or "not a job" (pid is not a job)."""
    p = _s._process_of(pid)
    state = p.job if p is not None else None
    if state is None:
        return (False, "not a job")
    if not state.slot.wait(timeout_ms):
        return (False, "timeout")
    if state.slot.error is not None:
        return (False, state.slot.error)
    return (True, state.slot.value)


def job_map(items, fn) -> list:
    """Run fn on every item in parallel jobs; (ok, value|error) per item, in order."""
    pids = [job_async(lambda x=x: fn(x)) for x in items]
    return [job_await(pid) for pid in pids]


__all__ = ["job_async", "job_await", "job_map", "JobState", "MeshPanic"]
