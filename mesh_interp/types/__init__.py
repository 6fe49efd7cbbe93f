"""The Mesh static type checker.

    check_program(modules, stdlib=None) -> CheckResult

`modules` is a list of (module_name, ast.Module) in load order (dependencies
first, "Main" last — mesh_interp.modules.load_order). `stdlib` is either a
dict {module name: ast.Module} of parsed stdlib/<Module>.mpl files, a path to
the stdlib folder, or None (parse the interpreter's stdlib folder, cached).

CheckResult
  .errors    list[MeshTypeError]   (any error: the program must not run)
  .warnings  list[MeshWarning]     (W0001 redundant arm, W0002, non-exhaustive
                                    multi-clause functions E0012 as warning)
  .types     dict keyed by AST node object (identity) -> dict of facts:
               Call node of `Map.get(m, k)`  {"map_get_zero": "int"|"float"|"bool"|"string"|None}
               Try node `e?`                 {"from": (source error type, target error type)}
                                             only when a From conversion is needed
               Call / Field node `x.m(...)`  {"impl": (trait name, type name)} or
                                             {"stdlib": "String"|"List"|...} (module the
                                             call resolved to, also for `String.length`)
               FnDef / ActorDef node           {"type": inferred function type (ty.Type)}
  .gaps      set[str]  qualified stdlib names used but not declared (diagnostics)
"""
from __future__ import annotations

import os
from pathlib import Path

_STDLIB_CACHE: dict = {}


class CheckResult:
    __slots__ = ("errors", "warnings", "types", "gaps")

    def __init__(self, errors=None, warnings=None, types=None, gaps=None):
        self.errors = [] if errors is None else errors
        self.warnings = [] if warnings is None else warnings
        self.types = {} if types is None else types
        self.gaps = set() if gaps is None else gaps

    def __repr__(self):
        return (f"CheckResult(errors={self.errors!r}, warnings={self.warnings!r}, "
                f"types={self.types!r}, gaps={self.gaps!r})")

    def map_get_zero(self, call):
        return self.types.get(call, {}).get("map_get_zero")

    def try_from(self, node):
        return self.types.get(node, {}).get("from")

    def method_target(self, node):
        info = self.types.get(node, {})
        return info.get("impl") or info.get("stdlib")


def _stdlib_dir() -> Path:
    try:
        from ..eval.program import stdlib_dir
        return stdlib_dir()
    except Exception:
        here = Path(__file__).resolve().parent.parent
        for cand in (here.parent / "stdlib", here / "stdlib"):
            if cand.is_dir():
                return cand
        return here.parent / "stdlib"


def load_stdlib(path=None) -> dict:
    """Parse every stdlib/<Module>.mpl; {module name: ast.Module}. Cached."""
    d = Path(path) if path is not None else _stdlib_dir()
    files = sorted(d.glob("*.mpl")) if d.is_dir() else []
    key = (str(d), tuple((f.name, f.stat().st_mtime_ns) for f in files))
    if key in _STDLIB_CACHE:
        return _STDLIB_CACHE[key]
    from ..source import SourceFile
    from ..syntax import parse
    mods = {}
    for f in files:
        try:
            mods[f.stem] = parse(SourceFile(str(f), f.read_text(encoding="utf-8")))
        except Exception:
            continue   # a broken stdlib file must not break user programs
    # Prelude first: module files may refer to its names.
    ordered = {}
    if "Prelude" in mods:
        ordered["Prelude"] = mods.pop("Prelude")
    ordered.update(mods)
    _STDLIB_CACHE.clear()
    _STDLIB_CACHE[key] = ordered
    return ordered


def check_program(modules, stdlib=None) -> CheckResult:
    if stdlib is not None and isinstance(stdlib, (str, os.PathLike)):
        stdlib = load_stdlib(stdlib)
    from .checker import Checker
    try:
        if stdlib is None:
            # the interpreter's own stdlib: its environment comes from the cache
            from .envcache import stdlib_checker
            checker = stdlib_checker()
        else:
            checker = Checker(stdlib)
        checker.check_program(modules)
    except Exception:   # a checker bug must never stop a valid program
        return CheckResult()
    return CheckResult(checker.errors, checker.warnings, checker.side, checker.gaps)


__all__ = ["check_program", "CheckResult", "load_stdlib"]
