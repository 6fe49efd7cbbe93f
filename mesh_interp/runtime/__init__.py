"""The process runtime: Mesh processes as greenlets driven by one asyncio loop.

Design (chosen after measuring, CPython 3.11, greenlet 3.x):
  * Each Mesh process (main, actors, services, supervisors, jobs, HTTP
    handlers) runs the synchronous evaluator in its own greenlet. A hub
    greenlet runs the asyncio event loop. A blocking point (receive, service
    call, Timer.sleep, Job.await, await_coroutine) switches to the hub; the
    hub switches back when the process is runnable again. A greenlet switch
    round trip costs ~1 us; an asyncio Task per process would need the
    evaluator to be async (every call awaited), which is several times
    slower, and OS threads cannot be had by the hundred thousand.
  * Lazy start: `import asyncio` costs ~50 ms, greenlet ~3 ms. Neither is
    imported, and no hub exists, until the first spawn / send_after /
    blocking wait. Before that, main runs on the caller's own stack and
    Timer.sleep in main is time.sleep.
  * New processes run on pooled worker greenlets (creating a greenlet costs
    ~15 us because CPython 3.11 maps a fresh frame-stack chunk for it;
    reusing an idle one ~1 us). A process blocked in receive costs ~6 KB
    (its saved C stack plus a frame-stack page).
  * Greenlets share their thread's C stack, so running `run_main` inside a
    threading.Thread with a large stack (threading.stack_size) gives every
    process that deep stack; Python's recursion depth is per greenlet.
    Create nothing of the runtime outside that thread.
  * Measured (2-core box under load ~12, so absolute times are inflated
    several-fold): 100,000 processes spawned by main and each sent one
    message: 3.6 s, peak RSS 138 MB (the processes run to completion on
    pooled workers). The same with all 100,000 first blocked in receive:
    16 s, 759 MB (one fresh greenlet each, ~7 KB per blocked process).
    preempt() costs about 3 empty Python calls.

Evaluator integration notes:
  * preempt() must also be called in every TailCall trampoline bounce
    (Function.__call__ and the call-site bounce loops): an actor loops by
    tail-calling itself, and without it a busy actor never yields.
  * a receive matcher must return runtime.NO_MATCH (this object) for "no
    arm matches", or raise MeshPanic; any other value removes the message.
  * an actor's terminate clause goes in spawn(..., on_exit=...), not in a
    try/finally (finally blocks also run when a greenlet is discarded).
  * Mesh names that are Mesh keywords are declared with a trailing
    underscore in stdlib/*.mpl: Process.monitor -> monitor_, Node.self ->
    self_, Node.monitor -> monitor_, Node.spawn -> spawn_; `X.kw` lookups
    should fall back to `kw_` (load_native already does for Python).

API (all functions act on "the current process", i.e. the caller):

  run_main(fn, args=()) -> int
      Run fn(*args) as the main process. After it returns, keep running the
      other processes until none can make progress: nothing runnable, no
      process in Timer.sleep / a receive with a timeout / await_coroutine /
      Job.await_timeout. Processes then blocked in receive without a timeout
      (idle actors, services, supervisors) are dropped and the program ends.
      Pending send_after messages do not keep the program alive (as in the
      reference). Exit code: 0; 101 if main raised MeshPanic (or any other
      error, printed as an internal error with a traceback); 1 if main was
      killed by an exit signal from a linked process; 130 on Ctrl-C;
      MeshExit(code) from any process stops the program with that code.
      A main that blocks forever (a server) runs until killed.
  run_program(fn, args=(), *, stack_mb=512, recursion_limit=1_000_000) -> int
      run_main inside a big-stack thread; Ctrl-C ends it quietly (exit 130).
  set_panic_reporter(fn(exc, pid_or_None))
      How an uncaught error is printed (default: errors.report() for a
      MeshError -- carries the span the evaluator put on it -- and a
      traceback for anything else). Every crash is printed once, by the
      crashing process; processes killed by an exit signal print nothing.

  current() -> Process;  self_pid() -> Pid;  is_alive(pid) -> bool
  spawn(fn, args=(), *, link=False, on_exit=None) -> Pid
      fn is any callable (values.Function or Python). on_exit: 0-arg
      callable run in the process when it exits (actor `terminate` clause).
  send(pid, msg)                     never blocks, dropped if pid is gone
  receive(match, timeout_ms=None)    selective receive: match(msg) returns
      NO_MATCH or a value; oldest matching message is removed and its value
      returned; blocks; timeout_ms -> TIMEOUT; timeout 0 polls.
      (concurrency.md recommends crashing on a message no arm matches: the
      evaluator does that by making `match` raise MeshPanic instead of
      returning NO_MATCH, if it wants the reference's behaviour.)
  NO_MATCH, TIMEOUT                  sentinels (both falsy)
  sleep(ms); send_after(pid, ms, msg); yield_now()
  preempt()                          call on EVERY function call and loop
      iteration: a global counter decrement; every REDUCTIONS (4000) calls
      the process yields to the loop so timers, I/O and other processes run.
  await_coroutine(coro)              block until coro (run as a Task on the
      hub loop) completes; its result, or its exception re-raised.
  loop()                             the hub's asyncio loop (created on demand)
  run_in_process(fn, args) -> asyncio.Future   for coroutines on the loop
      (e.g. an aiohttp handler): run fn in a new process, await its result.

  Exits: reasons are NORMAL "normal", SHUTDOWN "shutdown", KILLED "killed",
  NOPROC "noproc" or Crash(message); KILL "kill" is an untrappable signal.
  A crashing process (uncaught MeshPanic or any exception) prints its error
  and ends only itself, with Crash(message). Linked processes then die with
  the same reason (unless trapping exits); a normal exit kills no one.
  link(pid), unlink(pid), exit(pid, reason), trap_exit(flag) (internal)
  monitor(pid) -> ref:int ; demonitor(ref) -> bool
      DOWN message: the tuple ("down", ref, pid, reason_text) -- in Mesh a
      4-tuple (Atom/String "down", Int, Pid, String); reason_text is
      "normal", "shutdown", "killed", "noproc" or the error message.
  ProcessExit(reason): BaseException raised at a blocking point (or in
      preempt) of a process that received an exit signal. The evaluator must
      not catch BaseException (catching Exception is fine).
  register(name, pid) -> bool ; whereis(name) -> Pid | None ; NULL_PID (Pid 0)

  Services (service.py):
    start_service(init_fn, init_args, handlers, *, link=False, name=None) -> Pid
        init runs in the caller; handlers {name: ("call"|"cast", fn)};
        call fn(state, *args) -> (new_state, reply); cast fn -> new_state.
    service_call(pid, name, args) -> reply   (MeshPanic if the service is dead,
        is the caller, or exits before replying -- never hangs)
    service_cast(pid, name, args) -> None
  Supervisors (supervisor.py): start_supervisor(spec, *, link=False) -> Pid
  Jobs (jobs.py): job_async(fn) -> Pid ; job_await(pid, timeout_ms=None) ->
      (True, value) | (False, error_text) ; job_map(items, fn) -> list
"""
from __future__ import annotations

from .scheduler import (
    NO_MATCH, TIMEOUT, NULL_PID, REDUCTIONS,
    NORMAL, SHUTDOWN, KILL, KILLED, NOPROC, Crash, ExitMsg, ProcessExit, Request, Slot,
    reason_text, is_abnormal,
    run_main, program_exit, set_panic_reporter,
    current, self_pid, is_alive, spawn, send, receive, sleep, send_after, yield_now,
    preempt, await_coroutine, loop, run_in_process,
    link, unlink, exit, trap_exit, monitor, demonitor,
    register, whereis, registered, process_count,
)
from .service import start_service, service_call, service_cast
from .supervisor import start_supervisor, ChildSpec
from .jobs import job_async, job_await, job_map


def run_program(fn, args=(), *, stack_mb: int = 512, recursion_limit: int = 1_000_000) -> int:
    """run_main(fn, args) in a thread with a `stack_mb` MiB stack.

    The calling (main) thread waits; Ctrl-C flushes output and ends the
    whole program with status 130 and no traceback."""
    import os
    import sys
    import threading

    result = [1]

    def target():
        sys.setrecursionlimit(recursion_limit)
        result[0] = run_main(fn, args)

    old = threading.stack_size()
    threading.stack_size(stack_mb * 1024 * 1024)
    try:
        t = threading.Thread(target=target, name="mesh-main", daemon=True)
        t.start()
    finally:
        threading.stack_size(old)
    try:
        while t.is_alive():
            t.join(0.25)
    except KeyboardInterrupt:
        for s in (sys.stdout, sys.stderr):
            try:
                s.flush()
            except Exception:
                pass
        os._exit(130)
    return result[0]
