"""Type text for the REPL: checker types shown in Mesh syntax, and a
best-effort type read from a run-time value when the checker has none."""
from __future__ import annotations

from typing import Optional


def show_type(t) -> Optional[str]:
    """A checker type (mesh_interp.types.ty) as Mesh type syntax; type
    variables become a, b, c...; None if the type is unknown (ANY)."""
    from ..types.ty import TAny, TCon, TFun, TTuple, TVar, prune
    names: dict[int, str] = {}
    unknown = [False]

    def var(v) -> str:
        n = names.get(id(v))
        if n is None:
            i = len(names)
            n = chr(ord("a") + i) if i < 26 else f"t{i}"
            names[id(v)] = n
        return n

    def go(t) -> str:
        t = prune(t)
        tt = type(t)
        if tt is TVar:
            return var(t)
        if tt is TCon:
            name = t.name
            if t.module and t.module not in ("Main", "") and "." not in name:
                name = f"{t.module}.{name}"
            if t.args:
                return f"{name}<{', '.join(go(a) for a in t.args)}>"
            return name
        if tt is TFun:
            return f"Fun({', '.join(go(p) for p in t.params)}) -> {go(t.ret)}"
        if tt is TTuple:
            return f"({', '.join(go(a) for a in t.items)})"
        if tt is TAny:
            if t.label == "Never":
                return "Never"
            unknown[0] = True
            return "?"
        unknown[0] = True
        return "?"

    text = go(t)
    return None if unknown[0] else text


def runtime_type(v, program=None) -> str:
    """Infer a type from a value: `[1, 2]` is List<Int>, `[]` List<a>."""
    fresh = iter("abcdefghijklmnopqrstuvwxyz")

    def var() -> str:
        try:
            return next(fresh)
        except StopIteration:
            return "t"

    def join(vals) -> str:
        for x in vals:
            return go(x)
        return var()

    def go(v) -> str:
        from ..eval.collections import MeshList, MeshMap, MeshRange, MeshSet
        from ..eval.compiler import ServiceInfo, SupervisorInfo
        from ..eval.values import Function, Pid, Struct, Variant
        t = type(v)
        if t is bool:
            return "Bool"
        if t is int:
            return "Int"
        if t is float:
            return "Float"
        if t is str:
            return "String"
        if v is None:
            return "()"
        if t is tuple:
            return "(" + ", ".join(go(x) for x in v) + ")"
        if t is MeshList:
            return f"List<{join(v)}>"
        if t is MeshSet:
            return f"Set<{join(v)}>"
        if t is MeshMap:
            items = list(v.items())
            if items:
                return f"Map<{go(items[0][0])}, {go(items[0][1])}>"
            return f"Map<{var()}, {var()}>"
        if t is MeshRange:
            return "Range"
        if t is Pid:
            return f"Pid<{var()}>"
        if t is Struct:
            st = v.type
            if st.generics:
                return f"{st.name}<{', '.join(var() for _ in st.generics)}>"
            return st.name
        if t is Variant:
            info = v.info
            st = info.type
            name = st.name
            if name == "Option":
                return f"Option<{go(v.args[0]) if v.args else var()}>"
            if name == "Result":
                if info.name == "Ok":
                    return f"Result<{go(v.args[0])}, {var()}>"
                return f"Result<{var()}, {go(v.args[0]) if v.args else var()}>"
            if st.generics:
                return f"{name}<{', '.join(var() for _ in st.generics)}>"
            return name
        if t is Function:
            params = ", ".join(var() for _ in range(v.arity))
            return f"Fun({params}) -> {var()}"
        if t is ServiceInfo:
            return f"service {v.name}"
        if t is SupervisorInfo:
            return f"supervisor {v.name}"
        name = type(v).__name__
        kind = getattr(v, "kind", None)
        if kind:
            return str(kind)
        if callable(v):
            return f"Fun(...) -> {var()}"
        return name

    return go(v)
