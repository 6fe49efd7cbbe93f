"""Bad input that the type checker cannot rule out, and resource limits.

1. The native sweep (tests/fuzz/sweep.py): every native declared in
   stdlib/*.mpl is called with every kind of bad argument its parameter types
   allow; each call must return or raise MeshPanic, never let a Python
   exception escape, never hang. The plan is built from the declarations, so
   a new native is swept without touching this file.
   `MESH_SWEEP_TABLE=/tmp/sweep.md` also writes the per-native table.
2. Regressions for what the sweep found, as Mesh programs.
3. Resource limits: very deep non-tail recursion, a million-element list, a
   128 MB string, a runaway loop under `mesh run --timeout`.
4. Crashes in processes (actor, service, supervisor child) are reported with
   their Mesh location and leave unrelated processes alone; SIGINT/SIGTERM on
   a plain `mesh run` program.
"""
from __future__ import annotations

import collections
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import run_mesh

HERE = Path(__file__).resolve().parent
SWEEP = HERE / "fuzz" / "sweep.py"

# two processes (2 cores); the database/network modules are the slow half
GROUPS = [
    "List String Map Int Float Math Set Queue Range Tuple Iter JSON Json Prelude Env File IO",
    "Changeset Global HTTP Job Migration Node Orm Pg Pool Process Query Repo Request Sqlite "
    "Timer Ws",
]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    procs = []
    for i, group in enumerate(GROUPS):
        out = d / f"sweep{i}.jsonl"
        p = subprocess.Popen([sys.executable, str(SWEEP), f"--out={out}", *group.split()],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=d)
        procs.append((p, out))
    records = []
    for p, out in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode(errors="replace")[-3000:]
        records += [json.loads(line) for line in out.read_text().splitlines()]
    table = os.environ.get("MESH_SWEEP_TABLE")
    if table:
        Path(table).write_text(_table(records))
    return records


def _table(records) -> str:
    by = collections.OrderedDict()
    for r in records:
        by.setdefault(r["native"], []).append(r)
    lines = ["| native | calls | ok | panic | other | example panics |", "|---|---|---|---|---|---|"]
    for name, rs in by.items():
        c = collections.Counter(r["outcome"] for r in rs)
        panics = sorted({r["detail"][:50] for r in rs if r["outcome"] == "panic"})[:2]
        other = sum(v for k, v in c.items() if k not in ("ok", "panic"))
        lines.append(f"| {name} | {len(rs)} | {c['ok']} | {c['panic']} | {other} | "
                     + "; ".join(p.replace("|", "/") for p in panics) + " |")
    return "\n".join(lines) + "\n"


def test_every_declared_native_is_swept(sweep):
    sys.path.insert(0, str(SWEEP.parent))
    import sweep as S    # noqa: E402  (tests/fuzz/sweep.py)
    declared = {f"{m}.{n}" for m, n, *_ in S.natives()}
    swept = {r["native"] for r in sweep}
    assert declared - swept == set()
    assert len(declared) > 200


def test_no_native_lets_a_python_exception_escape(sweep):
    bad = [r for r in sweep if r["outcome"] not in ("ok", "panic", "exit")]
    assert not bad, "\n".join(f"{r['native']}{tuple(r['args'])}: {r['outcome']} {r['detail']}"
                              for r in bad[:40])


def test_sweep_is_not_trivial(sweep):
    c = collections.Counter(r["outcome"] for r in sweep)
    assert len(sweep) > 3000 and c["panic"] > 300, c


# ---------------------------------------------------------------- regressions

def mesh_program(tmp_path, source: str, *args, timeout=120):
    p = tmp_path / "prog.mpl"
    p.write_text(textwrap.dedent(source).lstrip())
    return run_mesh("run", *args, str(p), timeout=timeout)


def test_math_abs_min_max_of_non_numbers_panic(tmp_path):
    """Regression: `Math.abs<T>` type-checks for a String; it crashed with a
    Python TypeError traceback."""
    r = mesh_program(tmp_path, """
        fn main() do
          println("${Math.max("b", "a")} ${Math.min("b", "a")}")
          println("${Math.abs("x")}")
        end
        """)
    assert r.returncode == 101, r.stderr
    assert r.stdout == "b a\n"
    assert "panic: Math.abs: expected an Int or a Float, got a String" in r.stderr
    assert "prog.mpl:3:14" in r.stderr and "Traceback" not in r.stderr


def test_json_lone_surrogate_escape_is_an_error(tmp_path):
    """Regression: JSON text with an unpaired \\uD800 escape produced a String
    holding a lone surrogate; printing it crashed with UnicodeEncodeError."""
    r = mesh_program(tmp_path, r'''
        fn main() do
          println("[${JSON.get("{\"a\":\"\\ud800x\"}", "a")}]")
          case JSON.parse("\"\\udc00\"") do
            Ok(_) -> println("parsed")
            Err(e) -> println(e)
          end
          case JSON.parse("\"\\ud83d\\ude00\"") do
            Ok(j) -> println(JSON.encode(j))
            Err(e) -> println(e)
          end
        end
        ''')
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["[]", "lone leading surrogate in hex escape at line 1 column 7",
                                     '"\U0001F600"']


def test_wrong_kind_of_ptr_panics(tmp_path):
    """Regression: `Ptr` parameters accept any iterator-like handle, so a
    query passed to Iter.* / collect crashed with a Python TypeError."""
    r = mesh_program(tmp_path, """
        fn main() do
          let q = Query.from("users")
          println("${Iter.count(Iter.from([1, 2]))}")
          println("${Iter.count(q)}")
        end
        """)
    assert r.returncode == 101, r.stderr
    assert "Iter: expected an iterator or a collection, got a Query" in r.stderr
    assert "prog.mpl:4:14" in r.stderr and "Traceback" not in r.stderr


def test_huge_range(tmp_path):
    """Regression: Range.length of a range longer than 2**63 - 1 raised
    OverflowError; Range.to_list of it ran until memory ran out."""
    r = mesh_program(tmp_path, """
        fn main() do
          let r = Range.new(0 - 9223372036854775807, 9223372036854775807)
          println("${Range.length(Range.new(0, 10))} ${Range.length(Range.new(5, 0))}")
          println("${Range.length(r)}")
          println("${List.length(Range.to_list(r))}")
        end
        """)
    assert r.returncode == 101, r.stderr
    assert r.stdout.splitlines() == ["10 0", "-2"]
    assert "too many to make a list" in r.stderr and "prog.mpl:5:" in r.stderr


# ---------------------------------------------------------------- resource limits

def _peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def test_deep_non_tail_recursion_is_a_located_panic(tmp_path):
    t0 = time.monotonic()
    r = mesh_program(tmp_path, """
        fn f(n) do
          if n == 0 do
            0
          else
            1 + f(n - 1)
          end
        end
        fn main() do
          println("${f(1000)}")
          println("${f(100000000)}")
        end
        """)
    assert r.returncode == 101
    assert r.stdout == "1000\n"
    assert "panic: stack overflow: recursion too deep in `f`" in r.stderr
    assert "prog.mpl:1:1" in r.stderr and "Traceback" not in r.stderr
    assert time.monotonic() - t0 < 60
    assert _peak_child_rss_mb() < 2000


def test_million_element_list_and_128mb_string(tmp_path):
    r = mesh_program(tmp_path, """
        fn double(s :: String, n :: Int) -> String do
          if n == 0 do
            s
          else
            double(s <> s, n - 1)
          end
        end
        fn main() do
          let xs = for i in 0..1000000 do i * 2 end
          println("len ${List.length(xs)} last ${List.last(xs)}")
          let ys = List.map(xs, fn x -> x + 1 end) |> List.filter(fn x -> x % 3 == 0 end)
          println("filtered ${List.length(ys)}")
          let s = double("x", 27)
          println("string ${String.length(s)}")
          println("replaced ${String.length(String.replace(s, "x", "yz"))}")
        end
        """)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.splitlines() == ["len 1000000 last 1999998", "filtered 333333",
                                     "string 134217728", "replaced 268435456"]
    assert _peak_child_rss_mb() < 2000


def test_runaway_loop_under_timeout(tmp_path):
    t0 = time.monotonic()
    r = mesh_program(tmp_path, """
        fn spin(n) do
          if n < 0 do
            0
          else
            spin(n + 1)
          end
        end
        fn main() do
          println("start")
          spin(0)
        end
        """, "--timeout", "2")
    assert r.returncode == 124
    assert r.stdout == "start\n"
    assert "ran longer than --timeout 2s" in r.stderr and "Traceback" not in r.stderr
    assert time.monotonic() - t0 < 30


# ---------------------------------------------------------------- processes

def test_crashes_in_processes_are_located_and_isolated(tmp_path):
    r = mesh_program(tmp_path, """
        actor bad_actor() do
          receive do
            n -> println("actor got ${10 / n}")
          end
        end

        service Store do
          fn init() -> Int do
            0
          end
          call Boom(k :: Int) :: Int do |n|
            (n, List.head([]) + k)
          end
          call Get() :: Int do |n|
            (n, n)
          end
        end

        actor worker() do
          receive do
            n -> println("worker ok ${n}")
          end
        end

        fn main() do
          let a = spawn(bad_actor)
          let w = spawn(worker)
          send(a, 0)
          Timer.sleep(100)
          let s = Store.start()
          let j = Job.async(fn -> Store.boom(s, 1) end)
          println("job: ${Job.await(j)}")
          send(w, 7)
          Timer.sleep(100)
          println("main done")
        end
        """, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    assert "worker ok 7" in r.stdout and "main done" in r.stdout, (r.stdout, r.stderr)
    assert "panic: attempt to divide by zero" in r.stderr
    assert "prog.mpl:3:" in r.stderr            # the actor's crash, located
    assert "prog.mpl:12:" in r.stderr           # the service handler's crash, located
    assert r.returncode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_on_a_plain_program(tmp_path, sig):
    """No Process.on_shutdown callback and no server: SIGINT exits 130,
    SIGTERM exits 0 (nothing to drain, see runtime/signals.py); output
    already printed is flushed, no traceback either way."""
    p = tmp_path / "prog.mpl"
    p.write_text(textwrap.dedent("""
        fn spin(n) do
          if n < 0 do
            0
          else
            spin(n + 1)
          end
        end
        fn main() do
          print("ready\\n")
          spin(0)
        end
        """).lstrip())
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "mesh_interp", "run", str(p)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env)
    try:
        first = proc.stdout.readline()          # the program is running
        time.sleep(0.3)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
        out = first + out
    finally:
        if proc.poll() is None:
            proc.kill()
    assert b"Traceback" not in err, err
    assert out == b"ready\n"
    if sig == signal.SIGINT:
        assert proc.returncode == 130
    else:
        assert proc.returncode == 0


def test_supervisor_child_crash_is_located_and_isolated(tmp_path):
    r = mesh_program(tmp_path, """
        actor flaky() do
          Process.register("flaky", self())
          receive do
            n -> println("flaky ${List.head([]) + n}")
          end
        end

        actor bystander() do
          receive do
            n -> println("bystander ${n}")
          end
        end

        supervisor Sup do
          strategy: one_for_one
          max_restarts: 3
          max_seconds: 5
          child f do
            start: fn -> spawn(flaky) end
          end
        end

        fn main() do
          let b = spawn(bystander)
          let _ = spawn(Sup)
          Timer.sleep(100)
          send(Process.whereis("flaky"), 1)
          Timer.sleep(200)
          send(b, 2)
          Timer.sleep(100)
          println("restarted: ${Process.whereis("flaky") != Process.whereis("nobody")}")
        end
        """, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    assert "panic: mesh_list_head: empty list" in r.stderr
    assert "prog.mpl:4:" in r.stderr, r.stderr
    assert r.stdout.splitlines() == ["bystander 2", "restarted: true"], (r.stdout, r.stderr)
    assert r.returncode == 0
