"""The parse cache: a parsed file's AST pickled under the hash of its text and
of the interpreter's version, so a second run of an unchanged program skips
parsing. The folder is safe to delete at any time (MESH_CACHE_DIR, default
$XDG_CACHE_HOME/mesh_interp or ~/.cache/mesh_interp; MESH_CACHE=0 disables).

The other caches (the type checker's, types/cache.py) live in sub-folders of
the same place (`cache_dir(kind)`) and use `digest` and `write_atomic` from here.

Pickle format: a node is stored as its class and its field values (it is
rebuilt by calling the class), a Span as (file, start, end), and the
SourceFile every span refers to as a reference to the file being loaded (its
text is not stored)."""
from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Optional

from .. import __version__
from ..source import SourceFile, Span
from . import ast as A

try:    # blake2b without importing hashlib, which loads OpenSSL
    from _blake2 import blake2b as _hash
except ImportError:   # pragma: no cover - every CPython build has _blake2
    from hashlib import blake2b as _hash


def cache_dir(kind: str = "ast") -> Optional[Path]:
    """The folder of one kind of cache, or None when caching is off.
    MESH_CACHE_DIR itself holds the parse cache; other kinds get a sub-folder."""
    if os.environ.get("MESH_CACHE", "1") in ("0", "false", "off"):
        return None
    d = os.environ.get("MESH_CACHE_DIR")
    if d:
        return Path(d) if kind == "ast" else Path(d) / kind
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mesh_interp" / kind


def digest(*parts) -> str:
    """A hex digest of str/bytes parts (each part length-prefixed, so the
    split between parts is part of the key)."""
    h = _hash(digest_size=20)
    for p in parts:
        if isinstance(p, str):
            p = p.encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(p))
        h.update(p)
    return h.hexdigest()


def files_digest(paths) -> str:
    """The digest of the contents of some files (missing ones count as empty)."""
    h = _hash(digest_size=20)
    for p in paths:
        try:
            with open(p, "rb") as f:
                data = f.read()
        except OSError:
            data = b""
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache entry so that a reader never sees half of it; errors are
    ignored (a cache is an optimisation only)."""
    import tempfile
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except Exception:
        pass


def _grammar_stamp() -> str:
    """The grammar and builder are part of the key: a changed parser never
    reads an AST another version wrote."""
    here = Path(__file__).resolve().parent
    try:    # the grammar(s), the parser, the AST classes and this file
        names = sorted(e.name for e in os.scandir(here)
                       if e.name.endswith((".peg", ".py")) and e.is_file())
    except OSError:
        names = []
    return digest(__version__, "\0".join(names), files_digest(here / n for n in names))


_STAMP: Optional[str] = None
_INTERPRETER_STAMP: Optional[str] = None


def interpreter_stamp() -> str:
    """The whole interpreter's version: the name, size and modification time
    of every .py/.peg/.mpl file of the package and of the stdlib folder (as
    Python's own .pyc files are validated), and the Python version. A cache
    of anything beyond parsing (a check's outcome) is keyed by it."""
    global _INTERPRETER_STAMP
    if _INTERPRETER_STAMP is None:
        import sys
        pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        parts = [__version__, sys.version]
        for i, base in enumerate((pkg, os.path.join(os.path.dirname(pkg), "stdlib"))):
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = sorted(d for d in dirnames
                                     if d != "__pycache__" and not d.startswith("."))
                for fn in sorted(filenames):
                    if fn.endswith((".py", ".peg", ".mpl")):
                        try:
                            st = os.stat(os.path.join(dirpath, fn))
                        except OSError:
                            continue
                        parts.append(f"{i}{dirpath[len(base):]}/{fn}:{st.st_size}:{st.st_mtime_ns}")
        _INTERPRETER_STAMP = digest(*parts)
    return _INTERPRETER_STAMP


def stamp() -> str:
    """The parser's version: changes whenever the grammar, the parser or the
    AST classes do."""
    global _STAMP
    if _STAMP is None:
        _STAMP = _grammar_stamp()
    return _STAMP


def _key(source: SourceFile) -> str:
    return digest(stamp(), source.text)


def _this_source():     # placeholder: stands for the SourceFile being loaded
    raise pickle.UnpicklingError("_this_source outside the parse cache")


class _Pickler(pickle.Pickler):
    def __init__(self, f, source):
        super().__init__(f, protocol=pickle.HIGHEST_PROTOCOL)
        self._source = source

    def reducer_override(self, obj):
        t = type(obj)
        if t is Span:
            return Span, (obj.file, obj.start, obj.end)
        if isinstance(obj, A.Node):
            return t, tuple([getattr(obj, f) for f in t._fields])
        if obj is self._source:
            # spans refer to the SourceFile: store a reference, not the text
            # (memoised by the pickler: one call per file when loading)
            return _this_source, ()
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, f, source):
        super().__init__(f)
        self._source = source

    def find_class(self, module, name):
        if name == "_this_source" and module == __name__:
            source = self._source
            return lambda: source
        return super().find_class(module, name)


def dumps(source: SourceFile, obj) -> bytes:
    import io
    buf = io.BytesIO()
    _Pickler(buf, source).dump(obj)
    return buf.getvalue()


def loads(source: SourceFile, data: bytes):
    import io
    return _Unpickler(io.BytesIO(data), source).load()


def load(source: SourceFile):
    d = cache_dir()
    if d is None:
        return None
    path = d / (_key(source) + ".ast")
    try:
        with open(path, "rb") as f:
            data = f.read()
        return loads(source, data)
    except FileNotFoundError:
        return None
    except Exception:
        # a damaged or foreign entry: ignore it (it is rewritten on store)
        return None


def store(source: SourceFile, module) -> None:
    d = cache_dir()
    if d is None:
        return
    try:
        data = dumps(source, module)
    except Exception:
        return
    write_atomic(d / (_key(source) + ".ast"), data)
