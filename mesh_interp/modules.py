"""Projects: the folder holding main.mpl, file path -> module name, the import
graph and the load order (modules.md §1-§4)."""
from __future__ import annotations

import heapq
import os
from pathlib import Path
from typing import Optional

from .errors import MeshModuleError
from .source import SourceFile, Span
from .syntax import ast as A


def pascal_case(component: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in component.split("_") if part)


def module_name_for(rel: Path) -> str:
    """`ingestion/routes.mpl` -> `Ingestion.Routes`; top-level `main.mpl` -> `Main`."""
    parts = list(rel.parts)
    stem = parts[-1][:-4] if parts[-1].endswith(".mpl") else parts[-1]
    if len(parts) == 1 and stem == "main":
        return "Main"
    return ".".join(pascal_case(p) for p in parts[:-1] + [stem])


def discover(root: Path) -> list[Path]:
    """Every .mpl file under root (skipping dot-files and dot-folders), sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in filenames:
            if fn.endswith(".mpl") and not fn.startswith("."):
                found.append(Path(dirpath, fn).relative_to(root))
    return sorted(found, key=lambda p: p.as_posix())


class ModuleSource:
    """One module of a project (a plain class: a dataclass costs milliseconds
    to define at every start; equality and repr are the dataclass ones)."""
    _fields = ("name", "path", "source", "ast", "imports")
    __hash__ = None

    def __init__(self, name: str, path: Path, source: SourceFile,
                 ast: Optional[A.Module] = None, imports: Optional[list] = None):
        self.name = name
        self.path = path            # as shown to the user
        self.source = source
        self.ast = ast
        self.imports = [] if imports is None else imports   # (dotted path, span)

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return all(getattr(self, f) == getattr(other, f) for f in self._fields)
        return NotImplemented

    def __repr__(self):
        return "ModuleSource(%s)" % ", ".join("%s=%r" % (f, getattr(self, f))
                                               for f in self._fields)


def import_paths(mod: A.Module) -> list[tuple[str, Span]]:
    out = []
    for item in mod.items:
        if type(item) is A.Import or type(item) is A.FromImport:
            out.append((".".join(item.path), item.span))
    return out


def load_order(modules: dict[str, ModuleSource]) -> list[str]:
    """Kahn's algorithm; ties broken by module name; cycles are errors."""
    deps: dict[str, set[str]] = {n: set() for n in modules}
    for name, m in modules.items():
        for path, span in m.imports:
            if path == name:
                raise MeshModuleError(f"Module '{name}' cannot import itself", span)
            if path in modules:
                deps[name].add(path)
    users: dict[str, set[str]] = {n: set() for n in modules}
    for n, ds in deps.items():
        for d in ds:
            users[d].add(n)
    indegree = {n: len(ds) for n, ds in deps.items()}
    ready = [n for n, k in indegree.items() if k == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        n = heapq.heappop(ready)
        order.append(n)
        for u in sorted(users[n]):
            indegree[u] -= 1
            if indegree[u] == 0:
                heapq.heappush(ready, u)
    if len(order) != len(modules):
        remaining = {n for n in modules if n not in order}
        cycle = _find_cycle(deps, remaining)
        span = None
        first = modules[cycle[0]]
        for path, sp in first.imports:
            if path == cycle[1]:
                span = sp
        raise MeshModuleError("Circular dependency: " + " -> ".join(cycle), span)
    return order


def _find_cycle(deps, remaining) -> list[str]:
    start = min(remaining)
    path = [start]
    seen = {start: 0}
    cur = start
    while True:
        nxt = min(d for d in deps[cur] if d in remaining)
        if nxt in seen:
            return path[seen[nxt]:] + [nxt]
        seen[nxt] = len(path)
        path.append(nxt)
        cur = nxt
