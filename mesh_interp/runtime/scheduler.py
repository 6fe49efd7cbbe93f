"""Processes, mailboxes, the hub, timers, links, monitors and the registry.

Design (measured choices are recorded in runtime/__init__.py):

* A Mesh process runs its synchronous evaluator code in a greenlet. One hub
  greenlet runs the asyncio event loop; a blocking point (receive, sleep,
  service call, await of a coroutine) switches from the process greenlet to
  the hub, which switches back when the awaited thing is ready.
* The main process runs in the greenlet that called `run_main` (normally
  the thread's own greenlet). asyncio and greenlet are imported, and the hub
  created, only on the first spawn / timer / blocking call, so a program
  that never uses concurrency pays nothing for them.
* Runnable processes sit in one FIFO run queue (`_State.runq`); a single
  `_drain` callback on the loop resumes the processes queued when it starts
  and then returns to the loop, so timers and I/O get a turn between batches.
* New processes are started on pooled "worker" greenlets: creating a fresh
  greenlet costs ~15 us on CPython 3.11 (a new frame data-stack chunk is
  mmap'ed), reusing a finished worker ~1 us.
* Exit signals are delivered asynchronously: the victim gets `kill` set and
  is queued; when it resumes, its blocking point raises ProcessExit, which
  unwinds the evaluator (ProcessExit is a BaseException: the evaluator must
  not catch BaseException).

Everything here runs on one thread; no locks.
"""
from __future__ import annotations

import sys
import time
from collections import deque

from ..errors import MeshError, MeshExit, MeshPanic, report
from ..eval.values import Pid

REDUCTIONS = 4000          # preempt() calls between forced yields
POOL_MAX = 256             # idle worker greenlets kept for reuse

_budget = REDUCTIONS


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __bool__(self) -> bool:
        return False


NO_MATCH = _Sentinel("NO_MATCH")   # returned by a receive matcher: message does not match
TIMEOUT = _Sentinel("TIMEOUT")     # returned by receive() when the `after` time expired
_HUB_DONE = _Sentinel("HUB_DONE")

NULL_PID = Pid(0)                  # "no process" (Process.whereis of an unknown name)

# ---------------------------------------------------------------- exit reasons
# A reason is "normal" | "shutdown" | "killed" | "noproc" | Crash(message).
# "kill" is only a *signal* (untrappable); the victim exits with "killed".
NORMAL = "normal"
SHUTDOWN = "shutdown"
KILL = "kill"
KILLED = "killed"
NOPROC = "noproc"


class Crash:
    """Abnormal exit reason carrying the error text (and the exception, if any)."""

    __slots__ = ("message", "error")

    def __init__(self, message: str, error: BaseException | None = None):
        self.message = message
        self.error = error

    def __eq__(self, other):
        return type(other) is Crash and other.message == self.message

    def __hash__(self):
        return hash(self.message)

    def __repr__(self) -> str:
        return f"Crash({self.message!r})"


def reason_text(reason) -> str:
    """The text Mesh code sees for an exit reason (DOWN messages, Job errors)."""
    return reason.message if type(reason) is Crash else str(reason)


def is_abnormal(reason) -> bool:
    return reason != NORMAL and reason != SHUTDOWN


class ProcessExit(BaseException):
    """Raised inside a process that received an exit signal; unwinds it."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class _Shutdown(BaseException):
    """Raised inside main's blocking point when the program is being stopped."""


class ExitMsg:
    """Message delivered to a process that traps exits (supervisors only)."""

    __slots__ = ("pid", "reason")

    def __init__(self, pid: Pid, reason):
        self.pid = pid
        self.reason = reason

    def __repr__(self) -> str:
        return f"ExitMsg({self.pid!r}, {self.reason!r})"


class Request:
    """Base of messages a caller is blocked on (service calls).

    When the process holding it in its mailbox (or handling it) exits,
    `fail(pid, reason)` is called so that the caller never hangs.
    """

    __slots__ = ()

    def fail(self, pid: Pid, reason) -> None:  # pragma: no cover - interface
        raise NotImplementedError


# waiting kinds (Process.waiting); a Slot or asyncio.Task may also be stored there
_RUNNING = 0
_RECV = 1
_SLEEP = 2
_YIELD = 3


class Process:
    __slots__ = ("pid", "fn", "args", "g", "mailbox", "waiting", "queued", "alive",
                 "kill", "links", "monitors", "monitored_by", "trap_exit", "names",
                 "reason", "on_exit", "timed_out", "job", "handling", "is_main",
                 "__weakref__")

    def __init__(self, id_: int, fn, args):
        self.pid = Pid(id_, self)
        self.fn = fn
        self.args = args
        self.g = None
        self.mailbox = None          # deque, created on the first message
        self.waiting = _RUNNING
        self.queued = False
        self.alive = True
        self.kill = None             # pending exit reason (set by an exit signal)
        self.links = None            # set[Process]
        self.monitors = None         # ref -> target Process (monitors I hold)
        self.monitored_by = None     # ref -> watcher Process
        self.trap_exit = False
        self.names = None            # registered names
        self.reason = None           # exit reason once dead
        self.on_exit = None          # terminate clause (0-arg callable)
        self.timed_out = False
        self.job = None              # JobState when this process is a Job
        self.handling = None         # Request being handled (services)
        self.is_main = False

    def __repr__(self) -> str:
        return f"<process {self.pid!r}{'' if self.alive else ' dead'}>"


class _State:
    def __init__(self):
        self.next_id = 1
        self.next_ref = 1
        self.live: dict[int, Process] = {}
        self.names: dict[str, Process] = {}
        self.hub = None
        self.loop = None
        self.runq: deque = deque()
        self.drain_scheduled = False
        self.current: Process | None = None
        self.main: Process | None = None
        self.main_done = False
        self.timed = 0               # processes in a timed wait / awaiting I/O
        self.stopping = False
        self.closing = False
        self.exit_code = None
        self.pool: list = []
        self.greenlet = None         # the greenlet module, once imported


_st = _State()


def _panic_reporter_default(exc: BaseException, pid: Pid | None) -> None:
    try:
        sys.stdout.flush()
    except Exception:
        pass
    if isinstance(exc, MeshError):
        report(exc)
    elif isinstance(exc, RecursionError):
        report(MeshPanic("stack overflow (recursion too deep)"))
    elif isinstance(exc, MemoryError):
        report(MeshPanic("out of memory"))
    else:
        import traceback
        where = f" in process {pid!r}" if pid is not None else ""
        sys.stderr.write(f"internal error{where}: {type(exc).__name__}: {exc}\n")
        traceback.print_exception(exc, file=sys.stderr)
        sys.stderr.flush()


_panic_reporter = _panic_reporter_default


def set_panic_reporter(fn) -> None:
    """Replace how an uncaught error of a process is printed: fn(exc, pid)."""
    global _panic_reporter
    _panic_reporter = fn or _panic_reporter_default


def _crash_reason(exc: BaseException) -> Crash:
    if isinstance(exc, MeshError):
        return Crash(exc.message, exc)
    if isinstance(exc, RecursionError):
        return Crash("stack overflow (recursion too deep)", exc)
    if isinstance(exc, MemoryError):
        return Crash("out of memory", exc)
    return Crash(f"{type(exc).__name__}: {exc}", exc)


# ---------------------------------------------------------------- the hub

def _ensure_hub(st: _State) -> None:
    if st.hub is not None:
        return
    if st.closing:
        raise _Shutdown()
    import asyncio
    import greenlet
    st.greenlet = greenlet
    st.loop = asyncio.new_event_loop()
    main_g = greenlet.getcurrent()
    if st.main is not None and st.main.g is None:
        st.main.g = main_g
    st.hub = greenlet.greenlet(_hub_main, parent=main_g)


def _hub_main():
    st = _st
    st.current = None
    loop = st.loop
    import asyncio
    asyncio.set_event_loop(loop)
    try:
        if not st.stopping:
            loop.run_forever()
    finally:
        st.stopping = True
        st.closing = True
        _close_loop(loop)
    return _HUB_DONE


def _close_loop(loop) -> None:
    import asyncio
    try:
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    except BaseException:
        pass
    finally:
        try:
            loop.close()
        except BaseException:
            pass
        asyncio.set_event_loop(None)


def _schedule_drain(st: _State) -> None:
    if not st.drain_scheduled and not st.closing:
        st.drain_scheduled = True
        st.loop.call_soon(_drain)


def _drain():
    global _budget
    st = _st
    st.drain_scheduled = False
    if st.closing:
        return
    runq = st.runq
    for _ in range(len(runq)):
        if st.stopping:
            break
        proc, value = runq.popleft()
        proc.queued = False
        if not proc.alive:
            continue
        st.current = proc
        _budget = REDUCTIONS
        g = proc.g
        if g is None:
            pool = st.pool
            g = pool.pop() if pool else st.greenlet.greenlet(_worker, parent=st.hub)
            proc.g = g
            g.switch(proc)
        else:
            g.switch(value)
        st.current = None
    if st.stopping:
        st.loop.stop()
    elif runq:
        _schedule_drain(st)
    elif st.main_done and st.timed == 0:
        st.loop.stop()          # quiescent: nothing can make progress any more


def _worker(proc: Process):
    st = _st
    hub = st.hub
    me = st.greenlet.getcurrent()
    while True:
        _run_process(st, proc)
        if st.stopping or len(st.pool) >= POOL_MAX:
            return None
        st.pool.append(me)
        proc = hub.switch(None)


def _run_process(st: _State, proc: Process) -> None:
    reason = NORMAL
    try:
        if proc.kill is not None:
            raise ProcessExit(proc.kill)
        proc.fn(*proc.args)
        if proc.kill is not None:
            reason = proc.kill
    except ProcessExit as e:
        reason = e.reason
    except MeshExit as e:
        st.exit_code = e.code
        st.stopping = True
        reason = SHUTDOWN
    except (_Shutdown, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:
        if st.greenlet is not None and isinstance(e, st.greenlet.GreenletExit):
            raise
        _panic_reporter(e, proc.pid)
        reason = _crash_reason(e)
    _run_on_exit(proc)
    _finish(st, proc, reason)


def _run_on_exit(proc: Process) -> None:
    cb = proc.on_exit
    if cb is None:
        return
    proc.on_exit = None
    proc.kill = None
    try:
        cb()
    except (ProcessExit, MeshError):
        pass
    except Exception as e:          # a bug in us: say so, but keep going
        _panic_reporter(e, proc.pid)


def _ready(proc: Process, value=None) -> None:
    """Queue `proc` to be resumed with `value` (no-op if already queued)."""
    if proc.queued:
        return
    st = _st
    proc.queued = True
    proc.waiting = _RUNNING
    st.runq.append((proc, value))
    _schedule_drain(st)


def _block(st: _State, proc: Process):
    """Suspend the running process until something queues it again."""
    _ensure_hub(st)
    v = st.hub.switch()
    if v is _HUB_DONE:
        raise _Shutdown()
    if proc.kill is not None:
        raise ProcessExit(proc.kill)
    return v


def _current(st: _State) -> Process:
    proc = st.current
    if proc is None:
        raise RuntimeError("mesh runtime: no current process (called outside a process)")
    return proc


# ---------------------------------------------------------------- main

def _tune_gc() -> None:
    """Mesh values are immutable and almost never cyclic, but a loop that
    builds a big Map or List allocates millions of them, and CPython's
    default young-generation threshold (700 allocations) then runs the
    cycle collector so often that it takes most of the time. Freeze what
    loading created (it is never garbage) and collect far less often."""
    import gc
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def run_main(fn, args=()) -> int:
    """Run `fn(*args)` as the main process; return the program's exit code."""
    global _st, _budget
    _tune_gc()
    st = _st = _State()
    _budget = REDUCTIONS
    main = Process(st.next_id, fn, args)
    st.next_id += 1
    main.is_main = True
    st.main = main
    st.current = main
    st.live[main.pid.id] = main
    code = 0
    try:
        try:
            fn(*args)
            if main.kill is not None:
                raise ProcessExit(main.kill)
        except ProcessExit as e:
            code = 1
            _finish(st, main, e.reason)
        except MeshExit as e:
            code = e.code
        except _Shutdown:
            code = st.exit_code if st.exit_code is not None else 1
        except KeyboardInterrupt:
            code = 130
        except BaseException as e:
            if st.greenlet is not None and isinstance(e, st.greenlet.GreenletExit):
                raise
            _panic_reporter(e, None)
            code = 101
            _finish(st, main, _crash_reason(e))
        else:
            _finish(st, main, NORMAL)
            st.main_done = True
            if st.hub is not None and not st.stopping:
                st.current = None
                _schedule_drain(st)
                try:
                    st.hub.switch()
                except KeyboardInterrupt:
                    code = 130
                if st.exit_code is not None:
                    code = st.exit_code
    finally:
        _teardown(st)
    try:
        sys.stdout.flush()
    except Exception:
        pass
    return code


def _teardown(st: _State) -> None:
    st.stopping = True
    hub = st.hub
    if hub is not None and not hub.dead:
        try:
            hub.switch()
        except BaseException:
            pass
    st.closing = True
    st.current = None


def program_exit(code: int) -> None:
    """Stop the whole program with `code` (from any process)."""
    raise MeshExit(code)


# ---------------------------------------------------------------- processes

def current() -> Process:
    return _current(_st)


def self_pid() -> Pid:
    return _current(_st).pid


def spawn(fn, args=(), *, link: bool = False, on_exit=None) -> Pid:
    """Start a process running fn(*args); return its Pid at once.

    link=True links it to the caller (spawn_link); on_exit is a 0-argument
    callable run inside the process when it exits (an actor's terminate
    clause; its panics are swallowed)."""
    st = _st
    _ensure_hub(st)
    proc = Process(st.next_id, fn, tuple(args))
    st.next_id += 1
    st.live[proc.pid.id] = proc
    if on_exit is not None:
        proc.on_exit = on_exit
    if link and st.current is not None:
        _link(st.current, proc)
    _ready(proc)
    return proc.pid


def _process_of(pid) -> Process | None:
    if type(pid) is Pid:
        p = pid.process
        if p is None and pid.id:
            p = _st.live.get(pid.id)
        return p
    if type(pid) is int and pid:
        return _st.live.get(pid)
    return None


def is_alive(pid) -> bool:
    p = _process_of(pid)
    return p is not None and p.alive


def send(pid, msg) -> None:
    """Put msg in pid's mailbox; silently dropped if the process is gone."""
    p = _process_of(pid)
    if p is None or not p.alive:
        return
    mb = p.mailbox
    if mb is None:
        mb = p.mailbox = deque()
    mb.append(msg)
    if p.waiting == _RECV:
        _ready(p)


def receive(match, timeout_ms=None):
    """Selective receive: return match(msg) for the oldest matching message.

    `match(msg)` returns NO_MATCH or a value; the first message for which it
    returns a value is removed from the mailbox and that value returned.
    timeout_ms None waits forever; 0 (or less) polls; otherwise TIMEOUT is
    returned once that many milliseconds passed without a matching message.
    """
    st = _st
    proc = _current(st)
    i = 0
    mb = proc.mailbox
    if mb:
        while i < len(mb):
            r = match(mb[i])
            if r is not NO_MATCH:
                del mb[i]
                return r
            i += 1
    if timeout_ms is not None and timeout_ms <= 0:
        return TIMEOUT
    timer = None
    if timeout_ms is not None:
        _ensure_hub(st)
        st.timed += 1
        timer = st.loop.call_later(timeout_ms / 1000.0, _on_timeout, proc)
    try:
        while True:
            if proc.timed_out:
                return TIMEOUT
            proc.waiting = _RECV
            _block(st, proc)
            mb = proc.mailbox
            if mb:
                while i < len(mb):
                    r = match(mb[i])
                    if r is not NO_MATCH:
                        del mb[i]
                        return r
                    i += 1
    finally:
        proc.waiting = _RUNNING
        if timer is not None:
            timer.cancel()
            st.timed -= 1
            proc.timed_out = False


def _on_timeout(proc: Process) -> None:
    if proc.alive:
        proc.timed_out = True
        _ready(proc)


def sleep(ms) -> None:
    """Suspend the current process for ms milliseconds (<= 0: return at once)."""
    if ms <= 0:
        return
    st = _st
    if st.hub is None:              # no other process exists: a plain sleep
        time.sleep(ms / 1000.0)
        return
    proc = _current(st)
    st.timed += 1
    h = st.loop.call_later(ms / 1000.0, _on_sleep_done, proc)
    try:
        while True:
            proc.waiting = _SLEEP
            _block(st, proc)
            if proc.timed_out:
                return
    finally:
        proc.waiting = _RUNNING
        proc.timed_out = False
        h.cancel()
        st.timed -= 1


def _on_sleep_done(proc: Process) -> None:
    if proc.alive and proc.waiting == _SLEEP:
        proc.timed_out = True
        _ready(proc)


def send_after(pid, ms, msg) -> None:
    """After ms milliseconds send msg to pid. Does not keep the program alive."""
    st = _st
    _ensure_hub(st)
    st.loop.call_later(max(ms, 0) / 1000.0, send, pid, msg)


def yield_now() -> None:
    """Let every other runnable process (and the event loop) run once."""
    st = _st
    if st.hub is None or st.current is None:
        return
    proc = st.current
    _ready(proc)
    proc.waiting = _YIELD
    _block(st, proc)


def preempt() -> None:
    """Count one reduction; every REDUCTIONS calls, yield to the others.

    The evaluator calls this on every function call and loop iteration."""
    global _budget
    _budget -= 1
    if _budget <= 0:
        _preempt_slow()


def yield_slice() -> int:
    """For code that keeps its own reduction counter (eval/pygen.py): the
    counter ran out; yield to the others and return a fresh budget."""
    _preempt_slow()
    return REDUCTIONS


def _preempt_slow() -> None:
    global _budget
    _budget = REDUCTIONS
    st = _st
    if st.hub is not None and st.current is not None and not st.closing:
        yield_now()


def await_coroutine(coro):
    """Block the current process until coro completes; return its result
    or raise its exception. The coroutine runs as a task on the hub loop."""
    st = _st
    _ensure_hub(st)
    proc = _current(st)
    task = st.loop.create_task(coro)
    task.add_done_callback(lambda t, p=proc: _on_task_done(p, t))
    st.timed += 1
    try:
        while not task.done():
            proc.waiting = task
            _block(st, proc)
    except BaseException:
        try:
            task.cancel()
        except Exception:
            pass
        raise
    finally:
        proc.waiting = _RUNNING
        st.timed -= 1
    return task.result()


def _on_task_done(proc: Process, task) -> None:
    if proc.alive and proc.waiting is task:
        _ready(proc)


def loop():
    """The hub's asyncio event loop (created on first use)."""
    st = _st
    _ensure_hub(st)
    return st.loop


def run_in_process(fn, args=()):
    """From a coroutine on the hub loop (e.g. an HTTP handler): run fn(*args)
    in a new process and return an asyncio Future of its result. The future
    gets the exception if the process crashes (MeshPanic) or is killed
    (ProcessExit wrapped in MeshPanic)."""
    st = _st
    _ensure_hub(st)
    fut = st.loop.create_future()

    def body(*a):
        try:
            r = fn(*a)
        except ProcessExit as e:
            if not fut.done():
                fut.set_exception(MeshPanic(f"process exited: {reason_text(e.reason)}"))
            raise
        except BaseException as e:
            if not fut.done():
                fut.set_exception(e if isinstance(e, Exception) else MeshPanic(str(e)))
            raise
        if not fut.done():
            fut.set_result(r)
        return r

    spawn(body, args)
    return fut


# ---------------------------------------------------------------- slots (one-shot results)

class Slot:
    """A one-shot result a process can block on (call replies, job results)."""

    __slots__ = ("done", "value", "error", "waiters")

    def __init__(self):
        self.done = False
        self.value = None
        self.error = None
        self.waiters = None

    def resolve(self, value=None, error=None) -> None:
        if self.done:
            return
        self.done = True
        self.value = value
        self.error = error
        ws = self.waiters
        if ws:
            self.waiters = None
            for p in ws:
                if p.alive and p.waiting is self:
                    _ready(p)

    def wait(self, timeout_ms=None) -> bool:
        """Block the current process until resolved; False on timeout."""
        if self.done:
            return True
        if timeout_ms is not None and timeout_ms <= 0:
            return False
        st = _st
        proc = _current(st)
        timer = None
        if timeout_ms is not None:
            _ensure_hub(st)
            st.timed += 1
            timer = st.loop.call_later(timeout_ms / 1000.0, _on_timeout, proc)
        try:
            while not self.done:
                if proc.timed_out:
                    return False
                if self.waiters is None:
                    self.waiters = [proc]
                elif proc not in self.waiters:
                    self.waiters.append(proc)
                proc.waiting = self
                _block(st, proc)
            return True
        finally:
            proc.waiting = _RUNNING
            if self.waiters and proc in self.waiters:
                self.waiters.remove(proc)
            if timer is not None:
                timer.cancel()
                st.timed -= 1
                proc.timed_out = False


# ---------------------------------------------------------------- exits, links, monitors

def _finish(st: _State, proc: Process, reason) -> None:
    """Bookkeeping when `proc` has exited with `reason`."""
    if not proc.alive:
        return
    proc.alive = False
    proc.reason = reason
    proc.kill = None
    st.live.pop(proc.pid.id, None)
    if proc.names:
        for n in proc.names:
            if st.names.get(n) is proc:
                del st.names[n]
        proc.names = None
    req = proc.handling
    if req is not None:
        proc.handling = None
        req.fail(proc.pid, reason)
    mb = proc.mailbox
    proc.mailbox = None
    if mb:
        for m in mb:
            if isinstance(m, Request):
                m.fail(proc.pid, reason)
    if proc.job is not None:
        proc.job.finished(reason)
    if proc.monitors:
        for ref, target in proc.monitors.items():
            if target.monitored_by:
                target.monitored_by.pop(ref, None)
        proc.monitors = None
    if proc.monitored_by:
        watchers = proc.monitored_by
        proc.monitored_by = None
        text = reason_text(reason)
        for ref, w in watchers.items():
            if w.monitors:
                w.monitors.pop(ref, None)
            send(w.pid, ("down", ref, proc.pid, text))
    if proc.links:
        links = proc.links
        proc.links = None
        owner = proc.job.owner if proc.job is not None else None
        for other in links:
            if other.links:
                other.links.discard(proc)
            if other is owner:
                continue            # a job's result (or error) goes to Job.await
            _signal(other, proc.pid, reason)
    proc.g = None
    proc.fn = None
    proc.args = None
    proc.on_exit = None


def _signal(target: Process, from_pid: Pid, reason) -> None:
    """Deliver an exit signal with OTP semantics."""
    if not target.alive:
        return
    if reason == KILL:
        _kill(target, KILLED)
    elif target.trap_exit:
        send(target.pid, ExitMsg(from_pid, reason))
    elif reason != NORMAL:
        _kill(target, reason)


def _kill(target: Process, reason) -> None:
    st = _st
    if not target.alive:
        return
    if target.kill is not None and reason != KILLED:
        return
    target.kill = reason
    if target is st.current:
        raise ProcessExit(reason)
    if target.g is None and target.is_main:
        return                        # main running before the hub exists: seen at return
    if target.queued:
        return
    if st.loop is not None:
        _ready(target)


def exit(pid, reason) -> None:
    """Send exit signal `reason` to pid (NORMAL, SHUTDOWN, KILL or Crash(msg))."""
    st = _st
    p = _process_of(pid)
    if p is None or not p.alive:
        return
    me = st.current
    _signal(p, me.pid if me is not None else NULL_PID, reason)


def _link(a: Process, b: Process) -> None:
    if a is b:
        return
    if a.links is None:
        a.links = set()
    if b.links is None:
        b.links = set()
    a.links.add(b)
    b.links.add(a)


def link(pid) -> None:
    """Link the current process with pid (both ways).

    Linking to a process that already exited: if it exited abnormally the
    caller gets that exit signal now (as if the link had existed); a normal
    exit or an unknown pid does nothing (deterministic whatever the timing)."""
    st = _st
    me = _current(st)
    p = _process_of(pid)
    if p is None:
        return
    if p.alive:
        _link(me, p)
    elif p.reason is not None and is_abnormal(p.reason):
        _signal(me, p.pid, p.reason)


def unlink(pid) -> None:
    me = _current(_st)
    p = _process_of(pid)
    if p is None:
        return
    if me.links:
        me.links.discard(p)
    if p.links:
        p.links.discard(me)


def trap_exit(flag: bool = True) -> None:
    """Exit signals arrive as ExitMsg messages instead of killing (internal)."""
    _current(_st).trap_exit = bool(flag)


def monitor(pid) -> int:
    """Monitor pid; when it exits (or now, if it is not alive) the caller gets
    the message ("down", ref, pid, reason_text) where reason_text is
    "normal", "shutdown", "killed", "noproc" or the error message."""
    st = _st
    me = _current(st)
    ref = st.next_ref
    st.next_ref += 1
    p = _process_of(pid)
    if p is None or not p.alive:
        send(me.pid, ("down", ref, pid if type(pid) is Pid else NULL_PID, NOPROC))
        return ref
    if me.monitors is None:
        me.monitors = {}
    if p.monitored_by is None:
        p.monitored_by = {}
    me.monitors[ref] = p
    p.monitored_by[ref] = me
    return ref


def demonitor(ref) -> bool:
    """Remove a monitor; True if it existed. A DOWN already delivered stays."""
    me = _current(_st)
    if not me.monitors or ref not in me.monitors:
        return False
    target = me.monitors.pop(ref)
    if target.monitored_by:
        target.monitored_by.pop(ref, None)
    return True


# ---------------------------------------------------------------- registry

def register(name: str, pid) -> bool:
    """Register name -> pid. False if the name is taken or pid is not a live process."""
    st = _st
    p = _process_of(pid)
    if p is None or not p.alive or name in st.names:
        return False
    st.names[name] = p
    if p.names is None:
        p.names = [name]
    else:
        p.names.append(name)
    return True


def whereis(name: str):
    """The Pid registered under name, or None."""
    p = _st.names.get(name)
    return p.pid if p is not None else None


def registered() -> list[str]:
    return list(_st.names)


def process_count() -> int:
    """Live processes (including main while it runs)."""
    return len(_st.live)
