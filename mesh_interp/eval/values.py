"""Run-time representation of Mesh values.

Plain Python where possible:
    Int -> int (wrapped to 64 bits by the arithmetic), Float -> float,
    Bool -> bool, String -> str, Atom -> str (its name), unit `()`/nil -> None,
    tuples -> tuple.
Collections (List, Map, Set, Queue, Range) live in eval/collections.py.
Here: user-type descriptors, struct and variant values, function values, Pids.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

UNIT = None

INT_MIN = -(1 << 63)
INT_MAX = (1 << 63) - 1


def wrap_int(n: int) -> int:
    """Two's-complement wrap to signed 64 bits."""
    if INT_MIN <= n <= INT_MAX:
        return n
    return ((n + (1 << 63)) & 0xFFFFFFFFFFFFFFFF) - (1 << 63)


# ---------------------------------------------------------------- user types

class TypeInfo:
    """What the run time knows of a named type (struct, sum type or built-in).

    `methods` maps a method name to the Mesh function implementing it for this
    type (from impls, derived traits and default methods); `traits` is the set
    of trait names implemented (derived or by impl); Display/Debug formatting
    and method dot-syntax consult both.
    """

    __slots__ = ("name", "module", "generics", "traits", "methods", "derives", "statics",
                 "from_impls")

    def __init__(self, name: str, module: str = "", generics: tuple = ()):
        self.name = name
        self.module = module
        self.generics = generics
        self.traits: set[str] = set()
        self.methods: dict[str, Any] = {}
        self.derives: Optional[list[str]] = None
        # static trait methods (no self): `Type.name(args)`
        self.statics: dict[str, Any] = {}
        # impl From<Source> for this type: source type name -> from function
        self.from_impls: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<type {self.name}>"


class StructType(TypeInfo):
    __slots__ = ("fields", "field_index", "field_types", "orm")

    def __init__(self, name: str, fields: list[str], module: str = "", generics: tuple = (),
                 field_types: Optional[list] = None):
        super().__init__(name, module, generics)
        self.fields = tuple(fields)
        self.field_index = {f: i for i, f in enumerate(fields)}
        self.field_types = field_types or [None] * len(fields)
        self.orm = None


class SumType(TypeInfo):
    __slots__ = ("variants", "variant_by_name")

    def __init__(self, name: str, module: str = "", generics: tuple = ()):
        super().__init__(name, module, generics)
        self.variants: list[VariantInfo] = []
        self.variant_by_name: dict[str, VariantInfo] = {}

    def add_variant(self, name: str, arity: int, field_names: Optional[list] = None,
                    field_types: Optional[list] = None) -> "VariantInfo":
        info = VariantInfo(self, name, len(self.variants), arity, field_names, field_types)
        self.variants.append(info)
        self.variant_by_name[name] = info
        return info


class VariantInfo:
    """One constructor of a sum type. A nullary variant has a single shared value."""

    __slots__ = ("type", "name", "tag", "arity", "field_names", "field_types", "value")

    def __init__(self, sum_type: SumType, name: str, tag: int, arity: int,
                 field_names=None, field_types=None):
        self.type = sum_type
        self.name = name
        self.tag = tag
        self.arity = arity
        self.field_names = field_names
        self.field_types = field_types
        self.value = Variant(self, ()) if arity == 0 else None

    def make(self, *args) -> "Variant":
        return Variant(self, args)

    def __repr__(self) -> str:
        return f"<variant {self.type.name}.{self.name}/{self.arity}>"


class Struct:
    """A struct value: its StructType and field values in declaration order."""

    __slots__ = ("type", "values")

    def __init__(self, type_: StructType, values: list):
        self.type = type_
        self.values = values

    def get(self, name: str):
        return self.values[self.type.field_index[name]]

    def __eq__(self, other):
        return (type(other) is Struct and other.type is self.type
                and self.values == other.values)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __lt__(self, other):
        return self.values < other.values

    def __le__(self, other):
        return self.values <= other.values

    def __gt__(self, other):
        return self.values > other.values

    def __ge__(self, other):
        return self.values >= other.values

    def __hash__(self):
        return hash((self.type.name, tuple(_hashable(v) for v in self.values)))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}: {v!r}" for f, v in zip(self.type.fields, self.values))
        return f"{self.type.name} {{ {inner} }}"


class Variant:
    """A sum-type value: its VariantInfo and positional payload (a tuple)."""

    __slots__ = ("info", "args")

    def __init__(self, info: VariantInfo, args: tuple):
        self.info = info
        self.args = args

    @property
    def name(self) -> str:
        return self.info.name

    def __eq__(self, other):
        return (type(other) is Variant and other.info is self.info and self.args == other.args)

    def __ne__(self, other):
        return not self.__eq__(other)

    def _key(self):
        return (self.info.tag, self.args)

    def __lt__(self, other):
        return self._key() < other._key()

    def __le__(self, other):
        return self._key() <= other._key()

    def __gt__(self, other):
        return self._key() > other._key()

    def __ge__(self, other):
        return self._key() >= other._key()

    def __hash__(self):
        return hash((self.info.name, tuple(_hashable(v) for v in self.args)))

    def __repr__(self) -> str:
        if not self.args:
            return self.info.name
        return f"{self.info.name}({', '.join(map(repr, self.args))})"


def _hashable(v):
    try:
        hash(v)
        return v
    except TypeError:
        return id(v)


# ---------------------------------------------------------------- built-in sum types

OPTION = SumType("Option", generics=("T",))
SOME = OPTION.add_variant("Some", 1)
NONE_INFO = OPTION.add_variant("None", 0)
NONE = NONE_INFO.value

RESULT = SumType("Result", generics=("T", "E"))
OK = RESULT.add_variant("Ok", 1)
ERR = RESULT.add_variant("Err", 1)

ORDERING = SumType("Ordering")
LESS = ORDERING.add_variant("Less", 0).value
EQUAL = ORDERING.add_variant("Equal", 0).value
GREATER = ORDERING.add_variant("Greater", 0).value

BUILTIN_SUM_TYPES = {"Option": OPTION, "Result": RESULT, "Ordering": ORDERING}


def some(v) -> Variant:
    return Variant(SOME, (v,))


def ok(v) -> Variant:
    return Variant(OK, (v,))


def err(e) -> Variant:
    return Variant(ERR, (e,))


def is_some(v) -> bool:
    return type(v) is Variant and v.info is SOME


def option_of(v) -> Variant:
    """Python None -> Mesh None, anything else -> Some(v)."""
    return NONE if v is None else Variant(SOME, (v,))


def ordering_of(a, b) -> Variant:
    return LESS if a < b else (GREATER if a > b else EQUAL)


# ---------------------------------------------------------------- functions

class TailCall:
    """Returned (never raised) from a tail position: call `func` with `args` next.
    Only the evaluator creates and consumes these; natives never see one."""

    __slots__ = ("func", "args")

    def __init__(self, func, args: tuple):
        self.func = func
        self.args = args


class Function:
    """A Mesh function value (named function, closure, constructor wrapper).

    `run(args)` evaluates the body once and may return a TailCall; calling the
    object (`f(*args)`) runs the trampoline to completion, so natives can call
    any Mesh function value as a plain Python callable.
    """

    __slots__ = ("name", "arity", "run", "py", "direct", "__weakref__")

    def __init__(self, name: str, arity: int, run: Callable[[tuple], Any], py=None,
                 direct=None):
        self.name = name
        self.arity = arity
        self.run = run
        # for top-level functions: the same body called with positional
        # arguments (generated code calls this directly); may return a TailCall
        self.py = py
        # when known: a plain Python callable taking positional arguments and
        # returning the final value (never a TailCall); natives call it
        # instead of going through __call__
        self.direct = direct

    def __call__(self, *args):
        r = self.run(args)
        return r if type(r) is not TailCall else finish(r)

    def __repr__(self) -> str:
        return f"<fn {self.name}/{self.arity}>"


def finish(r):
    """Run a TailCall (and those it returns) to its final value; every
    bounce counts one reduction, so an actor looping by tail calls yields."""
    while type(r) is TailCall:
        _preempt()
        f = r.func
        if type(f) is Function:
            r = f.run(r.args)
        else:
            return f(*r.args)
    return r


def direct(fn):
    """The cheapest Python callable that calls the Mesh function value fn
    to completion with positional arguments (fn itself if nothing better)."""
    d = getattr(fn, "direct", None)
    return fn if d is None else d


def _preempt():
    """Replaced by the runtime's reduction counter (runtime/__init__.py)."""


def set_preempt(fn) -> None:
    global _preempt
    _preempt = fn


class Pid:
    """A process identifier; the runtime owns the process it names."""

    __slots__ = ("id", "process")

    def __init__(self, id_: int, process=None):
        self.id = id_
        self.process = process

    def __eq__(self, other):
        return type(other) is Pid and other.id == self.id

    def __hash__(self):
        return hash(("pid", self.id))

    def __lt__(self, other):
        return self.id < other.id

    def __repr__(self) -> str:
        return f"<0.{self.id}.0>"


class Opaque:
    """A handle whose contents Mesh code cannot see (Request, PoolHandle, ...)."""

    __slots__ = ("kind", "obj")

    def __init__(self, kind: str, obj):
        self.kind = kind
        self.obj = obj

    def __repr__(self) -> str:
        return f"<{self.kind}>"
