"""The type checker's standard-library environment, cached.

Every check starts from the same state: a Checker whose registry, prelude
and module tables hold what the 30-odd `stdlib/*.mpl` files declare. Building
it means loading every stdlib AST and walking it; instead the finished state
is pickled once, under a key made of the interpreter's version (the name, size
and modification time of each of its source files and stdlib files, as
Python validates its .pyc files: syntax/cache.py `interpreter_stamp`), in the
`check` folder of the cache (`cache_dir("check")`, safe to delete). Each
check unpickles its own copy (checking mutates type variables in place). The
pickled bytes are also kept in memory for the REPL's many checks.

A snapshot is the state right after `Checker(load_stdlib())`, including the
counter of type-variable ids, so a checker from the cache behaves exactly as
a freshly built one (same variable numbers in messages)."""
from __future__ import annotations

import itertools
import os
import pickle
from pathlib import Path
from typing import Optional

from ..source import SourceFile, Span
from ..syntax import ast as A
from . import ty as T
from .checker import Checker

_CONSTS = {id(getattr(T, name)): name
           for name in ("ANY", "NEVER", "INT", "FLOAT", "STRING", "BOOL", "ATOM", "UNIT")}

# (stat key of the stdlib folder, snapshot bytes) of this process
_MEMO: list = [None, None]


def _const(name):
    return getattr(T, name)


def _supply(next_id, level):
    s = T.VarSupply()
    s._ids = itertools.count(next_id)
    s.level = level
    return s


def _checker(state):
    c = Checker.__new__(Checker)
    c.__dict__.update(state)
    return c


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        t = type(obj)
        if t is Span:
            return Span, (obj.file, obj.start, obj.end)
        if isinstance(obj, A.Node):
            return t, tuple([getattr(obj, f) for f in t._fields])
        if t is SourceFile:
            return SourceFile, (obj.path, obj.text)
        if t is T.VarSupply:
            n = next(obj._ids)
            obj._ids = itertools.count(n)      # the same sequence, not consumed
            return _supply, (n, obj.level)
        if t is Checker:
            return _checker, (dict(vars(obj)),)
        name = _CONSTS.get(id(obj))
        if name is not None:
            return _const, (name,)
        return NotImplemented


def dumps(checker: Checker) -> bytes:
    import io
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(checker)
    return buf.getvalue()


def loads(data: bytes) -> Checker:
    c = pickle.loads(data)
    if type(c) is not Checker:
        raise pickle.UnpicklingError("not a checker snapshot")
    return c


def _stat_key(d: Path) -> tuple:
    """The stdlib folder and the name, size and modification time of each of
    its .mpl files."""
    try:
        files = sorted(e.path for e in os.scandir(d) if e.name.endswith(".mpl") and e.is_file())
    except OSError:
        files = []
    key = [str(d)]
    for f in files:
        try:
            st = os.stat(f)
            key.append((f, st.st_size, st.st_mtime_ns))
        except OSError:
            key.append((f, None, None))
    return tuple(key)


def _key(stat_key: tuple) -> str:
    """The snapshot's file name: the interpreter's version (every source file
    of the package and of stdlib/, syntax/cache.py `interpreter_stamp`), the
    Python version, and the stdlib files."""
    from ..syntax import cache
    return cache.digest("checker-stdlib-2", cache.interpreter_stamp(), repr(stat_key))


def stdlib_checker() -> Checker:
    """A fresh Checker with the interpreter's standard library loaded (as
    `Checker(load_stdlib())`), from the snapshot when there is one."""
    from . import _stdlib_dir, load_stdlib
    stat_key = _stat_key(_stdlib_dir())
    if _MEMO[0] == stat_key:
        try:
            return loads(_MEMO[1])
        except Exception:
            _MEMO[0] = _MEMO[1] = None
    from ..syntax import cache
    folder = cache.cache_dir("check")
    path: Optional[Path] = None
    if folder is not None:
        path = folder / f"stdlib-{_key(stat_key)}.pickle"
        try:
            data = path.read_bytes()
            checker = loads(data)
            _MEMO[:] = [stat_key, data]
            return checker
        except Exception:   # missing, damaged or foreign: build it
            pass
    checker = Checker(load_stdlib())
    try:
        data = dumps(checker)
        copy = loads(data)
    except Exception:
        return checker
    _MEMO[:] = [stat_key, data]
    if path is not None:
        cache.write_atomic(path, data)
    return copy
