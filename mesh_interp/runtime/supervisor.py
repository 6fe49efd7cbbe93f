"""Supervisors with OTP semantics (the reference only starts children).

The supervisor is a process that traps exits. Children are started in
order, each linked to it. On a child's exit:
  * restart decision: permanent -> always; transient -> only after an
    abnormal exit (not normal/shutdown); temporary -> never (forgotten);
  * intensity: if `max_restarts` restarts already happened within the last
    `max_seconds`, the supervisor terminates every child (reverse order) and
    exits with Crash("restart limit exceeded: N restarts in S seconds");
  * strategy: one_for_one (and simple_one_for_one) restarts the child;
    one_for_all terminates the others (reverse order) and restarts all in
    order; rest_for_one does that for the children after the failed one.
Terminating a child: unlink, then `brutal_kill` -> kill; `ms` -> exit
signal `shutdown`, wait up to ms for it to die, then kill.
An exit signal from a non-child (e.g. the supervisor's own parent) that is
not `normal` makes it terminate all children and exit with that reason.
Nothing is printed on restarts (crashes of children print their own panic).
"""
from __future__ import annotations

import time

from ..errors import MeshPanic
from . import scheduler as _s

STRATEGIES = ("one_for_one", "one_for_all", "rest_for_one", "simple_one_for_one")
RESTARTS = ("permanent", "transient", "temporary")


class ChildSpec:
    __slots__ = ("name", "start", "restart", "shutdown")

    def __init__(self, name, start, restart="permanent", shutdown=5000):
        if restart not in RESTARTS:
            raise MeshPanic(f"invalid restart type `{restart}` for child `{name}`")
        if shutdown != "brutal_kill" and not (type(shutdown) is int and shutdown > 0):
            raise MeshPanic(f"invalid shutdown `{shutdown}` for child `{name}`")
        self.name = name
        self.start = start
        self.restart = restart
        self.shutdown = shutdown


class _Child:
    __slots__ = ("spec", "pid")

    def __init__(self, spec: ChildSpec):
        self.spec = spec
        self.pid = None


def _get(spec, key, default):
    if isinstance(spec, dict):
        return spec.get(key, default)
    return getattr(spec, key, default)


def _child_spec(c) -> ChildSpec:
    if isinstance(c, ChildSpec):
        return c
    if isinstance(c, dict):
        return ChildSpec(c["name"], c["start"], c.get("restart", "permanent"),
                         c.get("shutdown", 5000))
    return ChildSpec(*c)


class _StartFailed(Exception):
    def __init__(self, name, error):
        super().__init__(name)
        self.name = name
        self.error = error


class _Supervisor:
    def __init__(self, strategy, max_restarts, max_seconds, children):
        self.strategy = strategy
        self.max_restarts = max_restarts
        self.max_seconds = max_seconds
        self.children = [_Child(c) for c in children]
        self.restarts: list[float] = []
        self.former: set = set()          # pids of children stopped or replaced

    # -- starting / stopping children
    def _start(self, child: _Child) -> None:
        try:
            pid = child.spec.start()
        except _s.ProcessExit:
            raise
        except Exception as e:
            _s._panic_reporter(e, _s.self_pid())
            raise _StartFailed(child.spec.name, e) from None
        if type(pid) is not _s.Pid:
            raise _StartFailed(child.spec.name,
                               MeshPanic(f"child `{child.spec.name}` start did not return a Pid"))
        child.pid = pid
        _s.link(pid)

    def _terminate(self, child: _Child) -> None:
        pid = child.pid
        child.pid = None
        if pid is not None:
            self.former.add(pid)
        if pid is None or not _s.is_alive(pid):
            return
        _s.unlink(pid)
        ref = _s.monitor(pid)

        def down(m, ref=ref):
            return m if type(m) is tuple and len(m) == 4 and m[0] == "down" and m[1] == ref \
                else _s.NO_MATCH

        if child.spec.shutdown == "brutal_kill":
            _s.exit(pid, _s.KILL)
            _s.receive(down)
            return
        _s.exit(pid, _s.SHUTDOWN)
        if _s.receive(down, child.spec.shutdown) is _s.TIMEOUT:
            _s.exit(pid, _s.KILL)
            _s.receive(down)

    def terminate_all(self) -> None:
        for child in reversed(self.children):
            self._terminate(child)

    # -- the loop
    def run(self):
        _s.trap_exit(True)
        started = []
        for child in self.children:
            try:
                self._start(child)
            except _StartFailed as e:
                for c in reversed(started):
                    self._terminate(c)
                raise MeshPanic(f"supervisor failed to start child `{e.name}`: "
                                f"{getattr(e.error, 'message', e.error)}") from None
            started.append(child)
        while True:
            msg = _s.receive(_exit_msg)
            idx = self._index_of(msg.pid)
            if idx is None:
                if msg.pid in self.former:
                    self.former.discard(msg.pid)
                    continue
                if msg.reason != _s.NORMAL:          # parent (or other link) going down
                    self.terminate_all()
                    raise _s.ProcessExit(msg.reason)
                continue
            self._child_exited(idx, msg.reason)

    def _index_of(self, pid):
        for i, c in enumerate(self.children):
            if c.pid is not None and c.pid == pid:
                return i
        return None

    def _child_exited(self, idx: int, reason) -> None:
        child = self.children[idx]
        child.pid = None
        restart = child.spec.restart
        if restart == "temporary" or (restart == "transient" and not _s.is_abnormal(reason)):
            if restart == "temporary":
                del self.children[idx]
            return
        while True:
            self._count_restart()
            try:
                self._restart(idx)
                return
            except _StartFailed:
                idx = min(idx, len(self.children) - 1)   # retry, counting intensity

    def _count_restart(self) -> None:
        now = time.monotonic()
        window = self.max_seconds
        self.restarts = [t for t in self.restarts if now - t < window]
        if len(self.restarts) >= self.max_restarts:
            self.terminate_all()
            raise _s.ProcessExit(_s.Crash(
                f"restart limit exceeded: {self.max_restarts} restarts in {self.max_seconds} seconds"))
        self.restarts.append(now)

    def _restart(self, idx: int) -> None:
        strategy = self.strategy
        if strategy in ("one_for_one", "simple_one_for_one"):
            self._start(self.children[idx])
            return
        if strategy == "one_for_all":
            affected = list(range(len(self.children)))
        else:                                        # rest_for_one
            affected = list(range(idx, len(self.children)))
        for i in reversed(affected):
            if i != idx:
                self._terminate(self.children[i])
        # temporary children that were stopped are not restarted
        keep = []
        for i, c in enumerate(self.children):
            if i in affected and i != idx and c.spec.restart == "temporary":
                continue
            keep.append(c)
        failed = self.children[idx]
        self.children = keep
        pos = keep.index(failed)
        for i, c in enumerate(keep):
            if c.pid is None and (strategy == "one_for_all" or i >= pos):
                self._start(c)


def _exit_msg(m):
    return m if type(m) is _s.ExitMsg else _s.NO_MATCH


def start_supervisor(spec, *, link: bool = False):
    """Start a supervisor process; return its Pid at once.

    spec: a dict (or object with attributes) with strategy ("one_for_one"
    default | "one_for_all" | "rest_for_one" | "simple_one_for_one"),
    max_restarts (default 3), max_seconds (default 5) and children: a list
    of ChildSpec, dicts, or tuples (name, start_fn -> Pid, restart
    "permanent"|"transient"|"temporary", shutdown ms | "brutal_kill").
    Children are started by the supervisor process, in order, when it first
    runs. A child whose start fails makes the supervisor terminate the
    children already started and crash (its panic is printed)."""
    strategy = _get(spec, "strategy", "one_for_one")
    if strategy not in STRATEGIES:
        raise MeshPanic(f"invalid supervisor strategy `{strategy}`")
    max_restarts = _get(spec, "max_restarts", 3)
    max_seconds = _get(spec, "max_seconds", 5)
    children = [_child_spec(c) for c in (_get(spec, "children", None) or ())]
    sup = _Supervisor(strategy, max_restarts, max_seconds, children)
    return _s.spawn(sup.run, (), link=link)
