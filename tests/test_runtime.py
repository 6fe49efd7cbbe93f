"""The process runtime, driven by Python callables standing in for Mesh code."""
from __future__ import annotations

import resource
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mesh_interp import runtime as rt  # noqa: E402
from mesh_interp.errors import MeshExit, MeshPanic  # noqa: E402


def run(fn, timeout=20.0):
    """run_main in a worker thread (as the CLI does) with a hang guard."""
    box = {}

    def target():
        box["code"] = rt.run_main(fn)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "runtime hung"
    return box["code"]


def any_msg(m):
    return m


def recv(timeout=None):
    return rt.receive(any_msg, timeout)


# ---------------------------------------------------------------- receive

def test_selective_receive_three_arms():
    got = []

    def arm(m):
        if m == ("b", 2):
            return "second"
        if type(m) is int and m > 10:
            return f"big {m}"
        if m == "stop":
            return "stop"
        return rt.NO_MATCH

    def actor():
        while True:
            r = rt.receive(arm)
            got.append(r)
            if r == "stop":
                break
        got.append(("left", recv(0), recv(0), recv(0)))

    def main():
        p = rt.spawn(actor)
        for m in ["x", 1, ("b", 2), 50, "y", "stop"]:
            rt.send(p, m)

    assert run(main) == 0
    # matching messages in arrival order, non-matching ones left in the mailbox, oldest first
    assert got == ["second", "big 50", "stop", ("left", "x", 1, "y")]


def test_selective_receive_blocks_until_match_arrives():
    got = []

    def actor():
        got.append(rt.receive(lambda m: m if m == "wanted" else rt.NO_MATCH))
        got.append(recv(0))

    def main():
        p = rt.spawn(actor)
        rt.send(p, "other")
        rt.sleep(20)
        rt.send(p, "wanted")
        rt.sleep(20)

    assert run(main) == 0
    assert got == ["wanted", "other"]


def test_after_timeout_fires_and_late_message_stays():
    got = []

    def actor():
        t0 = time.monotonic()
        got.append(recv(50))
        got.append(time.monotonic() - t0 >= 0.045)
        got.append(recv(0))       # poll: nothing yet
        rt.sleep(60)
        got.append(recv(0))       # the late message stayed in the mailbox

    def main():
        p = rt.spawn(actor)
        rt.sleep(80)
        rt.send(p, "late")
        rt.sleep(60)

    assert run(main) == 0
    assert got == [rt.TIMEOUT, True, rt.TIMEOUT, "late"]


def test_message_before_timeout_wins():
    got = []

    def actor():
        got.append(recv(1000))

    def main():
        p = rt.spawn(actor)
        rt.send_after(p, 10, "hi")
        rt.sleep(30)

    assert run(main) == 0
    assert got == ["hi"]


def test_program_ends_when_actors_idle_in_receive():
    got = []

    def idle():
        got.append("started")
        recv()
        got.append("never")

    def main():
        rt.spawn(idle)
        rt.spawn(idle)

    t0 = time.monotonic()
    assert run(main) == 0
    assert got == ["started", "started"]
    assert time.monotonic() - t0 < 5


def test_sleeping_actor_keeps_program_alive_after_main_returns():
    got = []

    def late():
        rt.sleep(50)
        got.append("done")

    def main():
        rt.spawn(late)

    assert run(main) == 0
    assert got == ["done"]


def test_no_concurrency_does_not_import_asyncio():
    import subprocess
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from mesh_interp import runtime as rt\n"
        "def main():\n"
        "    rt.preempt(); rt.sleep(1); rt.yield_now()\n"
        "assert rt.run_main(main) == 0\n"
        "print('asyncio' in sys.modules, 'greenlet' in sys.modules)\n"
    ) % str(Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


# ---------------------------------------------------------------- crashes, links, monitors

def test_crash_isolation(capsys):
    got = []

    def crasher():
        raise MeshPanic("boom in actor")

    def sibling():
        rt.sleep(30)
        got.append("sibling ok")

    def main():
        rt.spawn(crasher)
        rt.spawn(sibling)
        rt.sleep(60)
        got.append("main ok")

    assert run(main) == 0
    assert got == ["sibling ok", "main ok"]
    err = capsys.readouterr().err
    assert "boom in actor" in err and err.count("boom in actor") == 1


def test_python_exception_in_process_is_isolated(capsys):
    got = []

    def bad():
        return 1 // 0

    def main():
        rt.spawn(bad)
        rt.sleep(20)
        got.append("alive")

    assert run(main) == 0
    assert got == ["alive"]
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_main_panic_exit_code(capsys):
    def main():
        raise MeshPanic("main failed")

    assert run(main) == 101
    assert "main failed" in capsys.readouterr().err


def test_mesh_exit_from_actor_stops_program():
    def quitter():
        raise MeshExit(3)

    def main():
        rt.spawn(quitter)
        rt.sleep(10_000)

    assert run(main) == 3


def test_link_propagation_and_normal_exit_does_not_kill(capsys):
    got = []

    def worker(name, crash):
        rt.sleep(20)
        if crash:
            raise MeshPanic(f"{name} crashed")

    def partner(name, target):
        rt.link(target)
        try:
            recv()
        except rt.ProcessExit as e:
            got.append((name, rt.reason_text(e.reason)))
            raise

    def main():
        a = rt.spawn(worker, ("a", True))
        b = rt.spawn(worker, ("b", False))
        rt.spawn(partner, ("pa", a))
        pb = rt.spawn(partner, ("pb", b))
        # wait for the outcome rather than for a fixed time (loaded machines)
        for _ in range(1000):
            if not rt.is_alive(a) and not rt.is_alive(b) and got:
                break
            rt.sleep(5)
        got.append(("pb alive", rt.is_alive(pb)))

    assert run(main) == 0
    assert got == [("pa", "a crashed"), ("pb alive", True)]


def test_link_chain_propagates_transitively():
    alive = {}

    def crasher():
        rt.sleep(10)
        raise MeshPanic("root cause")

    def middle(target):
        rt.link(target)
        recv()

    def outer(target):
        rt.link(target)
        recv()

    def main():
        c = rt.spawn(crasher)
        m = rt.spawn(middle, (c,))
        o = rt.spawn(outer, (m,))
        bystander = rt.spawn(lambda: recv())
        rt.sleep(50)
        alive.update(c=rt.is_alive(c), m=rt.is_alive(m), o=rt.is_alive(o), b=rt.is_alive(bystander))

    assert run(main) == 0
    assert alive == {"c": False, "m": False, "o": False, "b": True}


def test_spawn_link_kills_main(capsys):
    def crasher():
        raise MeshPanic("linked crash")

    def main():
        rt.spawn(crasher, link=True)
        rt.sleep(1000)

    assert run(main) == 1


def test_monitor_down_messages():
    got = []

    def dies_normally():
        rt.sleep(10)

    def crashes():
        rt.sleep(20)
        raise MeshPanic("bad thing")

    def watcher(a, b):
        ra = rt.monitor(a)
        rb = rt.monitor(b)
        rc = rt.monitor(rt.NULL_PID)
        for _ in range(3):
            tag, ref, pid, reason = recv()
            got.append((tag, {ra: "a", rb: "b", rc: "c"}[ref], reason))

    def main():
        a = rt.spawn(dies_normally)
        b = rt.spawn(crashes)
        rt.spawn(watcher, (a, b))
        rt.sleep(60)

    assert run(main) == 0
    assert got == [("down", "c", "noproc"), ("down", "a", "normal"), ("down", "b", "bad thing")]


def test_demonitor():
    got = []

    def short():
        rt.sleep(10)

    def watcher(p):
        ref = rt.monitor(p)
        got.append(rt.demonitor(ref))
        got.append(rt.demonitor(ref))
        got.append(recv(40))

    def main():
        p = rt.spawn(short)
        rt.spawn(watcher, (p,))
        rt.sleep(60)

    assert run(main) == 0
    assert got == [True, False, rt.TIMEOUT]


def test_terminate_callback_runs():
    got = []

    def body():
        recv()
        raise MeshPanic("x")

    def main():
        p = rt.spawn(body, on_exit=lambda: got.append("terminate"))
        rt.send(p, 1)
        rt.sleep(20)

    assert run(main) == 0
    assert got == ["terminate"]


def test_register_whereis_released_on_exit():
    got = []

    def named():
        recv()

    def main():
        p = rt.spawn(named)
        got.append(rt.register("svc", p))
        got.append(rt.register("svc", p))
        got.append(rt.whereis("svc") == p)
        rt.send(p, "go")
        rt.sleep(10)
        got.append(rt.whereis("svc"))

    assert run(main) == 0
    assert got == [True, False, True, None]


# ---------------------------------------------------------------- services

def counter_handlers():
    return {
        "get": ("call", lambda st: (st, st)),
        "bump": ("call", lambda st, by: (st + by, st + by)),
        "reset": ("cast", lambda st: 0),
        "crash": ("call", lambda st: (_ for _ in ()).throw(MeshPanic("handler crashed"))),
        "slow": ("call", lambda st: (rt.sleep(30), (st, "slow done"))[1]),
    }


def test_service_call_and_cast():
    got = []

    def main():
        pid = rt.start_service(lambda label, start: start, ("web", 10), counter_handlers())
        got.append(rt.service_call(pid, "bump", (5,)))
        got.append(rt.service_cast(pid, "reset", ()))
        got.append(rt.service_call(pid, "get", ()))
        got.append(rt.service_call(pid, "bump", (2,)))

    assert run(main) == 0
    assert got == [15, None, 0, 2]


def test_service_requests_in_arrival_order_from_many_callers():
    log = []

    def client(svc, i):
        log.append(rt.service_call(svc, "bump", (1,)))

    def main():
        svc = rt.start_service(None, (), counter_handlers())
        for i in range(50):
            rt.spawn(client, (svc, i))
        rt.sleep(50)

    assert run(main) == 0
    assert log == list(range(1, 51))


def test_service_reply_not_confused_with_mailbox_messages():
    got = []

    def caller(svc):
        rt.send(rt.self_pid(), "unrelated")
        got.append(rt.service_call(svc, "get", ()))
        got.append(recv(0))

    def main():
        svc = rt.start_service(lambda: 7, (), counter_handlers())
        rt.spawn(caller, (svc,))
        rt.sleep(20)

    assert run(main) == 0
    assert got == [7, "unrelated"]


def test_call_to_dead_service_errors_not_hangs(capsys):
    got = []

    def main():
        svc = rt.start_service(lambda: 0, (), counter_handlers())
        try:
            rt.service_call(svc, "crash", ())
        except MeshPanic as e:
            got.append(("died during call", "handler crashed" in e.message))
        try:
            rt.service_call(svc, "get", ())
        except MeshPanic as e:
            got.append(("dead", "no process is alive" in e.message))
        try:
            rt.service_call(rt.NULL_PID, "get", ())
        except MeshPanic as e:
            got.append(("null", True))
        rt.service_cast(svc, "reset", ())       # silently dropped
        got.append("cast ok")

    assert run(main) == 0
    assert got == [("died during call", True), ("dead", True), ("null", True), "cast ok"]
    assert "handler crashed" in capsys.readouterr().err


def test_queued_callers_fail_when_service_dies():
    got = []

    def caller(svc):
        try:
            rt.service_call(svc, "get", ())
            got.append("reply")
        except MeshPanic:
            got.append("failed")

    def killer(svc):
        rt.sleep(10)
        rt.exit(svc, rt.KILL)

    # a call handler that blocks, then the service is killed while others queue
    def main2():
        svc = rt.start_service(lambda: 0, (), counter_handlers())
        rt.spawn(lambda: got.append(("slow", _try_call(svc, "slow"))))
        rt.spawn(caller, (svc,))
        rt.spawn(caller, (svc,))
        rt.spawn(killer, (svc,))
        rt.sleep(80)

    assert run(main2) == 0
    assert sorted(map(str, got)) == sorted(map(str, [("slow", "failed"), "failed", "failed"]))


def _try_call(svc, name):
    try:
        return rt.service_call(svc, name, ())
    except MeshPanic:
        return "failed"


def test_service_call_to_itself_panics(capsys):
    got = []

    def self_call(st):
        try:
            rt.service_call(rt.self_pid(), "get", ())
        except MeshPanic as e:
            got.append("deadlock" in e.message)
        return (st, "ok")

    def main():
        h = counter_handlers()
        h["me"] = ("call", self_call)
        svc = rt.start_service(lambda: 0, (), h)
        got.append(rt.service_call(svc, "me", ()))

    assert run(main) == 0
    assert got == [True, "ok"]


# ---------------------------------------------------------------- supervisors

class Recorder:
    """Children whose start functions record starts and can be told to crash."""

    def __init__(self):
        self.starts = []
        self.pids = {}

    def child(self, name):
        def body():
            m = recv()
            if m == "crash":
                raise MeshPanic(f"{name} crashed")
            # "stop" -> normal exit

        def start():
            self.starts.append(name)
            pid = rt.spawn(body)
            self.pids[name] = pid
            return pid
        return start


def _sup_run(strategy, action, *, restart="permanent", max_restarts=3, names=("a", "b", "c")):
    rec = Recorder()
    result = {}

    def main():
        spec = {"strategy": strategy, "max_restarts": max_restarts, "max_seconds": 5,
                "children": [(n, rec.child(n), restart, 100) for n in names]}
        sup = rt.start_supervisor(spec)
        rt.sleep(10)
        result["initial"] = dict(rec.pids)
        action(rec)
        rt.sleep(40)
        result["sup_alive"] = rt.is_alive(sup)
        result["alive"] = {n: rt.is_alive(p) for n, p in rec.pids.items()}
        result["old_alive"] = {n: rt.is_alive(p) for n, p in result["initial"].items()}

    assert run(main) == 0
    return rec, result


def test_supervisor_one_for_one(capsys):
    rec, r = _sup_run("one_for_one", lambda rec: rt.send(rec.pids["b"], "crash"))
    assert rec.starts == ["a", "b", "c", "b"]
    assert r["sup_alive"] and all(r["alive"].values())
    assert r["old_alive"] == {"a": True, "b": False, "c": True}


def test_supervisor_one_for_all(capsys):
    rec, r = _sup_run("one_for_all", lambda rec: rt.send(rec.pids["b"], "crash"))
    assert rec.starts == ["a", "b", "c", "a", "b", "c"]
    assert r["sup_alive"] and all(r["alive"].values())
    assert r["old_alive"] == {"a": False, "b": False, "c": False}


def test_supervisor_rest_for_one(capsys):
    rec, r = _sup_run("rest_for_one", lambda rec: rt.send(rec.pids["b"], "crash"))
    assert rec.starts == ["a", "b", "c", "b", "c"]
    assert r["sup_alive"] and all(r["alive"].values())
    assert r["old_alive"] == {"a": True, "b": False, "c": False}


def test_supervisor_transient_and_temporary(capsys):
    rec, r = _sup_run("one_for_one", lambda rec: rt.send(rec.pids["a"], "stop"), restart="transient")
    assert rec.starts == ["a", "b", "c"]             # normal exit: not restarted
    rec, r = _sup_run("one_for_one", lambda rec: rt.send(rec.pids["a"], "crash"), restart="transient")
    assert rec.starts == ["a", "b", "c", "a"]
    rec, r = _sup_run("one_for_one", lambda rec: rt.send(rec.pids["a"], "crash"), restart="temporary")
    assert rec.starts == ["a", "b", "c"]


def test_supervisor_restart_intensity_exhausted(capsys):
    def crash_repeatedly(rec):
        for _ in range(4):
            rt.send(rec.pids["a"], "crash")
            rt.sleep(5)

    got = {}

    def watch_main():
        rec = Recorder()
        spec = {"strategy": "one_for_one", "max_restarts": 3, "max_seconds": 5,
                "children": [("a", rec.child("a"), "permanent", "brutal_kill"),
                             ("b", rec.child("b"), "permanent", 50)]}
        sup = rt.start_supervisor(spec)
        rt.sleep(5)
        b = rec.pids["b"]
        crash_repeatedly(rec)
        rt.sleep(20)
        got["sup_alive"] = rt.is_alive(sup)
        got["b_alive"] = rt.is_alive(b)
        got["starts"] = list(rec.starts)

    assert run(watch_main) == 0
    assert got["starts"] == ["a", "b", "a", "a", "a"]
    assert got["sup_alive"] is False
    assert got["b_alive"] is False


def test_supervisor_exit_reason_reported_to_monitor(capsys):
    got = []

    def main():
        rec = Recorder()
        spec = {"strategy": "one_for_one", "max_restarts": 0, "max_seconds": 5,
                "children": [("a", rec.child("a"), "permanent", 100)]}
        sup = rt.start_supervisor(spec)
        ref = rt.monitor(sup)
        rt.sleep(5)
        rt.send(rec.pids["a"], "crash")
        msg = recv(500)
        got.append((msg[0], msg[1] == ref, msg[3]))

    assert run(main) == 0
    assert got == [("down", True, "restart limit exceeded: 0 restarts in 5 seconds")]


def test_nested_supervisor_restarted_by_parent(capsys):
    rec = Recorder()
    got = {}

    def inner_start():
        rec.starts.append("inner")
        return rt.start_supervisor({"max_restarts": 0,
                                    "children": [("w", rec.child("w"), "permanent", 100)]})

    def main():
        outer = rt.start_supervisor({"children": [("inner", inner_start, "permanent", 100)]})
        rt.sleep(10)
        rt.send(rec.pids["w"], "crash")     # inner gives up at once, outer restarts it
        rt.sleep(30)
        got["outer"] = rt.is_alive(outer)
        got["w"] = rt.is_alive(rec.pids["w"])

    assert run(main) == 0
    assert rec.starts == ["inner", "w", "inner", "w"]
    assert got == {"outer": True, "w": True}


# ---------------------------------------------------------------- fairness, timers, jobs, I/O

def test_fairness_busy_loop_does_not_block_timer():
    got = []

    def busy():
        t0 = time.monotonic()
        n = 0
        while time.monotonic() - t0 < 10 and "tick" not in got:
            n += 1
            rt.preempt()
        got.append(("busy stopped", time.monotonic() - t0 < 9))

    def ticker():
        rt.sleep(20)
        got.append("tick")

    def main():
        rt.spawn(busy)
        rt.spawn(ticker)

    assert run(main) == 0
    assert got == ["tick", ("busy stopped", True)]


def test_two_busy_processes_interleave():
    log = []

    def busy(name):
        for i in range(3):
            for _ in range(rt.REDUCTIONS):
                rt.preempt()
            log.append(name)

    def main():
        rt.spawn(busy, ("a",))
        rt.spawn(busy, ("b",))

    assert run(main) == 0
    assert log[:2] in (["a", "b"], ["b", "a"]) and log.count("a") == 3 and len(set(log[:4])) == 2


def test_jobs():
    got = []

    def main():
        j = rt.job_async(lambda: 42)
        got.append(rt.job_await(j))
        got.append(rt.job_await(rt.job_async(lambda: (_ for _ in ()).throw(MeshPanic("job failed")))))
        got.append(rt.job_await(rt.job_async(lambda: rt.sleep(200)), 20))
        got.append(rt.job_map([1, 2, 3], lambda x: x * 10))
        got.append(rt.job_await(rt.NULL_PID))

    assert run(main) == 0
    assert got == [(True, 42), (False, "job failed"), (False, "timeout"),
                   [(True, 10), (True, 20), (True, 30)], (False, "not a job")]


def test_await_coroutine():
    import asyncio
    got = []

    async def slow_add(a, b):
        await asyncio.sleep(0.01)
        return a + b

    async def fails():
        await asyncio.sleep(0)
        raise ValueError("io failed")

    def worker():
        got.append(rt.await_coroutine(slow_add(1, 2)))

    def main():
        got.append(rt.await_coroutine(slow_add(20, 22)))
        rt.spawn(worker)
        try:
            rt.await_coroutine(fails())
        except ValueError as e:
            got.append(str(e))

    assert run(main) == 0
    assert got == [42, "io failed", 3]


def test_run_in_process_from_coroutine():
    import asyncio
    got = []

    async def handler():
        return await rt.run_in_process(lambda x: x * 2, (21,))

    def main():
        got.append(rt.await_coroutine(handler()))

    assert run(main) == 0
    assert got == [42]


def test_deep_recursion_in_big_stack_thread():
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    got = []

    def actor():
        got.append(depth(20_000))

    def main():
        rt.spawn(actor)
        got.append(depth(20_000))

    box = {}

    def target():
        sys.setrecursionlimit(100_000)
        box["code"] = rt.run_main(main)

    old = threading.stack_size()
    threading.stack_size(256 * 1024 * 1024)
    try:
        t = threading.Thread(target=target)
        t.start()
    finally:
        threading.stack_size(old)
    t.join(30)
    assert box["code"] == 0 and got == [20_000, 20_000]


def test_hundred_thousand_processes():
    n = 100_000
    total = [0]

    def worker():
        total[0] += recv()

    def main():
        pids = [rt.spawn(worker) for _ in range(n)]
        for p in pids:
            rt.send(p, 1)

    t0 = time.perf_counter()
    assert run(main, timeout=120) == 0
    elapsed = time.perf_counter() - t0
    assert total[0] == n
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n100k processes: {elapsed:.2f}s, peak RSS {peak:.0f} MB")


# ---------------------------------------------------------------- natives

def test_natives_process_job_node_timer():
    from mesh_interp.eval.values import ERR, OK
    from mesh_interp.natives import load_native as nat
    got = []

    def main():
        p = nat("Node", "spawn")("", lambda: recv())
        got.append(nat("Process", "register")("p", p))
        got.append(nat("Process", "register")("p", p))
        got.append(nat("Process", "whereis")("p") == p)
        got.append(nat("Process", "whereis")("nobody") == rt.NULL_PID)
        got.append(nat("Node", "self")())
        got.append(nat("Node", "connect")("a@b"))
        got.append(len(nat("Node", "list")()))
        r = nat("Job", "await")(nat("Job", "async")(lambda: 5))
        got.append((r.info is OK, r.args))
        r = nat("Job", "await_timeout")(nat("Job", "async")(lambda: rt.sleep(100)), 5)
        got.append((r.info is ERR, r.args))
        rs = nat("Job", "map")(nat("List", "new")().append(1).append(2), lambda x: x + 1)
        got.append([v.args[0] for v in rs])
        nat("Timer", "send_after")(p, 1, "bye")
        nat("Timer", "sleep")(10)
        got.append(rt.is_alive(p))

    assert run(main) == 0
    assert got == [0, 1, True, True, "", -1, 0, (True, (5,)), (True, ("timeout",)), [2, 3], False]


def test_supervisor_child_start_failure(capsys):
    got = {}

    def bad_start():
        raise MeshPanic("cannot start")

    rec = Recorder()

    def main():
        sup = rt.start_supervisor({"children": [("a", rec.child("a"), "permanent", 100),
                                                ("b", bad_start, "permanent", 100)]})
        rt.sleep(20)
        got["sup"] = rt.is_alive(sup)
        got["a"] = rt.is_alive(rec.pids["a"])

    assert run(main) == 0
    assert got == {"sup": False, "a": False}
    err = capsys.readouterr().err
    assert "cannot start" in err and "failed to start child `b`" in err
