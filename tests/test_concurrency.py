"""Processes as Mesh programs see them, including what the reference gets
wrong (supervisors that restart, selective receive, `after`, crash isolation,
links). Each program runs as a whole `mesh run` in a subprocess."""
from __future__ import annotations

import textwrap

import pytest

from conftest import run_mesh


def mesh(tmp_path, source: str, timeout: float = 60):
    path = tmp_path / "main.mpl"
    path.write_text(textwrap.dedent(source).lstrip("\n"))
    return run_mesh("run", str(path), timeout=timeout)


WORKER = """
actor worker(name :: String) do
  Process.register(name, self())
  println("start ${name}")
  receive do
    "crash" -> println("crashing ${name} ${List.head([])}")
    _ -> println("stop ${name}")
  end
end
"""


def supervised(strategy: str) -> str:
    return WORKER + f"""
supervisor Crew do
  strategy: {strategy}
  max_restarts: 5
  max_seconds: 10
  child a do
    start: fn -> spawn(worker, "a") end
  end
  child b do
    start: fn -> spawn(worker, "b") end
  end
  child c do
    start: fn -> spawn(worker, "c") end
  end
end

fn main() do
  let sup = spawn(Crew)
  Timer.sleep(100)
  println("--")
  send(Process.whereis("b"), "crash")
  Timer.sleep(200)
  println("--")
end
"""


@pytest.mark.parametrize("strategy,restarted", [
    ("one_for_one", ["b"]),
    ("one_for_all", ["a", "b", "c"]),
    ("rest_for_one", ["b", "c"]),
])
def test_supervisor_restarts_crashed_children(tmp_path, strategy, restarted):
    r = mesh(tmp_path, supervised(strategy))
    assert r.returncode == 0, r.stderr
    first, after_crash, rest = r.stdout.split("--\n")
    assert sorted(first.split("\n")[:-1]) == ["start a", "start b", "start c"]
    starts = sorted(line for line in after_crash.splitlines() if line.startswith("start"))
    assert starts == [f"start {n}" for n in restarted]
    assert "mesh_list_head: empty list" in r.stderr


def test_supervisor_gives_up_after_max_restarts(tmp_path):
    src = WORKER + """
supervisor Fragile do
  strategy: one_for_one
  max_restarts: 2
  max_seconds: 10
  child a do
    start: fn -> spawn(worker, "a") end
  end
end

fn crash_loop(n) do
  if n > 0 do
    let p = Process.whereis("a")
    send(p, "crash")
    Timer.sleep(50)
    crash_loop(n - 1)
  end
end

fn main() do
  let sup = spawn(Fragile)
  Timer.sleep(50)
  crash_loop(4)
  println("done")
end
"""
    r = mesh(tmp_path, src)
    assert r.returncode == 0, r.stderr
    # started once, restarted twice, then the supervisor stops restarting
    assert r.stdout.count("start a") == 3
    assert r.stdout.endswith("done\n")


def test_receive_three_arms_selective(tmp_path):
    r = mesh(tmp_path, """
        type Msg do
          Ping(Int)
          Pong(Int)
          Stop
        end

        actor collector() do
          receive do
            Stop -> println("stop first")
          end
          receive do
            Pong(n) -> println("pong ${n}")
          end
          receive do
            Ping(n) -> println("ping ${n}")
            Pong(n) -> println("late pong ${n}")
            Stop -> println("late stop")
          end
        end

        fn main() do
          let p = spawn(collector)
          send(p, Ping(1))
          send(p, Pong(2))
          send(p, Stop)
          Timer.sleep(100)
        end
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "stop first\npong 2\nping 1\n"


def test_receive_after_fires(tmp_path):
    r = mesh(tmp_path, """
        actor waiter() do
          receive do
            n -> println("got ${n}")
          after 50 -> println("timed out")
          end
        end

        fn main() do
          spawn(waiter)
          Timer.sleep(300)
          println("main done")
        end
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "timed out\nmain done\n"


def test_crash_is_isolated_from_siblings(tmp_path):
    r = mesh(tmp_path, """
        actor crasher() do
          receive do
            n -> println("${n / 0}")
          end
        end

        actor survivor(count) do
          receive do
            n -> println("survivor got ${n}")
          end
        end

        fn main() do
          let c = spawn(crasher)
          let s = spawn(survivor, 0)
          send(c, 1)
          Timer.sleep(50)
          send(s, 2)
          Timer.sleep(50)
          println("main alive")
        end
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "survivor got 2\nmain alive\n"
    assert "divide by zero" in r.stderr
    assert "Traceback" not in r.stderr


def test_link_propagates_an_abnormal_exit(tmp_path):
    r = mesh(tmp_path, """
        actor crasher() do
          receive do
            n -> println("${List.head([])}")
          end
        end

        actor partner(c) do
          link(c)
          receive do
            _ -> println("partner should not get here")
          end
        end

        fn main() do
          let c = spawn(crasher)
          let p = spawn(partner, c)
          Timer.sleep(50)
          send(c, 1)
          Timer.sleep(100)
          send(p, 2)
          Timer.sleep(50)
          println("main done")
        end
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "main done\n"


def test_service_call_cast_across_processes(tmp_path):
    r = mesh(tmp_path, """
        service Counter do
          fn init(start :: Int) -> Int do
            start
          end
          call Get() :: Int do |n|
            (n, n)
          end
          cast Add(k :: Int) do |n|
            n + k
          end
        end

        fn main() do
          let c = Counter.start(10)
          Counter.add(c, 5)
          Counter.add(c, 7)
          println("${Counter.get(c)}")
        end
        """)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "22\n"


def test_busy_actor_does_not_starve_a_timer(tmp_path):
    r = mesh(tmp_path, """
        fn spin(n) do
          if n == 0 do
            0
          else
            spin(n - 1)
          end
        end

        actor busy() do
          spin(3000000)
          println("busy done")
        end

        actor ticker() do
          Timer.sleep(5)
          println("tick")
        end

        fn main() do
          spawn(busy)
          spawn(ticker)
        end
        """, timeout=240)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "tick\nbusy done\n"


def test_ctrl_c_ends_the_program_cleanly(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    path = tmp_path / "main.mpl"
    path.write_text(textwrap.dedent("""
        actor w() do
          Timer.sleep(100000)
        end
        fn main() do
          let _ = spawn(w)
          println("started")
          Timer.sleep(100000)
        end
        """).lstrip("\n"))
    p = subprocess.Popen([sys.executable, "-m", "mesh_interp", "run", str(path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline() == "started\n"
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130
    assert "Traceback" not in err
