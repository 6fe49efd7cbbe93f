"""Type representation, union-find unification and schemes for the checker.

Types are small immutable objects except TVar, which is a mutable cell
(union-find with levels for let-polymorphism).
"""
from __future__ import annotations

import itertools


class Type:
    __slots__ = ()


class TVar(Type):
    __slots__ = ("id", "level", "ref")

    def __init__(self, id: int, level: int):
        self.id = id
        self.level = level
        self.ref: Type | None = None


class TCon(Type):
    """A named type with arguments (`Int`, `List<T>`, `Point`). Identity is
    the bare name; `module` is only used for display."""
    __slots__ = ("name", "args", "module")

    def __init__(self, name: str, args: tuple = (), module: str | None = None):
        self.name = name
        self.args = tuple(args)
        self.module = module


class TFun(Type):
    __slots__ = ("params", "ret")

    def __init__(self, params, ret: Type):
        self.params = tuple(params)
        self.ret = ret


class TTuple(Type):
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = tuple(items)


class TAny(Type):
    """Unifies with everything without binding (used for `Never` and for
    anything the checker cannot type precisely: it keeps us permissive)."""
    __slots__ = ("label",)

    def __init__(self, label: str):
        self.label = label


ANY = TAny("?")
NEVER = TAny("Never")

INT = TCon("Int")
FLOAT = TCon("Float")
STRING = TCon("String")
BOOL = TCon("Bool")
ATOM = TCon("Atom")
UNIT = TTuple(())


def list_of(t): return TCon("List", (t,))
def map_of(k, v): return TCon("Map", (k, v))
def option_of(t): return TCon("Option", (t,))
def result_of(t, e): return TCon("Result", (t, e))
def pid_of(m): return TCon("Pid", (m,))


def prune(t: Type) -> Type:
    if type(t) is TVar:
        if t.ref is None:
            return t
        root = t.ref
        while type(root) is TVar and root.ref is not None:
            root = root.ref
        # path compression
        cur = t
        while type(cur) is TVar and cur.ref is not None and cur.ref is not root:
            nxt = cur.ref
            cur.ref = root
            cur = nxt
        return root
    return t


def resolve(t: Type) -> Type:
    """Fully substitute bound variables."""
    t = prune(t)
    tt = type(t)
    if tt is TCon:
        if not t.args:
            return t
        return TCon(t.name, tuple(resolve(a) for a in t.args), t.module)
    if tt is TFun:
        return TFun(tuple(resolve(p) for p in t.params), resolve(t.ret))
    if tt is TTuple:
        if not t.items:
            return t
        return TTuple(tuple(resolve(a) for a in t.items))
    return t


def is_var(t: Type) -> bool:
    return type(prune(t)) is TVar


def is_unknown(t: Type) -> bool:
    """An unresolved variable or ANY/Never: nothing can be concluded."""
    t = prune(t)
    return type(t) is TVar or type(t) is TAny


def con_name(t: Type) -> str | None:
    t = prune(t)
    return t.name if type(t) is TCon else None


def show(t: Type) -> str:
    t = prune(t)
    tt = type(t)
    if tt is TVar:
        return f"?{t.id}"
    if tt is TCon:
        name = f"{t.module}.{t.name}" if t.module else t.name
        if t.args:
            return f"{name}<{', '.join(show(a) for a in t.args)}>"
        return name
    if tt is TFun:
        return f"({', '.join(show(p) for p in t.params)}) -> {show(t.ret)}"
    if tt is TTuple:
        return f"({', '.join(show(a) for a in t.items)})"
    return t.label


class UnifyError(Exception):
    def __init__(self, kind: str, a: Type, b: Type, expected_n: int = 0, found_n: int = 0):
        super().__init__(kind)
        self.kind = kind          # "mismatch" | "arity" | "infinite"
        self.a = a
        self.b = b
        self.expected_n = expected_n
        self.found_n = found_n


def _occurs_adjust(v: TVar, t: Type) -> bool:
    """Occurs check; also lowers levels of variables in t to v's level."""
    t = prune(t)
    tt = type(t)
    if tt is TVar:
        if t is v:
            return True
        if t.level > v.level:
            t.level = v.level
        return False
    if tt is TCon:
        return any(_occurs_adjust(v, a) for a in t.args)
    if tt is TFun:
        return any(_occurs_adjust(v, p) for p in t.params) or _occurs_adjust(v, t.ret)
    if tt is TTuple:
        return any(_occurs_adjust(v, a) for a in t.items)
    return False


def unify(a: Type, b: Type) -> None:
    a = prune(a)
    b = prune(b)
    if a is b:
        return
    ta, tb = type(a), type(b)
    if ta is TVar:
        if tb is TVar:
            if b.level < a.level:
                a.level = b.level
            a.ref = b
            return
        if _occurs_adjust(a, b):
            raise UnifyError("infinite", a, b)
        a.ref = b
        return
    if tb is TVar:
        if _occurs_adjust(b, a):
            raise UnifyError("infinite", b, a)
        b.ref = a
        return
    if ta is TAny or tb is TAny:
        return
    if ta is TCon and tb is TCon:
        if a.name != b.name:
            if (a.name == "Tuple" and not a.args) or (b.name == "Tuple" and not b.args):
                # escape hatch only for tuples; checked below
                pass
            if _iter_compatible(a.name, b.name):
                return
            raise UnifyError("mismatch", a, b)
        if len(a.args) != len(b.args):
            if not a.args or not b.args:
                return   # `Pid` vs `Pid<M>`, bare `List` annotation, `Point` vs `Point<>`
            raise UnifyError("arity", a, b, len(a.args), len(b.args))
        for x, y in zip(a.args, b.args):
            unify(x, y)
        return
    if ta is TFun and tb is TFun:
        if len(a.params) != len(b.params):
            raise UnifyError("arity", a, b, len(a.params), len(b.params))
        for x, y in zip(a.params, b.params):
            unify(x, y)
        unify(a.ret, b.ret)
        return
    if ta is TTuple and tb is TTuple:
        if len(a.items) != len(b.items):
            raise UnifyError("arity", a, b, len(a.items), len(b.items))
        for x, y in zip(a.items, b.items):
            unify(x, y)
        return
    if (ta is TCon and a.name == "Tuple" and not a.args and tb is TTuple) or \
       (tb is TCon and b.name == "Tuple" and not b.args and ta is TTuple):
        return
    raise UnifyError("mismatch", a, b)


_ITER_NAMES = {"ListIterator", "MapIterator", "SetIterator", "RangeIterator", "Ptr", "Iter", "Iterator"}


def _iter_compatible(x: str, y: str) -> bool:
    return x in _ITER_NAMES and y in _ITER_NAMES


class Scheme:
    __slots__ = ("vars", "ty")

    def __init__(self, vars, ty: Type):
        self.vars = tuple(vars)
        self.ty = ty


def mono(t: Type) -> Scheme:
    return Scheme((), t)


class VarSupply:
    def __init__(self):
        self._ids = itertools.count(1)
        self.level = 0

    def fresh(self) -> TVar:
        return TVar(next(self._ids), self.level)

    def instantiate(self, s: Scheme) -> Type:
        if not s.vars:
            return s.ty
        mapping = {v.id: self.fresh() for v in s.vars}
        return subst_vars(s.ty, mapping)

    def generalize(self, t: Type) -> Scheme:
        found: dict[int, TVar] = {}
        _collect_gen(t, self.level, found)
        if not found:
            return Scheme((), t)
        return Scheme(tuple(found.values()), t)


def _collect_gen(t, level, found):
    t = prune(t)
    tt = type(t)
    if tt is TVar:
        if t.level > level:
            found.setdefault(t.id, t)
    elif tt is TCon:
        for a in t.args:
            _collect_gen(a, level, found)
    elif tt is TFun:
        for p in t.params:
            _collect_gen(p, level, found)
        _collect_gen(t.ret, level, found)
    elif tt is TTuple:
        for a in t.items:
            _collect_gen(a, level, found)


def subst_vars(t: Type, mapping: dict) -> Type:
    t = prune(t)
    tt = type(t)
    if tt is TVar:
        return mapping.get(t.id, t)
    if tt is TCon:
        if not t.args:
            return t
        return TCon(t.name, tuple(subst_vars(a, mapping) for a in t.args), t.module)
    if tt is TFun:
        return TFun(tuple(subst_vars(p, mapping) for p in t.params), subst_vars(t.ret, mapping))
    if tt is TTuple:
        if not t.items:
            return t
        return TTuple(tuple(subst_vars(a, mapping) for a in t.items))
    return t


def free_vars(t: Type, out: dict) -> dict:
    t = prune(t)
    tt = type(t)
    if tt is TVar:
        out.setdefault(t.id, t)
    elif tt is TCon:
        for a in t.args:
            free_vars(a, out)
    elif tt is TFun:
        for p in t.params:
            free_vars(p, out)
        free_vars(t.ret, out)
    elif tt is TTuple:
        for a in t.items:
            free_vars(a, out)
    return out


def can_unify(a: Type, b: Type) -> bool:
    """Would a and b unify? (Non-destructive: works on copies of free vars.)"""
    fv = free_vars(a, {})
    free_vars(b, fv)
    supply = VarSupply()
    mapping = {i: supply.fresh() for i in fv}
    try:
        unify(subst_vars(a, mapping), subst_vars(b, mapping))
        return True
    except UnifyError:
        return False
