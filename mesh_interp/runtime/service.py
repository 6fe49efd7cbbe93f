"""Services (GenServer-like): one state, requests handled one at a time.

A call sends a `_Call` request carrying a private reply Slot, so the reply
can never be confused with another message in the caller's mailbox (the
reference takes "the next message" as the reply). If the service is dead
when called, or exits before replying, the caller gets a MeshPanic at once
instead of hanging. Non-request messages sent to a service (plain `send`,
`Timer.send_after`) are dropped, as they cannot reach a handler.
"""
from __future__ import annotations

from ..errors import MeshPanic
from . import scheduler as _s


class _Call(_s.Request):
    __slots__ = ("name", "args", "slot")

    def __init__(self, name: str, args: tuple, slot: _s.Slot):
        self.name = name
        self.args = args
        self.slot = slot

    def fail(self, pid, reason) -> None:
        if type(reason) is _s.Crash:
            text = f"crashed: {reason.message}"
        else:
            text = f"exited ({_s.reason_text(reason)})"
        self.slot.resolve(error=MeshPanic(
            f"service call `{self.name}` failed: the service process {pid!r} {text} before replying"))


class _Cast:
    __slots__ = ("name", "args")

    def __init__(self, name: str, args: tuple):
        self.name = name
        self.args = args


def _any(msg):
    return msg


def _service_loop(state, handlers):
    proc = _s.current()
    receive = _s.receive
    while True:
        msg = receive(_any)
        t = type(msg)
        if t is _Call:
            entry = handlers.get(msg.name)
            if entry is None or entry[0] != "call":
                msg.slot.resolve(error=MeshPanic(f"service has no call handler `{msg.name}`"))
                continue
            proc.handling = msg
            r = entry[1](state, *msg.args)
            if type(r) is not tuple or len(r) != 2:
                raise MeshPanic(
                    f"call handler `{msg.name}` must return a (new_state, reply) tuple")
            state = r[0]
            proc.handling = None
            msg.slot.resolve(r[1])
        elif t is _Cast:
            entry = handlers.get(msg.name)
            if entry is None or entry[0] != "cast":
                raise MeshPanic(f"service has no cast handler `{msg.name}`")
            state = entry[1](state, *msg.args)
        # anything else cannot reach a handler: dropped


def start_service(init_fn, init_args, handlers, *, link: bool = False, name: str | None = None):
    """Run init_fn(*init_args) in the caller (as the reference does: a crash in
    init crashes the caller), then spawn the service loop with that state.

    handlers: {name: ("call" | "cast", fn)}; a call handler fn(state, *args)
    returns (new_state, reply), a cast handler returns the new state.
    `init_fn` None means initial state 0. Returns the service Pid."""
    state = init_fn(*init_args) if init_fn is not None else 0
    pid = _s.spawn(_service_loop, (state, dict(handlers)), link=link)
    if name is not None:
        _s.register(name, pid)
    return pid


def service_call(pid, name: str, args=()):
    """Send a call request and block for the reply. MeshPanic if the service
    is not alive, is the caller itself, or exits before replying."""
    st = _s._st
    proc = _s._process_of(pid)
    if proc is None or not proc.alive:
        raise MeshPanic(f"service call `{name}` failed: no process is alive at {pid!r}")
    me = st.current
    if proc is me:
        raise MeshPanic(f"service call `{name}` failed: a service cannot call itself (deadlock)")
    slot = _s.Slot()
    _s.send(proc.pid, _Call(name, tuple(args), slot))
    slot.wait()
    if slot.error is not None:
        raise slot.error
    return slot.value


def service_cast(pid, name: str, args=()) -> None:
    """Send a cast request; returns None at once (dropped if the service is gone)."""
    _s.send(pid, _Cast(name, tuple(args)))
