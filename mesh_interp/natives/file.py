"""File.* natives (stdlib.md §3). Errors are Rust `std::io::Error` texts,
e.g. `No such file or directory (os error 2)`."""
from __future__ import annotations

import os as _os

from ._common import err as _err, ok as _ok


def _os_err(e: OSError):
    if e.errno is not None and e.strerror:
        return _err(f"{e.strerror} (os error {e.errno})")
    return _err(str(e))


def read(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return _os_err(e)
    except ValueError as e:          # e.g. an embedded NUL in the path
        return _err(str(e))
    try:
        return _ok(data.decode("utf-8"))
    except UnicodeDecodeError:
        return _err("stream did not contain valid UTF-8")


def _write(path, content, mode):
    try:
        with open(path, mode) as f:
            f.write(content.encode("utf-8", "surrogatepass"))
    except OSError as e:
        return _os_err(e)
    except ValueError as e:
        return _err(str(e))
    return _ok(None)


def write(path, content):
    return _write(path, content, "wb")


def append(path, content):
    return _write(path, content, "ab")


def exists(path):
    try:
        return _os.path.exists(path)
    except (OSError, ValueError):
        return False


def delete(path):
    try:
        _os.remove(path)
    except OSError as e:
        return _os_err(e)
    except ValueError as e:
        return _err(str(e))
    return _ok(None)
