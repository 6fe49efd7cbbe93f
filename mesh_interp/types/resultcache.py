"""The outcome of type-checking a whole program, cached.

When a program was accepted, what the rest of the interpreter needs from the
check -- the warnings to report and the side table the evaluator reads
(CheckResult.types, keyed by AST node) -- is pickled under a key made of the
interpreter's version (syntax/cache.py `interpreter_stamp`) and of the name,
display path and text of every module in load order. The next run of the
unchanged program reads it back instead of loading the checker: AST nodes
are stored as (module, position in a fixed walk of its tree) and mapped onto
the freshly parsed trees (the parse cache gives the same trees for the same
texts), spans' files as the module they belong to.

A rejected program is never cached; any change to any module's text (or to
the set of modules, or to the interpreter) is another key. Entries live in
the `check` cache folder (safe to delete; MESH_CACHE=0 turns it off). If
anything in a result cannot be stored this way (a node or a file outside the
program), nothing is stored."""
from __future__ import annotations

import io
import pickle
from typing import Optional

from ..source import SourceFile, Span
from ..syntax import ast as A

_VERSION = "typecheck-result-2"


def _walk(module) -> list:
    """Every node of a module's tree, in a fixed order."""
    out = []
    stack = [module]
    Node = A.Node
    while stack:
        n = stack.pop()
        if isinstance(n, Node):
            out.append(n)
            for f in n._fields[1:]:
                v = getattr(n, f)
                if v is not None and type(v) is not str:
                    stack.append(v)
        elif type(n) is list or type(n) is tuple:
            stack.extend(n)
    return out


def entry_path(modules):
    """The cache file of a program given as [(name, ModuleSource)] in load
    order, or None when caching is off."""
    from ..syntax import cache
    folder = cache.cache_dir("check")
    if folder is None:
        return None
    parts = [_VERSION, cache.interpreter_stamp(), str(len(modules))]
    for name, ms in modules:
        parts += [name, ms.source.path, ms.source.text]
    return folder / f"typecheck-{cache.digest(*parts)}.pickle"


def _node(m, i):        # placeholders, bound to the program being loaded by
    raise pickle.UnpicklingError("outside resultcache.load")    # _Unpickler.find_class


def _file(m):
    raise pickle.UnpicklingError("outside resultcache.load")


class _Pickler(pickle.Pickler):
    """Nodes become `_node(module, position)`, files `_file(module)`, spans
    `Span(file, start, end)`; anything else is pickled as usual."""

    def __init__(self, f, node_ids, files):
        super().__init__(f, protocol=pickle.HIGHEST_PROTOCOL)
        self._node_ids = node_ids
        self._files = files

    def reducer_override(self, obj):
        t = type(obj)
        if t is Span:
            return Span, (obj.file, obj.start, obj.end)
        if t is SourceFile:
            where = self._files.get(id(obj))
            if where is None:
                raise pickle.PicklingError("a file outside the program")
            return _file, (where,)
        if isinstance(obj, A.Node):
            where = self._node_ids.get(id(obj))
            if where is None:
                raise pickle.PicklingError("a node outside the program")
            return _node, where
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, f, asts, files):
        super().__init__(f)
        self._modules = asts
        self._nodes = [None] * len(asts)     # each module walked when first needed
        self._files = files

    def find_class(self, module, name):
        if module == __name__:
            if name == "_node":
                return self._node
            if name == "_file":
                return self._files.__getitem__
        return super().find_class(module, name)

    def _node(self, m, i):
        nodes = self._nodes[m]
        if nodes is None:
            nodes = self._nodes[m] = _walk(self._modules[m])
        return nodes[i]


def store(path, modules, warnings, types) -> None:
    """Pickle (warnings, side table) of an accepted program."""
    from ..syntax import cache
    # the positions of the nodes the table is keyed by (a node anywhere else
    # in it is not found: nothing is stored)
    wanted = {id(k) for k in types}
    node_ids = {}
    for m, (_, ms) in enumerate(modules):
        i = 0
        for n in _walk(ms.ast):
            k = id(n)
            if k in wanted and k not in node_ids:
                node_ids[k] = (m, i)
            i += 1
    files = {id(ms.source): m for m, (_, ms) in enumerate(modules)}
    buf = io.BytesIO()
    try:
        _Pickler(buf, node_ids, files).dump((_VERSION, list(warnings), types))
    except Exception:
        return
    cache.write_atomic(path, buf.getvalue())


def load(path, modules) -> Optional[tuple]:
    """(warnings, side table) of the unchanged program, or None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    try:
        u = _Unpickler(io.BytesIO(data), [ms.ast for _, ms in modules],
                       [ms.source for _, ms in modules])
        version, warnings, types = u.load()
        if version != _VERSION or type(warnings) is not list or type(types) is not dict:
            return None
        return warnings, types
    except Exception:
        return None
