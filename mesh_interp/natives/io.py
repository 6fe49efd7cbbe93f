"""IO.* natives (stdlib.md §3) and the output primitives behind println/print.

Only `IO.read_line` and `IO.eprintln` exist as Mesh functions (IO.println /
IO.puts do not exist upstream); println/print here back the prelude builtins.
"""
from __future__ import annotations

import sys as _sys

from ..eval.format import display as _display
from ._common import err as _err, ok as _ok


def _text(s) -> str:
    return s if type(s) is str else _display(s)


def println(s):
    _sys.stdout.write(_text(s) + "\n")


def print_(s):
    _sys.stdout.write(_text(s))


def eprintln(s):
    # Rust's stdout is line-buffered even into a pipe: flush ours first so
    # stdout/stderr interleave as they would upstream.
    try:
        _sys.stdout.flush()
    except Exception:
        pass
    _sys.stderr.write(_text(s) + "\n")
    _sys.stderr.flush()


def read_line():
    """One line of stdin without its trailing `\\n` (then one `\\r`).
    EOF -> Ok(""); invalid UTF-8 or an OS error -> Err(message)."""
    try:
        _sys.stdout.flush()
    except Exception:
        pass
    stdin = _sys.stdin
    try:
        buf = getattr(stdin, "buffer", None)
        if buf is not None:
            raw = buf.readline()
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                return _err("stream did not contain valid UTF-8")
        else:
            line = stdin.readline()
    except OSError as e:
        return _err(f"{e.strerror or e} (os error {e.errno})" if e.errno else str(e))
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return _ok(line)
