"""Fuzzing the front end: generated programs (valid ones, and mutations of
them: deleted tokens, swapped lines, random bytes, deep nesting, huge
literals, invalid UTF-8) go through parse -> check -> compile -> run in this
process (tests/fuzz/harness.py). The only acceptable outcomes are success or
a Mesh diagnostic with a location; a Python traceback, a diagnostic without a
location or a hang is a bug.

Budget: small and derandomized by default (a few seconds, the same examples
on every run). For a long run:

    MESH_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py -q
    MESH_FUZZ_STATS=/tmp/fuzz.json ...   # also write the outcome counts

Inputs that once broke the interpreter live in tests/fuzz/corpus/ and are
replayed by test_corpus.
"""
from __future__ import annotations

import json
import os
import textwrap
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.gen import _nest, mutated, programs
from fuzz.harness import STATS, Outcome, run_bytes, run_text

from conftest import run_mesh

CORPUS = Path(__file__).parent / "fuzz" / "corpus"

_LARGE = int(os.environ.get("MESH_FUZZ_EXAMPLES", "0") or 0)


def _settings(default: int):
    return settings(
        max_examples=_LARGE or default,
        deadline=None,
        derandomize=not _LARGE,       # CI: the same examples every run
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# Known bugs in mesh_interp/eval/ awaiting a fix, each with a corpus file
# (signature in the traceback -> corpus file). A fuzz example that hits one
# is counted, not failed. Empty: the last one (a top-level `let` holding a
# block) is fixed and its corpus file now must run.
KNOWN_EVAL_BUGS: dict[str, str] = {}


def _known(o: Outcome) -> bool:
    return o.kind == "BUG:traceback" and any(sig in o.detail for sig in KNOWN_EVAL_BUGS)


def _check(source: str, data: bytes, o: Outcome) -> None:
    STATS.add(source, o, data)
    if _known(o):
        return
    assert o.ok, (f"{o.kind} for input:\n{data[:3000]!r}\n\n{o.detail}\n"
                  f"--- stderr ---\n{o.stderr[-3000:]}")


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    path = os.environ.get("MESH_FUZZ_STATS")
    if path:
        Path(path).write_text(json.dumps({
            "programs": STATS.programs,
            "outcomes": dict(sorted(STATS.kinds.items())),
            "bugs": [(src, detail[:500], repr(data[:500])) for src, detail, data in STATS.bugs],
        }, indent=2))


# ---------------------------------------------------------------- generated

@_settings(8)
@given(programs())
def test_valid_programs_are_accepted_and_run(text):
    o = run_text(text)
    _check("valid", text.encode(), o)
    # a well-typed program is never rejected; it runs, or panics at run time
    # (division by zero, List.head([])), or runs out of the harness budget
    assert o.kind in ("ok", "panic", "budget"), f"{o.kind}: {o.stderr[-2000:]}\n{text}"


@_settings(25)
@given(mutated())
def test_mutated_programs_fail_cleanly(data):
    _check("mutated", data, run_bytes(data))


@_settings(10)
@given(st.binary(max_size=300))
def test_random_bytes_fail_cleanly(data):
    _check("random", data, run_bytes(data))


@_settings(10)
@given(st.lists(st.sampled_from(
    list("()[]{}%$\"#=:;,.|<>+-*/!?\\ \n\t") + ["fn", "do", "end", "if", "else", "case",
                                                 "let", "x", "1", "->", "=>", "${", "#=",
                                                 "=#", "\"\"\"", "main", " "]), max_size=80))
def test_token_soup_fails_cleanly(tokens):
    text = "fn main() do\n" + " ".join(tokens) + "\nend\n"
    _check("soup", text.encode(), run_text(text))


# ---------------------------------------------------------------- deep nesting

NEST_KINDS = ["paren", "list", "if", "closure", "interp", "neg", "chain", "not", "case",
              "tuple", "map", "block_comment", "call"]


class _Fixed:
    """A stand-in for hypothesis' `draw` that always picks one kind."""

    def __init__(self, kind):
        self.kind = kind

    def __call__(self, strategy):
        return self.kind


# Nested collection literals nest their *types* as deeply, and the checker's
# time grows faster than quadratically with that depth (2,000 levels of maps:
# ~15 s); keep those shallower in the default run.
TYPE_NESTING = {"map", "list", "tuple"}


@pytest.mark.parametrize("kind", NEST_KINDS)
def test_deep_nesting(kind):
    depth = 3000 if _LARGE else (300 if kind in TYPE_NESTING else 1500)
    nest = _nest(_Fixed(kind), depth)
    text = f'fn main() do\n  let deep = {nest}\n  println("${{deep}}")\nend\n'
    o = run_text(text)
    _check("nesting", text.encode(), o)


# ---------------------------------------------------------------- corpus

CORPUS_EXPECT = {
    "invalid_utf8.mpl": ("module", "3:12"),      # points at the bad byte
    "bom.mpl": ("parse", "1:1"),
    "empty.mpl": ("compile", "1:1"),             # no main: points at the file
    "no_main.mpl": ("compile", "1:1"),
    "nul_bytes.mpl": ("parse", None),
    "cr_only.mpl": ("ok", None),
    "unterminated_string.mpl": ("parse", "2:11"),
    "unterminated_comment.mpl": ("parse", None),
    "huge_literals.mpl": ("ok", None),
    "stack_overflow.mpl": ("panic", "1:1"),      # located at the function
    # a lone combining mark: the grammar's IDENT (regex module) took it, the
    # builder's name regex (re module) did not -> "internal parser error"
    "combining_mark.mpl": ("type", "1:1"),
    "combining_mark_name.mpl": ("ok", None),
    "toplevel_let_block.mpl": ("ok", None),
}


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.mpl")))
def test_corpus(name):
    data = (CORPUS / name).read_bytes()
    if name in KNOWN_EVAL_BUGS.values():
        pytest.xfail("evaluator bug, reported: see KNOWN_EVAL_BUGS")
    o = run_bytes(data)
    _check("corpus", data, o)
    kind, where = CORPUS_EXPECT.get(name, (None, None))
    if kind is not None:
        assert o.kind == kind, (o.kind, o.detail, o.stderr)
    if where is not None:
        assert f"prog.mpl:{where}" in o.stderr or f":{where}" in o.stderr, o.stderr


def test_mesh_run_prints_no_traceback_for_corpus(tmp_path):
    """The same inputs through the real CLI: diagnostics, exit 0/1/101."""
    for name, (kind, _) in CORPUS_EXPECT.items():
        if name == "stack_overflow.mpl":
            continue       # slow at the CLI's real depth; covered below
        r = run_mesh("run", str(CORPUS / name), timeout=60)
        assert "Traceback" not in r.stderr, (name, r.stderr)
        assert r.returncode == (0 if kind == "ok" else 1), (name, r.returncode, r.stderr)
        if kind != "ok":
            assert " --> " in r.stderr, (name, r.stderr)


# ---------------------------------------------------------------- regressions

def test_long_operator_chain_compiles_and_runs(tmp_path):
    """Regression: `1 + 1 + ... + 1` (5,000 terms) crashed the compiler with
    a RecursionError traceback (it ran on the main thread's small stack)."""
    p = tmp_path / "chain.mpl"
    p.write_text("fn main() do\n  let x = " + " + ".join(["1"] * 5000) + "\n  println(\"${x}\")\nend\n")
    r = run_mesh("run", str(p), timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout == "5000\n"


def test_nesting_beyond_any_stack_is_a_located_compile_error(tmp_path):
    """Regression: when even the big stack is not enough, the RecursionError
    of the compiler becomes a MeshCompileError at the offending statement."""
    import sys

    from mesh_interp import driver
    from mesh_interp.errors import MeshCompileError

    p = tmp_path / "deep.mpl"
    p.write_text("fn main() do\n  println(\"a\")\n  let x = " + " + ".join(["1"] * 3000)
                 + "\n  println(\"${x}\")\nend\n")
    result = {}

    def target():
        sys.setrecursionlimit(2000)
        try:
            driver.load_program(str(p))
        except BaseException as e:  # noqa: BLE001
            result["e"] = e

    old = sys.getrecursionlimit()
    t = threading.Thread(target=target)
    t.start()
    t.join()
    sys.setrecursionlimit(old)
    e = result.get("e")
    assert isinstance(e, MeshCompileError), repr(e)
    assert "nested too deeply" in e.message
    assert e.span is not None and e.span.line == 3


def test_stack_overflow_in_an_actor_is_located(tmp_path):
    """A stack overflow inside a spawned process names the function too, and
    main keeps running."""
    text = textwrap.dedent("""
        fn f(n) do
          if n == 0 do
            0
          else
            1 + f(n - 1)
          end
        end
        actor a() do
          println("${f(100000000)}")
        end
        fn main() do
          let _ = spawn(a)
          Timer.sleep(200)
          println("main still here")
        end
        """).lstrip()
    o = run_text(text, timeout=60)
    assert o.kind == "ok", o
    assert "main still here" in o.stdout
    assert "stack overflow: recursion too deep in `f`" in o.stderr
    assert "prog.mpl:1:1" in o.stderr
