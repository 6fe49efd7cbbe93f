"""Run one program through parse -> type check -> compile -> run, in this
process, and classify the outcome.

Acceptable outcomes: the program ran (`ok`), or it was rejected / stopped with
a Mesh diagnostic that names a location (`parse`, `module`, `type`,
`compile`, `panic`), or it used up the reduction budget the harness gives it
(`budget`: a runaway loop, which is the program's business). Anything else
is a bug of the interpreter: a Python traceback or an internal error
(`BUG:traceback`), a diagnostic without a location (`BUG:noloc`), a run that
does not end (`BUG:hang`).

The harness stops runaway programs by replacing runtime.preempt (which the
compiled code calls on every function call and loop iteration) with a
counting version that panics after `reductions` calls; the evaluator fetches
the hook when it compiles, so the replacement is installed before loading.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from mesh_interp import runtime as rt
from mesh_interp.runtime import scheduler as _sched
from mesh_interp.errors import MeshError, MeshPanic

OK_KINDS = {"ok", "parse", "module", "type", "compile", "panic", "exit", "budget"}

STACK_MB = 256           # stack of the thread that runs a program
RECURSION_LIMIT = 30_000  # deep enough for real programs, quick to overflow
RUN_TIMEOUT = 20.0       # seconds before a run counts as a hang

_LOCATION = re.compile(r"^  --> .+:\d+:\d+$", re.M)
_HEAD = re.compile(r"^(error|panic)(\[[A-Z0-9]+\])?: ", re.M)


class BudgetExhausted(MeshPanic):
    """The harness's reduction budget ran out (a runaway loop)."""


@dataclass
class Outcome:
    kind: str
    detail: str = ""
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.kind in OK_KINDS

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass
class Stats:
    programs: int = 0
    kinds: dict = field(default_factory=dict)
    bugs: list = field(default_factory=list)

    def add(self, source: str, outcome: Outcome, data: bytes) -> None:
        self.programs += 1
        key = f"{source}/{outcome.kind}"
        self.kinds[key] = self.kinds.get(key, 0) + 1
        if not outcome.ok and len(self.bugs) < 50:
            self.bugs.append((source, str(outcome)[:2000], data[:4000]))


STATS = Stats()


class _Budget:
    """Stands in for scheduler._preempt_slow, which preempt() calls once every
    REDUCTIONS reductions on every path (calls, loops, tail-call bounces)."""

    def __init__(self, n: int):
        self.slow_calls = max(1, n // _sched.REDUCTIONS)
        self.left = self.slow_calls
        self.n = n

    def __call__(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.left = self.slow_calls
            raise BudgetExhausted(f"fuzz budget of {self.n} reductions exhausted")
        _real_slow()


_real_slow = _sched._preempt_slow


@contextlib.contextmanager
def _patched_preempt(n: int):
    budget = _Budget(n)
    _sched._preempt_slow = budget
    try:
        yield budget
    finally:
        _sched._preempt_slow = _real_slow


def _diagnostics_ok(err: str) -> tuple[bool, str]:
    """Every `error:`/`panic:` printed names a location (file:line:col)."""
    if "Traceback (most recent call last)" in err or "internal error" in err \
            or "internal parser error" in err:
        return False, "BUG:traceback"
    heads = len(_HEAD.findall(err))
    locs = len(_LOCATION.findall(err))
    if heads == 0:
        return False, "BUG:silent"
    if locs < heads:
        return False, "BUG:noloc"
    return True, ""


def _in_thread(fn, timeout: float):
    result: dict = {}

    def target():
        if sys.getrecursionlimit() < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        try:
            result["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - reported to the caller
            result["error"] = e
            result["tb"] = traceback.format_exc()

    old_limit = sys.getrecursionlimit()
    old = threading.stack_size()
    threading.stack_size(STACK_MB * 1024 * 1024)
    try:
        t = threading.Thread(target=target, name="fuzz-run", daemon=True)
        t.start()
    finally:
        threading.stack_size(old)
    t.join(timeout)
    sys.setrecursionlimit(old_limit)
    if t.is_alive():
        return None, "hang"
    return result, None


_CACHE_DIR = None


def _cache_dir() -> str:
    global _CACHE_DIR
    if _CACHE_DIR is None:
        _CACHE_DIR = tempfile.mkdtemp(prefix="meshfuzz-cache")
    return _CACHE_DIR


def run_bytes(data: bytes, *, run: bool = True, reductions: int = 200_000,
              timeout: float = RUN_TIMEOUT, name: str = "prog.mpl") -> Outcome:
    """Parse, check and (when `run`) run the program `data` (a one-file
    project) and classify what happened."""
    from mesh_interp import driver

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in ("MESH_CACHE", "MESH_CACHE_DIR")}
    # a private parse cache: the stdlib is parsed once, fuzz inputs never
    # reach the user's cache
    os.environ["MESH_CACHE"] = "1"
    os.environ["MESH_CACHE_DIR"] = _cache_dir()
    with tempfile.TemporaryDirectory(prefix="meshfuzz") as d:
        path = Path(d) / name
        path.write_bytes(data)

        def stages():
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    sources = driver.parse_project(str(path))
                except MeshError as e:
                    return _mesh_error(e)
                if sources is None:
                    return Outcome("parse")
                try:
                    # the real loader (parses again from the cache)
                    program = driver.load_program(str(path))
                except MeshError as e:
                    return _mesh_error(e)
                if program is None:
                    return Outcome("type")
                if not run:
                    return Outcome("ok", "checked")
                code = driver.run_program(program)
                return Outcome("ok" if code == 0 else "panic", f"exit {code}")

        try:
            with _patched_preempt(reductions):
                # loading runs in the big thread too: the compiler recurses
                res, problem = _in_thread(stages, timeout)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    so, se = out.getvalue(), err.getvalue()
    if problem == "hang":
        return Outcome("BUG:hang", f"no result after {timeout}s", so, se)
    if "error" in res:
        return Outcome("BUG:traceback", res["tb"][-3000:], so, se)
    o: Outcome = res["value"]
    o.stdout, o.stderr = so, se
    if "fuzz budget" in se:
        # the budget panic is reported like any panic; anything else printed
        # with it must still be fine
        o.kind = "budget"
        if "Traceback (most recent call last)" in se or "internal error" in se:
            o.kind, o.detail = "BUG:traceback", se[-3000:]
        return o
    if o.kind == "ok" and o.detail == "exit 0":
        if "Traceback (most recent call last)" in se or "internal error" in se:
            o.kind, o.detail = "BUG:traceback", se[-3000:]
        return o
    if o.kind == "ok" or not o.ok or o.detail.startswith("error:"):
        return o      # a MeshError caught here carries its own location (or not)
    good, why = _diagnostics_ok(se)
    if not good:
        o.detail = f"{why}: {se[-3000:]}"
        o.kind = why
    return o


def _mesh_error(e: MeshError) -> Outcome:
    from mesh_interp.errors import MeshCompileError, MeshModuleError, MeshParseError, MeshTypeError
    kind = ("parse" if isinstance(e, MeshParseError) else
            "module" if isinstance(e, MeshModuleError) else
            "type" if isinstance(e, MeshTypeError) else
            "compile" if isinstance(e, MeshCompileError) else "panic")
    from mesh_interp.errors import report
    report(e)           # as the CLI does (stderr is captured)
    if e.span is None:
        return Outcome("BUG:noloc", f"{type(e).__name__}: {e.message}")
    return Outcome(kind, "error: " + e.message)


def run_text(text: str, **kw) -> Outcome:
    return run_bytes(text.encode("utf-8", "surrogatepass"), **kw)
