"""The REPL: input completeness, completion, the evaluation session, the real
prompt_toolkit application driven through a pipe input, `mesh repl` in a
pseudo-terminal, and piped (scripted) use."""
from __future__ import annotations

import _thread
import io
import os
import re
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mesh_interp.errors import render
from mesh_interp.repl import editing
from mesh_interp.repl.completion import candidates
from mesh_interp.repl.session import Session

REPO = Path(__file__).resolve().parent.parent

COUNTER_SERVICE = """\
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
end"""


def lines(outputs) -> list[str]:
    """Outputs as the REPL prints them (without colour)."""
    out = []
    for o in outputs:
        if o.kind in ("value", "binding", "type"):
            out.append(f"{o.text} :: {o.type}")
        elif o.kind == "defined":
            out.append(f"Defined: {o.text}" + (f" :: {o.type}" if o.type else ""))
        elif o.error is not None:
            out.append(render(o.error, colour=False))
        else:
            out.append(o.text)
    return out


@pytest.fixture
def session():
    s = Session().start()
    yield s
    s.close()


def ev(s: Session, text: str) -> list[str]:
    return lines(s.evaluate(text))


# ---------------------------------------------------------------- input completeness

@pytest.mark.parametrize("text,complete", [
    ("1 + 2", True),
    ("fn f(x) do", False),
    ("fn f(x) do\n  x * 2\nend", True),
    ("fn f(x) = x", True),
    ("[1,\n 2", False),
    ("%{\"a\" => 1", False),
    ("\"unterminated", False),
    ("case x do\n  1 -> 2", False),
    ("if a do\n  1\nelse", False),
    ("let f = fn x -> x end", True),
    ("xs |> List.map(fn x -> x", False),
    ("struct P do\n  x :: Int\nend deriving(Eq)", True),
    ("1 +", True),              # an error, shown at once (no newline after an operator)
    (":help", True),
])
def test_is_complete(text, complete):
    assert editing.is_complete(text) is complete


def test_indentation():
    assert editing.indent_for("fn f(x) do") == "  "
    assert editing.indent_for("fn f(x) do\n  if x do") == "    "
    assert editing.dedent_line("    end", "fn f(x) do\n  1\n") == "end"
    assert editing.dedent_line("  else", "fn f(x) do\n  if x do\n    1\n") == "  else"


# ---------------------------------------------------------------- the session

def test_values_and_types(session):
    assert ev(session, "[1, 2, 3]") == ["[1, 2, 3] :: List<Int>"]
    assert ev(session, '"hi"') == ['"hi" :: String']
    assert ev(session, "3.5") == ["3.5 :: Float"]
    assert ev(session, "(1, true)") == ["(1, true) :: (Int, Bool)"]
    assert ev(session, "Some(3)") == ["Some(3) :: Option<Int>"]
    assert ev(session, '%{"a" => 1}') == ["%{a => 1} :: Map<String, Int>"]
    assert ev(session, "[]") == ["[] :: List<a>"]
    assert ev(session, "fn(x) -> x + 1 end")[0].endswith(":: Fun(Int) -> Int")
    assert ev(session, "1..4")[0].endswith(":: Range")
    assert ev(session, 'println("side effect")') == []      # () is not shown


def test_definitions_persist_and_are_replaced(session):
    assert ev(session, "let x = 40") == ["x = 40 :: Int"]
    assert ev(session, "fn add(a, b) do\n  a + b\nend") == ["Defined: add :: Fun(a, a) -> a"]
    assert ev(session, "add(x, 2)") == ["42 :: Int"]
    assert ev(session, 'fn add(a :: String, b :: String) -> String do\n  a <> b\nend') == \
        ["Defined: add :: Fun(String, String) -> String"]
    assert ev(session, 'add("a", "b")') == ['"ab" :: String']
    assert ev(session, "let x = 1") == ["x = 1 :: Int"]
    assert ev(session, "x") == ["1 :: Int"]
    assert ev(session, 'let (a, b) = (1, "z")') == ['(a, b) = (1, z) :: (Int, String)']
    assert ev(session, "b") == ['"z" :: String']


def test_every_item_form(session):
    assert ev(session, "struct Point do\n  x :: Int\n  y :: Int\nend") == ["Defined: struct Point"]
    assert ev(session, "type Shape do\n  Circle(Float)\n  Square(Float)\nend") == \
        ["Defined: type Shape"]
    assert ev(session, "interface Area do\n  fn area(self) -> Float\nend") == \
        ["Defined: interface Area"]
    assert ev(session, "impl Area for Shape do\n  fn area(self) -> Float do\n"
                       "    case self do\n      Circle(r) -> 3.0 * r * r\n"
                       "      Square(s) -> s * s\n    end\n  end\nend") == \
        ["Defined: impl Area for Shape"]
    assert ev(session, "Square(2.0).area()") == ["4 :: Float"]
    assert ev(session, "let p = Point { x: 1, y: 2 }") == ["p = Point { x: 1, y: 2 } :: Point"]
    assert ev(session, "p.x + p.y") == ["3 :: Int"]
    assert ev(session, "fn fact(0) = 1\nfn fact(n) = n * fact(n - 1)") == \
        ["Defined: fact :: Fun(Int) -> Int"]
    assert ev(session, "fact(10)") == ["3628800 :: Int"]
    assert ev(session, "from String import length") == ["from String import length"]
    assert ev(session, 'length("abc")') == ["3 :: Int"]
    assert ev(session, "actor echo() do\n  receive do\n    msg -> println(msg)\n  end\nend")[0] \
        .startswith("Defined: actor echo")
    assert ev(session, "supervisor Sup do\n  strategy: one_for_one\nend") == \
        ["Defined: supervisor Sup"]


def test_multi_clause_function_one_clause_per_input(session):
    out = ev(session, "fn fib(0) = 0")
    assert out[-1] == "Defined: fib :: Fun(Int) -> Int"
    ev(session, "fn fib(1) = 1")
    ev(session, "fn fib(n) = fib(n - 1) + fib(n - 2)")
    assert ev(session, "fib(15)") == ["610 :: Int"]
    # the last clause was a catch-all: a new definition replaces the function
    ev(session, "fn fib(n) = n")
    assert ev(session, "fib(15)") == ["15 :: Int"]


def test_type_error_then_success(session):
    ev(session, "let x = 2")
    out = ev(session, '1 + "a"')
    assert len(out) == 1 and "error[E0001]" in out[0] and "<repl>:1:5" in out[0]
    assert ev(session, "x * 21") == ["42 :: Int"]


def test_panic_keeps_state(session):
    ev(session, "let xs = [1, 2]")
    out = ev(session, "head([])")
    assert out[0].startswith("panic:")
    out = ev(session, "fn boom(n) = n / 0")
    assert ev(session, "boom(1)")[0].startswith("panic:")
    assert ev(session, "xs") == ["[1, 2] :: List<Int>"]


def test_a_failed_definition_changes_nothing(session):
    ev(session, "fn f(x) = x + 1")
    out = ev(session, "fn f(x) = undefined_name(x)")
    assert "E0004" in out[0]
    assert ev(session, "f(1)") == ["2 :: Int"]


def test_parse_error(session):
    out = ev(session, "let = 3")
    assert out[0].startswith("error") and "<repl>:1:" in out[0]
    assert ev(session, "1") == ["1 :: Int"]


def test_type_command(session):
    ev(session, "fn twice(f, x) = f(f(x))")
    assert lines(session.type_of("twice")) == ["twice :: Fun(Fun(a) -> a, a) -> a"]
    assert lines(session.type_of("[1, 2]")) == ["[1, 2] :: List<Int>"]
    assert lines(session.type_of('String.length("x")')) == ['String.length("x") :: Int']
    assert "E0004" in lines(session.type_of("nope"))[0]
    # :type does not evaluate
    assert lines(session.type_of('println("no")')) == ['println("no") :: ()']


def test_doc_from_stdlib_declarations(session):
    d = session.doc("String.length")
    assert d.startswith("fn String.length(s :: String) -> Int")
    assert "Unicode scalar values" in d
    assert "Write `s` and a newline" in session.doc("println")
    m = session.doc("List")
    assert m.startswith("module List") and "map" in m
    assert session.doc("Nope.nothing") is None
    ev(session, "## Doubles.\nfn dbl(x) = x * 2")
    assert "Doubles." in session.doc("dbl")


def test_runtime_types_without_the_checker(monkeypatch):
    s = Session(typecheck=False).start()
    try:
        monkeypatch.setattr(s, "_checker_available", lambda: False)
        assert ev(s, "[1, 2]") == ["[1, 2] :: List<Int>"]
        assert ev(s, '%{"k" => [1.5]}') == ["%{k => [1.5]} :: Map<String, List<Float>>"]
        assert ev(s, "None") == ["None :: Option<a>"]
        assert ev(s, "Ok(1)") == ["Ok(1) :: Result<Int, a>"]
        assert ev(s, "fn f(a, b) = a") == ["Defined: f"]
        assert ev(s, "f") == ["<fn f/2> :: Fun(a, b) -> c"]
        assert ev(s, "struct P do\n  x :: Int\nend") == ["Defined: struct P"]
        assert ev(s, "P { x: 1 }") == ["P { x: 1 } :: P"]
    finally:
        s.close()


def test_interrupt_infinite_loops(session):
    ev(session, "fn spin(n) = spin(n + 1)")
    for code in ("spin(0)", "while true do\n  1\nend", "Timer.sleep(100000)"):
        threading.Timer(0.4, session.interrupt).start()
        t0 = time.time()
        assert ev(session, code) == ["Interrupted."]
        assert time.time() - t0 < 10
    assert ev(session, "1 + 1") == ["2 :: Int"]


def test_service_across_inputs(session):
    assert ev(session, COUNTER_SERVICE) == ["Defined: service Counter"]
    assert ev(session, "let c = Counter.start(10)")[0].startswith("c = <0.")
    assert ev(session, "Counter.add(c, 5)") == []
    assert ev(session, "Counter.add(c, 7)") == []
    assert ev(session, "Counter.get(c)") == ["22 :: Int"]


def test_load_reload_reset(session, tmp_path):
    f = tmp_path / "lib.mpl"
    f.write_text("fn triple(x) = x * 3\nlet base = 7\n")
    assert ev(session, "1")  # the session is up
    assert lines(session.load(str(f))) == [f"Loaded '{f}'"]
    assert ev(session, "triple(base)") == ["21 :: Int"]
    f.write_text("fn triple(x) = x * 30\nlet base = 7\n")
    assert lines(session.reload()) == [f"Loaded '{f}'"]
    assert ev(session, "triple(base)") == ["210 :: Int"]
    assert "Failed to read" in lines(session.load(str(tmp_path / "missing.mpl")))[0]
    assert lines(session.reset()) == ["Session reset. All definitions cleared."]
    assert "E0004" in ev(session, "triple(1)")[0]


def test_load_project(session, tmp_path):
    (tmp_path / "main.mpl").write_text("from Util import inc\nfn main() do\n  println(\"main\")\nend\n")
    (tmp_path / "util.mpl").write_text("pub fn inc(x) = x + 1\n")
    assert lines(session.load(str(tmp_path)))[-1] == f"Loaded '{tmp_path}'"
    assert ev(session, "inc(41)") == ["42 :: Int"]
    assert "inc" in (session.module_members("Util") or [])


def test_completion_candidates(session):
    ev(session, "struct Book do\n  title :: String\n  pages :: Int\nend")
    ev(session, 'let book = Book { title: "Dune", pages: 412 }')
    ev(session, "fn shelve(b) = b")
    names, prefix = candidates(session, "String.sta")
    assert names == ["starts_with"] and prefix == "sta"
    names, _ = candidates(session, "List.")
    assert {"map", "filter", "length"} <= set(names)
    assert candidates(session, "book.pa")[0] == ["pages"]
    assert {"title", "pages"} <= set(candidates(session, "book.")[0])
    assert "shelve" in candidates(session, "shel")[0]
    assert "receive" in candidates(session, "rece")[0]          # keywords
    assert "println" in candidates(session, "printl")[0]        # prelude
    assert candidates(session, ":ty")[0] == [":type"]
    assert candidates(session, ":doc String.to_u")[0] == ["to_upper"]
    assert candidates(session, '"String.')[0] == []             # inside a string
    ev(session, COUNTER_SERVICE)
    assert {"start", "get", "add"} <= set(candidates(session, "Counter.")[0])


# ---------------------------------------------------------------- prompt_toolkit through a pipe

class _Buffer(io.StringIO):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def write(self, s):
        with self.lock:
            return super().write(s)

    def text(self) -> str:
        with self.lock:
            return self.getvalue()


class PipeDriver:
    """Runs the real PromptSession (pipe input, DummyOutput) in this thread;
    a feeder thread types keys and waits for the printed results."""

    def __init__(self, monkeypatch):
        self.buf = _Buffer()
        monkeypatch.setattr(sys, "stdout", self.buf)
        monkeypatch.setattr(sys, "stderr", self.buf)
        self.error = None
        self.inp = None
        self.repl = None

    def type(self, text: str):
        self.inp.send_text(text)

    def wait(self, text: str, timeout: float = 30.0, after: int = 0) -> int:
        end = time.time() + timeout
        while time.time() < end:
            i = self.buf.text().find(text, after)
            if i >= 0:
                return i + len(text)
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {text!r}; output so far:\n{self.buf.text()}")

    def run(self, script, history=None):
        from prompt_toolkit.application import create_app_session
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output import DummyOutput
        from prompt_toolkit.output.plain_text import PlainTextOutput
        from mesh_interp.repl.app import Repl

        finished = threading.Event()
        with create_pipe_input() as inp, \
                create_app_session(input=inp, output=PlainTextOutput(self.buf)):
            self.inp = inp
            self.repl = Repl(Session(), colour=False)

            def feeder():
                try:
                    script(self)
                except BaseException as e:   # re-raised in the test
                    self.error = e
                finally:
                    inp.send_text("\x03\x04")     # drop any partial input, then Ctrl-D
                    if not finished.wait(15):
                        _thread.interrupt_main()

            t = threading.Thread(target=feeder, daemon=True)
            t.start()
            try:
                rc = self.repl.run_interactive(input=inp, output=DummyOutput(),
                                               history=history or InMemoryHistory(),
                                               banner=False)
            finally:
                finished.set()
            t.join(5)
        if self.error is not None:
            raise self.error
        return rc


def test_app_multiline_persistence_type_doc_errors(monkeypatch):
    from prompt_toolkit.history import InMemoryHistory
    d = PipeDriver(monkeypatch)
    history = InMemoryHistory()

    def script(d):
        # a multi-line definition: Enter continues while `do` is open
        d.type("fn double(n) do\r")
        d.type("n * 2\r")
        d.type("end\r")
        d.wait("Defined: double :: Fun(Int) -> Int")
        d.type("let x = 21\r")
        d.wait("x = 21 :: Int")
        d.type("double(x)\r")
        d.wait("42 :: Int")
        # brackets continue too
        d.type("[double(1),\r")
        d.type("double(2)]\r")
        d.wait("[2, 4] :: List<Int>")
        d.type(":type double\r")
        d.wait("double :: Fun(Int) -> Int")
        d.type(":doc String.length\r")
        d.wait("Number of Unicode scalar values")
        # an error, then a successful input with the state intact
        d.type('double("a")\r')
        d.wait("error[E0001]")
        d.type("head([])\r")
        d.wait("panic:")
        d.type("double(x) + 1\r")
        d.wait("43 :: Int")
        d.type(":nope\r")
        d.wait("Unknown command: :nope")
        d.wait("Type :help for available commands.")
        # Ctrl-C at the prompt drops a partial input
        d.type("fn broken(x) do\r")
        time.sleep(0.2)
        d.type("\x03")
        d.type("7\r")
        d.wait("7 :: Int")
        d.type(":quit\r")
        d.wait("Goodbye!")

    assert d.run(script, history=history) == 0
    out = d.buf.text()
    assert "Defined: broken" not in out
    # auto-indent inside the block, `end` dedented when Enter is pressed on it
    assert "fn double(n) do\n  n * 2\nend" in history.get_strings()
    assert "[double(1),\n  double(2)]" in history.get_strings()


def test_app_uses_the_mesh_lexer_and_completer():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.lexers import PygmentsLexer
    from prompt_toolkit.output import DummyOutput
    from mesh_interp.repl.app import Repl
    from mesh_interp.repl.completion import MeshCompleter
    from mesh_interp.repl.lexer import MeshLexer
    with create_pipe_input() as inp:
        ps = Repl(Session()).prompt_session(input=inp, output=DummyOutput())
        assert isinstance(ps.lexer, PygmentsLexer) and ps.lexer.pygments_lexer_cls is MeshLexer
        assert isinstance(ps.completer, MeshCompleter)


def test_app_completion_and_history_search(monkeypatch):
    d = PipeDriver(monkeypatch)

    def script(d):
        d.type("struct Book do\rtitle :: String\rpages :: Int\rend\r")
        d.wait("Defined: struct Book")
        d.type('let book = Book { title: "Dune", pages: 412 }\r')
        d.wait("book = Book")
        # Tab completes a stdlib member (from stdlib/String.mpl) ...
        d.type("String.len\t")
        time.sleep(0.3)
        d.type('("abcd")\r')
        d.wait("4 :: Int")
        # ... and a struct field of a session value
        d.type("book.pa\t")
        time.sleep(0.3)
        d.type("\r")
        d.wait("412 :: Int")
        # Ctrl-R finds an earlier input; Enter accepts it, Enter runs it
        d.type("\x12len")
        time.sleep(0.3)
        d.type("\r")
        time.sleep(0.2)
        d.type("\r")
        i = d.wait("4 :: Int")
        d.wait("4 :: Int", after=i)

    d.run(script)


def test_app_interrupt_and_service_across_inputs(monkeypatch):
    d = PipeDriver(monkeypatch)

    def script(d):
        d.type("fn spin(n) = spin(n + 1)\r")
        d.wait("Defined: spin")
        d.type("spin(0)\r")
        end = time.time() + 30
        while d.repl.session._running is None and time.time() < end:
            time.sleep(0.02)              # the input is being evaluated
        time.sleep(0.3)
        _thread.interrupt_main()          # what the terminal's Ctrl-C (SIGINT) does
        d.wait("Interrupted.")
        d.type("spin\r")
        d.wait("<fn spin/1>")
        # a service started on one line answers calls on later lines
        for line in COUNTER_SERVICE.split("\n"):
            d.type(line.strip() + "\r")
        d.wait("Defined: service Counter")
        d.type("let c = Counter.start(1)\r")
        d.wait("c = <0.")
        d.type("Counter.add(c, 41)\r")
        d.type("Counter.get(c)\r")
        d.wait("42 :: Int")

    d.run(script)


def test_history_file(monkeypatch, tmp_path):
    from prompt_toolkit.history import FileHistory
    path = tmp_path / "hist"
    d = PipeDriver(monkeypatch)

    def script(d):
        d.type("1 + 2\r")
        d.wait("3 :: Int")

    d.run(script, history=FileHistory(str(path)))
    assert "1 + 2" in path.read_text()
    monkeypatch.setenv("MESH_REPL_HISTORY", str(tmp_path / "h2"))
    from mesh_interp.repl.app import history_path
    assert history_path() == tmp_path / "h2"
    monkeypatch.delenv("MESH_REPL_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert history_path() == tmp_path / "xdg" / "mesh" / "repl_history"


# ---------------------------------------------------------------- a real pseudo-terminal

_ANSI = re.compile(rb"\x1b(\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[=>])")


class Pty:
    def __init__(self, tmp_path):
        import fcntl
        import pty
        import termios
        self.master, slave = pty.openpty()

        def controlling_tty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="100",
                   LINES="40", XDG_DATA_HOME=str(tmp_path / "xdg"))
        env.pop("MESH_REPL_HISTORY", None)
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "mesh_interp"], stdin=slave,
                                     stdout=slave, stderr=slave, env=env, cwd=str(REPO),
                                     preexec_fn=controlling_tty)
        os.close(slave)
        self.raw = b""

    def text(self) -> str:
        return _ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    def wait(self, pattern: str, timeout: float = 30.0, after: int = 0) -> int:
        end = time.time() + timeout
        while True:
            t = self.text()
            i = t.find(pattern, after)
            if i >= 0:
                return i + len(pattern)
            if time.time() > end:
                raise AssertionError(f"timed out waiting for {pattern!r}; screen:\n{t}")
            r, _, _ = select.select([self.master], [], [], 0.1)
            if r:
                try:
                    self.raw += os.read(self.master, 65536)
                except OSError:
                    pass

    def send(self, s: str):
        os.write(self.master, s.encode())

    def ctrl_c(self, after: int) -> int:
        """Ctrl-C until the running input reports it was interrupted (a ^C
        typed before the terminal left the prompt's raw mode is only a key)."""
        for _ in range(10):
            self.send("\x03")
            try:
                return self.wait("Interrupted.", timeout=3, after=after)
            except AssertionError:
                continue
        return self.wait("Interrupted.", timeout=1, after=after)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        os.close(self.master)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_real_terminal(tmp_path):
    t = Pty(tmp_path)
    try:
        t.wait("Mesh REPL v")
        pos = t.wait("mesh>")
        # multi-line definition with the continuation prompt
        t.send("fn square(n) do\r")
        t.wait("  ...", after=pos)
        t.send("n * n\r")
        t.send("end\r")
        pos = t.wait("Defined: square :: Fun(a) -> a")
        t.send("square(12)\r")
        pos = t.wait("144 :: Int", after=pos)
        # Ctrl-C out of an infinite loop, state intact
        t.send("fn spin(n) = spin(n + 1)\r")
        pos = t.wait("Defined: spin", after=pos)
        t.send("spin(0)\r")
        time.sleep(1.0)
        pos = t.ctrl_c(after=pos)
        t.send("square(3)\r")
        pos = t.wait("9 :: Int", after=pos)
        # an actor prints while the prompt is shown
        t.send("actor later() do\r")
        t.send("Timer.sleep(300)\r")
        t.send('println("from the actor")\r')
        t.send("end\r")
        pos = t.wait("Defined: actor later", after=pos)
        t.send("let p = spawn(later)\r")
        pos = t.wait("from the actor", after=pos)
        t.send("1 + 1\r")
        pos = t.wait("2 :: Int", after=pos)
        # a service used across three inputs
        t.send(COUNTER_SERVICE.replace("\n", "\r") + "\r")
        pos = t.wait("Defined: service Counter", after=pos)
        t.send("let c = Counter.start(5)\r")
        pos = t.wait("c = <0.", after=pos)
        t.send("Counter.add(c, 2)\r")
        t.send("Counter.get(c)\r")
        pos = t.wait("7 :: Int", after=pos)
        pos = t.wait("mesh>", after=pos)      # ^D is a key only once the prompt is up
        time.sleep(0.2)
        t.send("\x04")
        t.wait("Goodbye!", after=pos)
        assert t.proc.wait(15) == 0
        hist = tmp_path / "xdg" / "mesh" / "repl_history"
        assert "square(12)" in hist.read_text()
    finally:
        t.close()


# ---------------------------------------------------------------- piped input

def _run_piped(text: str, timeout=60):
    return subprocess.run([sys.executable, "-m", "mesh_interp", "repl"], input=text,
                          capture_output=True, text=True, timeout=timeout, cwd=str(REPO))


def test_piped_input():
    script = (
        "fn double(n) do\n  n * 2\nend\n"
        "let x = double(21)\n"
        "x\n"
        ":type double\n"
        "[1,\n 2]\n"
        + COUNTER_SERVICE + "\n"
        "let c = Counter.start(1)\n"
        "Counter.add(c, 1)\n"
        "Counter.get(c)\n"
        'println("bye")\n'
    )
    r = _run_piped(script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "Defined: double :: Fun(Int) -> Int",
        "x = 42 :: Int",
        "42 :: Int",
        "double :: Fun(Int) -> Int",
        "[1, 2] :: List<Int>",
        "Defined: service Counter",
        r.stdout.splitlines()[6],
        "2 :: Int",
        "bye",
    ]
    assert r.stdout.splitlines()[6].startswith("c = <0.")
    assert "\x1b[" not in r.stdout and "mesh>" not in r.stdout


def test_piped_errors_and_exit_status():
    r = _run_piped('1 + "a"\n2 + 2\n')
    assert r.returncode == 1
    assert r.stdout == "4 :: Int\n"
    assert "error[E0001]" in r.stderr


def test_piped_actor_output_is_waited_for():
    r = _run_piped("actor hello() do\n  Timer.sleep(100)\n  println(\"hello from an actor\")\nend\n"
                   "spawn(hello)\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "hello from an actor"
