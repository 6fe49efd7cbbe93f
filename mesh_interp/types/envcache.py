"""The type checker's standard-library environment, cached.

Every check starts from the same state: a Checker whose registry, prelude
and module tables hold what the 30-odd `stdlib/*.mpl` files declare. Building
it means loading every stdlib AST and walking it; instead the finished state
is pickled once, under a key made of the contents of the stdlib files, of the
checker's own source and of the parser's version (syntax/cache.py `stamp`), in
the `check` folder of the cache (`cache_dir("check")`, safe to delete). Each
check unpickles its own copy (checking mutates type variables in place). The
pickled bytes are also kept in memory for the REPL's many checks.

A snapshot is the state right after `Checker(load_stdlib())`, including the
counter of type-variable ids, so a checker from the cache behaves exactly as
a freshly built one (same variable numbers in messages)."""
from __future__ import annotations

import itertools
import os
import pickle
import sys
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


def _stdlib_files(d: Path) -> list:
    try:
        return sorted(e.path for e in os.scandir(d) if e.name.endswith(".mpl") and e.is_file())
    except OSError:
        return []


def _key(d: Path, files: list) -> str:
    from ..syntax import cache
    here = Path(__file__).resolve().parent
    own = sorted(str(p) for p in here.glob("*.py"))
    own += [str(here.parent / "source.py"), str(here.parent / "errors.py")]
    names = "\0".join(os.path.basename(f) for f in files)
    return cache.digest("checker-stdlib-1", sys.version, cache.stamp(),
                        cache.files_digest(own), names, cache.files_digest(files))


def stdlib_checker() -> Checker:
    """A fresh Checker with the interpreter's standard library loaded (as
    `Checker(load_stdlib())`), from the snapshot when there is one."""
    from . import _stdlib_dir, load_stdlib
    d = _stdlib_dir()
    files = _stdlib_files(d)
    stat_key = [str(d)]
    for f in files:
        try:
            st = os.stat(f)
            stat_key.append((f, st.st_mtime_ns, st.st_size))
        except OSError:
            stat_key.append((f, None))
    stat_key = tuple(stat_key)
    if _MEMO[0] == stat_key:
        try:
            return loads(_MEMO[1])
        except Exception:
            _MEMO[0] = _MEMO[1] = None
    from ..syntax import cache
    folder = cache.cache_dir("check")
    path: Optional[Path] = None
    if folder is not None:
        path = folder / f"stdlib-{_key(d, files)}.pickle"
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
