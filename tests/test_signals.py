"""Process.on_shutdown (mesh_interp/runtime/signals.py): SIGTERM and SIGINT
run the registered Mesh callbacks, then the program exits 0; a second signal
exits at once. Without callbacks (and no server) SIGTERM flushes the output
and exits 0, SIGINT interrupts (130). Servers: tests/test_shutdown.py."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

WITH_HOOKS = """
service Buf do
  fn init() -> Int do
    0
  end
  call Drain() :: Int do |n|
    (0, n)
  end
  cast Add() do |n|
    n + 1
  end
end

fn last() do
  println("second callback")
end

fn main() do
  let b = Buf.start()
  Buf.add(b)
  Buf.add(b)
  Process.on_shutdown(fn() do
    Timer.sleep(SLEEP)
    let n = Buf.drain(b)
    println("drained ${n}")
  end)
  Process.on_shutdown(last)
  println("ready")
  Timer.sleep(60000)
  println("not reached")
end
"""

WITHOUT_HOOKS = """
actor idle() do
  Timer.sleep(60000)
end

fn main() do
  let _ = spawn(idle)
  println("ready")
  Timer.sleep(60000)
end
"""


def start(tmp_path, source: str, stdin=subprocess.DEVNULL, env=None) -> subprocess.Popen:
    path = tmp_path / "prog.mpl"
    path.write_text(source)
    env = dict(os.environ, **(env or {}))
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.Popen([sys.executable, "-m", "mesh_interp", "run", str(path)], cwd=REPO_ROOT,
                         env=env, stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_runs_callbacks_in_order_then_exits_0(tmp_path, sig):
    p = start(tmp_path, WITH_HOOKS.replace("SLEEP", "100"))
    p.send_signal(sig)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert out.splitlines() == ["drained 2", "second callback"]


def test_second_signal_exits_at_once(tmp_path):
    p = start(tmp_path, WITH_HOOKS.replace("SLEEP", "30000"))
    p.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=30)
    assert time.monotonic() - t0 < 10
    assert p.returncode == 128 + signal.SIGTERM
    assert "drained" not in out


def test_without_callbacks_sigterm_exits_0(tmp_path):
    p = start(tmp_path, WITHOUT_HOOKS)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert out == "" and "Traceback" not in err


def test_without_callbacks_sigint_still_interrupts(tmp_path):
    p = start(tmp_path, WITHOUT_HOOKS)
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert "Traceback" not in err


PLAIN = """
fn main() do
  println("ready")
  Timer.sleep(60000)
  println("not reached")
end
"""


def test_plain_script_sigterm_flushes_and_exits_0(tmp_path):
    # no process but main: no event loop at all
    p = start(tmp_path, PLAIN)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert out == "" and "Traceback" not in err


def test_plain_script_sigint_exits_130(tmp_path):
    p = start(tmp_path, PLAIN)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=30)
    assert p.returncode == 130
    assert out == ""


ONLY_HOOK = """
fn main() do
  Process.on_shutdown(fn() do
    println("callback ran")
  end)
  println("ready")
  Timer.sleep(60000)
  println("not reached")
end
"""


def test_callback_runs_when_main_only_sleeps(tmp_path):
    # registering a callback starts the runtime's loop, so the callback can
    # run although main never spawned anything
    p = start(tmp_path, ONLY_HOOK)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert out == "callback ran\n"


STUCK = """
fn main() do
  Process.on_shutdown(fn() do
    println("callback ran")
  end)
  println("ready")
  let line = IO.read_line()
  println("got a line")
end
"""


def test_runtime_stuck_in_a_blocking_call_is_ended_after_the_bound(tmp_path):
    # main blocks the runtime's thread reading stdin (kept open, never
    # written): the shutdown cannot start, so the watchdog ends the program
    # after MESH_SHUTDOWN_TIMEOUT + 5 s, as a second signal would
    p = start(tmp_path, STUCK, stdin=subprocess.PIPE, env={"MESH_SHUTDOWN_TIMEOUT": "0"})
    p.send_signal(signal.SIGTERM)
    code = p.wait(60)
    err = p.stderr.read()
    p.stdin.close()
    assert code == 128 + signal.SIGTERM
    assert "[mesh-rt] shutdown: the program did not respond; exiting" in err
