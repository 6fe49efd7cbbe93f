"""The parse cache: a parsed file's AST pickled under the hash of its text and
of the interpreter's version, so a second run of an unchanged program skips
parsing. The folder is safe to delete at any time (MESH_CACHE_DIR, default
$XDG_CACHE_HOME/mesh_interp or ~/.cache/mesh_interp; MESH_CACHE=0 disables)."""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from pathlib import Path
from typing import Optional

from .. import __version__
from ..source import SourceFile

_SOURCE_ID = "source"


def cache_dir() -> Optional[Path]:
    if os.environ.get("MESH_CACHE", "1") in ("0", "false", "off"):
        return None
    d = os.environ.get("MESH_CACHE_DIR")
    if d:
        return Path(d)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mesh_interp" / "ast"


def _grammar_stamp() -> str:
    """The grammar and builder are part of the key: a changed parser never
    reads an AST another version wrote."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for name in ("mesh.peg", "parser.py", "ast.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:16]


_STAMP: Optional[str] = None


def _key(source: SourceFile) -> str:
    global _STAMP
    if _STAMP is None:
        _STAMP = _grammar_stamp()
    return hashlib.sha256((_STAMP + "\0" + source.text).encode("utf-8", "surrogatepass")).hexdigest()


class _Pickler(pickle.Pickler):
    def __init__(self, f, source):
        super().__init__(f, protocol=pickle.HIGHEST_PROTOCOL)
        self._source = source

    def persistent_id(self, obj):
        # spans refer to the SourceFile: store a reference, not the text
        return _SOURCE_ID if obj is self._source else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, f, source):
        super().__init__(f)
        self._source = source

    def persistent_load(self, pid):
        if pid == _SOURCE_ID:
            return self._source
        raise pickle.UnpicklingError("unknown persistent id")


def load(source: SourceFile):
    d = cache_dir()
    if d is None:
        return None
    path = d / (_key(source) + ".ast")
    try:
        with open(path, "rb") as f:
            return _Unpickler(f, source).load()
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
        d.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        _Pickler(buf, source).dump(module)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
        os.replace(tmp, d / (_key(source) + ".ast"))
    except Exception:
        pass   # the cache is an optimisation only
