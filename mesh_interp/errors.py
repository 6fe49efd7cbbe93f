"""The one family of user-facing errors, and the one way they are rendered.

Every stage raises (or collects) MeshError subclasses carrying a Span. A user
never sees a Python traceback for a mistake in their program.
"""
from __future__ import annotations

import os
import sys

from .source import Span


class MeshError(Exception):
    """An error in the user's program, with a location."""

    kind = "error"

    def __init__(self, message: str, span: Span | None = None, *, code: str | None = None,
                 help: str | None = None, notes: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.code = code
        self.help = help
        self.notes = notes or []


class MeshParseError(MeshError):
    """The source does not match the grammar."""


class MeshModuleError(MeshError):
    """A module cannot be found, imported, or loaded."""


class MeshCompileError(MeshError):
    """A static error found while compiling the AST to closures."""


class MeshTypeError(MeshError):
    """Rejected by the type checker."""


class MeshWarning(MeshError):
    kind = "warning"


class MeshPanic(MeshError):
    """A run-time failure of the program (the reference's `Mesh panic`)."""

    kind = "panic"


class MeshExit(Exception):
    """Raised to stop the program with an exit code (not an error of the user)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def _use_colour(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def render(err: MeshError, *, colour: bool | None = None, stream=None) -> str:
    """`error[E0001]: message` + ` --> file:line:col` + source line + caret + help."""
    stream = stream if stream is not None else sys.stderr
    colour = _use_colour(stream) if colour is None else colour

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    kind = err.kind
    head = kind + (f"[{err.code}]" if err.code else "")
    head_colour = {"warning": "1;33"}.get(kind, "1;31")
    lines = [f"{paint(head, head_colour)}: {paint(err.message, '1')}"]
    span = err.span
    if span is not None and span.file.path != "<builtin>":
        line, col = span.file.line_col(span.start)
        lines.append(f"  --> {span.file.path}:{line}:{col}")
        text = span.file.line_text(line)
        if text or line:
            gutter = " " * len(str(line))
            end_line, end_col = span.file.line_col(max(span.start, span.end - 1))
            width = max(1, (end_col - col + 1) if end_line == line else len(text) - col + 1)
            width = min(width, max(1, len(text) - col + 1))
            lines.append(f"{gutter} |")
            lines.append(f"{line} | {text}")
            lines.append(f"{gutter} | {' ' * (col - 1)}{paint('^' * width, head_colour)}")
    for note in err.notes:
        lines.append(f"  = note: {note}")
    if err.help:
        lines.append(f"  = help: {err.help}")
    return "\n".join(lines)


def report(err: MeshError, stream=None) -> None:
    stream = stream if stream is not None else sys.stderr
    stream.write(render(err, stream=stream) + "\n")
    stream.flush()
