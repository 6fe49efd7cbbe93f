"""`mesh repl`: the interactive prompt (prompt_toolkit) and the piped mode.

The prompt runs in the calling (main) thread; inputs are evaluated by the
Session's evaluation thread (session.py), which keeps processes alive
between inputs. Output printed by processes while the prompt is shown goes
through prompt_toolkit's patch_stdout, above the prompt line.

With stdin not a terminal, inputs are read from it (split where complete,
exactly as typed input would be), evaluated and printed without prompts or
colour, so the REPL can be scripted.
"""
from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path
from typing import Optional, TextIO

from .. import __version__
from ..errors import MeshExit, render
from . import editing
from .completion import COMMANDS
from .session import Output, Session

PROMPT = "mesh> "
CONTINUATION = "  ... "
BANNER = f"Mesh REPL v{__version__} (type :help for commands, Ctrl-D to exit)"

HELP = """\
Enter an expression to evaluate it, `let name = expr` to bind a name, or any
definition (fn, struct, type, interface, impl, actor, service, supervisor,
import). Definitions persist for the session; defining a name again replaces
it. Input continues on the next line while a do/end block, bracket or string
is open (Esc Enter inserts a newline yourself).

Commands:
  :help, :h             this text
  :type EXPR, :t EXPR   the type of EXPR, without evaluating it
  :doc NAME, :d NAME    documentation of a function or module (String.length, List, println)
  :load FILE, :l FILE   load a .mpl file (or a project folder) into the session
  :reload, :r           load the last loaded file again
  :reset                forget every definition and stop every process
  :clear                clear the screen
  :quit, :q             leave (Ctrl-D works too)

Keys: Tab completes, Up/Down walk the history, Ctrl-R searches it, Ctrl-C
cancels the input being typed or stops the running evaluation."""


def history_path() -> Path:
    """MESH_REPL_HISTORY, else $XDG_DATA_HOME/mesh/repl_history (default
    ~/.local/share/mesh/repl_history)."""
    env = os.environ.get("MESH_REPL_HISTORY")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "mesh" / "repl_history"


class Repl:
    """Commands and output; shared by the interactive and the piped mode."""

    def __init__(self, session: Optional[Session] = None, *, out: Optional[TextIO] = None,
                 err: Optional[TextIO] = None, colour: bool = False):
        self.session = session or Session()
        self._out = out
        self._err = err
        self.colour = colour
        self.had_error = False

    # streams are looked up at write time: patch_stdout replaces sys.stdout
    @property
    def out(self) -> TextIO:
        return self._out if self._out is not None else sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err if self._err is not None else sys.stderr

    def write(self, text: str, stream: Optional[TextIO] = None):
        s = stream or self.out
        s.write(text if text.endswith("\n") else text + "\n")
        s.flush()

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def highlight(self, text: str) -> str:
        if not self.colour:
            return text
        try:
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from .lexer import MeshLexer
            return highlight(text, MeshLexer(), TerminalFormatter()).rstrip("\n")
        except Exception:
            return text

    # ------------------------------------------------------------ inputs

    def handle(self, text: str) -> bool:
        """Evaluate one complete input or command; False when the REPL should end."""
        stripped = text.strip()
        if not stripped:
            return True
        if stripped.startswith(":"):
            return self.command(stripped)
        self.show(self.session.evaluate(text))
        return True

    def command(self, line: str) -> bool:
        name, _, arg = line.partition(" ")
        arg = arg.strip()
        cmd = name[1:]
        if cmd in ("q", "quit", "exit"):
            self.write("Goodbye!")
            return False
        if cmd in ("h", "help", "?"):
            self.write(HELP)
        elif cmd in ("t", "type"):
            if not arg:
                self.write("Usage: :type <expression>")
            else:
                self.show(self.session.type_of(arg))
        elif cmd in ("d", "doc"):
            if not arg:
                self.write("Usage: :doc <name>   (e.g. :doc String.length, :doc List)")
            else:
                text = self.session.call(lambda: self.session.doc(arg))
                if text is None:
                    self.had_error = True
                    self.write(f"No documentation found for `{arg}`.", self.err)
                else:
                    self.write(text)
        elif cmd in ("l", "load"):
            if not arg:
                self.write("Usage: :load <file>")
            else:
                self.show(self.session.load(arg))
        elif cmd in ("r", "reload"):
            self.show(self.session.reload())
        elif cmd == "reset":
            self.show(self.session.reset())
        elif cmd == "clear":
            self.out.write("\x1b[2J\x1b[H")
            self.out.flush()
        else:
            self.had_error = True
            self.write(f"Unknown command: {name}", self.err)
            close = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.5)
            if close:
                self.write(f"Did you mean {close[0]}? Type :help for available commands.", self.err)
            else:
                self.write("Type :help for available commands.", self.err)
        return True

    def show(self, outputs: list[Output]):
        for o in outputs:
            if o.kind in ("value", "binding", "type"):
                self.write(f"{self.highlight(o.text)} {self.paint('::', '2')} "
                           f"{self.paint(o.type or '?', '36')}")
            elif o.kind == "defined":
                ty = f" {self.paint('::', '2')} {self.paint(o.type, '36')}" if o.type else ""
                self.write(f"{self.paint('Defined:', '32')} {o.text}{ty}")
            elif o.kind == "info":
                self.write(o.text)
            elif o.kind == "interrupted":
                self.write(self.paint(o.text, "33"), self.err)
            elif o.kind == "warning":
                self.write(render(o.error, colour=self.colour), self.err)
            else:
                self.had_error = True
                if o.error is not None:
                    self.write(render(o.error, colour=self.colour), self.err)
                else:
                    self.write(self.paint("error", "1;31") + ": " + o.text, self.err)

    # ------------------------------------------------------------ piped mode

    def run_piped(self, stream: TextIO) -> int:
        """Read inputs from a stream (no prompt, no colour); the exit status
        is 1 if any input failed, else 0."""
        self.session.start()
        self.session.warm_up()
        buf: list[str] = []
        quit_ = False
        try:
            for line in stream:
                buf.append(line)
                text = "".join(buf)
                if not text.strip():
                    buf = []
                    continue
                if editing.is_complete(text.rstrip("\n")):
                    buf = []
                    try:
                        if not self.handle(text.rstrip("\n")):
                            quit_ = True
                            break
                    except MeshExit as e:
                        self.session.close()
                        return e.code
            else:
                text = "".join(buf)
                if text.strip():
                    self.handle(text.rstrip("\n"))
        except KeyboardInterrupt:
            self.session.close()
            return 130
        # end of input: like the end of `main`, let running processes finish
        self.session.close(wait_for_processes=not quit_)
        return 1 if self.had_error else 0

    # ------------------------------------------------------------ interactive mode

    def prompt_session(self, input=None, output=None, history=None):
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, InMemoryHistory
        from prompt_toolkit.lexers import PygmentsLexer
        from .completion import MeshCompleter
        from .lexer import MeshLexer
        if history is None:
            path = history_path()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                history = FileHistory(str(path))
            except OSError:
                history = InMemoryHistory()
        return PromptSession(
            message=PROMPT,
            multiline=True,
            prompt_continuation=lambda width, line_no, wrap: CONTINUATION,
            key_bindings=key_bindings(),
            lexer=PygmentsLexer(MeshLexer),
            completer=MeshCompleter(self.session),
            complete_while_typing=False,
            history=history,
            enable_history_search=False,
            input=input,
            output=output,
        )

    def run_interactive(self, input=None, output=None, history=None, banner: bool = True) -> int:
        from prompt_toolkit.patch_stdout import patch_stdout
        self.session.start()
        self.session.warm_up()
        ps = self.prompt_session(input=input, output=output, history=history)
        if banner:
            self.write(BANNER)
        while True:
            try:
                # While the prompt is shown, output of running processes goes
                # through patch_stdout and appears above the prompt line; while
                # an input runs, everything is written directly, in order.
                with patch_stdout(raw=True):
                    text = ps.prompt()
            except KeyboardInterrupt:
                continue                     # Ctrl-C at the prompt drops the input
            except EOFError:
                self.write("Goodbye!")
                break
            try:
                if not self.handle(text):
                    break
            except MeshExit as e:            # the program asked to stop
                self.session.close()
                return e.code
            except KeyboardInterrupt:        # Ctrl-C between two steps of an input
                self.session.interrupt()
                self.write(self.paint("Interrupted.", "33"), self.err)
            if not self.session.alive:
                break
        self.session.close()
        return 0


def key_bindings():
    """Enter submits a complete input, otherwise opens an indented
    continuation line; Esc Enter always inserts a newline."""
    from prompt_toolkit.filters import has_completions, is_searching
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("enter", filter=~is_searching & ~has_completions)
    def _enter(event):
        buf = event.current_buffer
        doc = buf.document
        # re-indent a line that closes a block (`end`, `else`, `]`...)
        line = doc.current_line
        before_line = doc.text[:doc.cursor_position - doc.cursor_position_col]
        fixed = editing.dedent_line(line, before_line)
        if fixed != line and doc.is_cursor_at_the_end_of_line:
            buf.delete_before_cursor(len(doc.current_line_before_cursor))
            buf.delete(len(doc.current_line_after_cursor))
            buf.insert_text(fixed)
            doc = buf.document
        if editing.is_complete(buf.text):
            buf.validate_and_handle()
            return
        buf.insert_text("\n" + editing.indent_for(doc.text_before_cursor))

    @kb.add("escape", "enter")
    def _newline(event):
        event.current_buffer.insert_text("\n")

    return kb


def run_repl(argv=None) -> int:
    """Entry point of `mesh repl` (and of `mesh` alone on a terminal)."""
    repl_stdin = sys.stdin
    if repl_stdin is None or not repl_stdin.isatty():
        return Repl(colour=False).run_piped(repl_stdin or open(os.devnull))
    colour = not os.environ.get("NO_COLOR") and sys.stdout.isatty()
    return Repl(colour=colour).run_interactive()
