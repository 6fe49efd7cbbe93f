"""The Mesh AST: one class per syntactic form, each with a Span.

Conventions
- `span` is always the first field.
- Sugar is removed by the parser where the meaning is fixed by syntax alone:
  keyword arguments become one trailing MapLit argument; `T?` becomes
  TName("Option", [T]); `T!E` becomes TName("Result", [T, E]); `match` is Case;
  `def` is `fn`; `&&`/`||`/`!` become `and`/`or`/`not`; `++` becomes `<>`.
- Anything whose meaning depends on names (is `Foo.bar` a module call, a
  variant, a field?) is left to later stages.

The node classes are written like dataclasses (annotated fields, defaults)
but are plain `__slots__` classes: `_fields` (also `__slots__` and
`__match_args__`) lists the fields in order, `__init__` takes them
positionally or by keyword (a `FACTORY_LIST` default is a fresh `[]` per
node), equality is identity and `repr` is the dataclass one. They are much
cheaper to define at import and to unpickle from the parse cache than
dataclasses. Walk a node's children with `node._fields`.
"""
from __future__ import annotations

from typing import Optional, Union

from ..source import Span

FACTORY_LIST = object()    # a default meaning "a new empty list for each node"


class _NodeMeta(type):
    """Turns the annotated fields of a node class into its `__slots__`; the
    class-level defaults are kept aside (in `_defaults`) for `__init__`."""

    def __new__(mcs, name, bases, ns):
        ann = ns.get("__annotations__", {})
        fields = tuple(ann)
        defaults = {}
        for f in fields:
            if f in ns:
                defaults[f] = ns.pop(f)
        ns["__slots__"] = fields
        ns["_fields"] = fields
        ns["__match_args__"] = fields
        ns["_defaults"] = defaults
        return super().__new__(mcs, name, bases, ns)


class Node(metaclass=_NodeMeta):
    """Base of every AST node."""

    def __repr__(self):
        return "%s(%s)" % (type(self).__qualname__,
                           ", ".join("%s=%r" % (f, getattr(self, f)) for f in self._fields))


# ---------------------------------------------------------------- types

class TName(Node):
    """`Int`, `List<T>`, `Self.Item`, `Mod.Type<A>` (name is the dotted text)."""
    span: Span
    name: str
    args: list["TypeExpr"] = FACTORY_LIST


class TTuple(Node):
    """`(A, B)`; `()` is the unit type (items == [])."""
    span: Span
    items: list["TypeExpr"]


class TFun(Node):
    """`Fun(A, B) -> C`."""
    span: Span
    params: list["TypeExpr"]
    ret: "TypeExpr"


TypeExpr = Union[TName, TTuple, TFun]


# ---------------------------------------------------------------- patterns

class PWild(Node):
    span: Span


class PName(Node):
    """A binding — or, in case/receive arms and nested patterns, possibly a
    nullary variant (`None`, `Red`): later stages decide by the names in scope."""
    span: Span
    name: str


class PLit(Node):
    """`42`, `-7`, `3.5`, `"text"`, `true`, `nil` (value None), with kind one of
    "int", "float", "string", "bool", "nil"."""
    span: Span
    value: object
    kind: str


class PTuple(Node):
    span: Span
    items: list["Pattern"]


class PConstructor(Node):
    """`Some(x)`, `Shape.Circle(r)`, `Shape.Empty` (args None: no parentheses)."""
    span: Span
    type_name: Optional[str]   # "Shape" for qualified forms, else None
    name: str
    args: Optional[list["Pattern"]]


class PCons(Node):
    """`head :: tail` on a non-empty list."""
    span: Span
    head: "Pattern"
    tail: "Pattern"


class POr(Node):
    span: Span
    alts: list["Pattern"]


class PAs(Node):
    span: Span
    pattern: "Pattern"
    name: str


Pattern = Union[PWild, PName, PLit, PTuple, PConstructor, PCons, POr, PAs]


# ---------------------------------------------------------------- expressions

class IntLit(Node):
    span: Span
    value: int


class FloatLit(Node):
    span: Span
    value: float


class StringLit(Node):
    """A string; parts are str (escapes already processed) or Expr (`${...}`)."""
    span: Span
    parts: list[Union[str, "Expr"]]


class BoolLit(Node):
    span: Span
    value: bool


class UnitLit(Node):
    """`()` and `nil`."""
    span: Span


class AtomLit(Node):
    """`:name` (name without the colon)."""
    span: Span
    name: str


class Name(Node):
    span: Span
    name: str


class SelfRef(Node):
    """Bare `self` (the method receiver)."""
    span: Span


class Field(Node):
    """`base.name` — module member, variant, struct field or method, decided later."""
    span: Span
    base: "Expr"
    name: str


class Call(Node):
    span: Span
    callee: "Expr"
    args: list["Expr"]


class Index(Node):
    """`a[i]` (parses; upstream evaluates it to unit)."""
    span: Span
    base: "Expr"
    index: "Expr"


class Try(Node):
    """Postfix `expr?`."""
    span: Span
    expr: "Expr"


class StructLit(Node):
    """`Name { f: e, ... }`; type_name is the dotted name text."""
    span: Span
    type_name: str
    fields: list[tuple[str, "Expr"]]


class StructUpdate(Node):
    """`%{base | f: e, ...}`."""
    span: Span
    base: "Expr"
    fields: list[tuple[str, "Expr"]]


class ListLit(Node):
    span: Span
    items: list["Expr"]


class MapLit(Node):
    span: Span
    entries: list[tuple["Expr", "Expr"]]


class TupleLit(Node):
    """Two or more elements (`(e)` and `(e,)` are plain grouping)."""
    span: Span
    items: list["Expr"]


class BinOp(Node):
    """op is one of + - * / % == != < > <= >= and or <> .."""
    span: Span
    op: str
    left: "Expr"
    right: "Expr"


class Pipe(Node):
    """`left |> right`."""
    span: Span
    left: "Expr"
    right: "Expr"


class UnaryOp(Node):
    """op is "-" or "not"."""
    span: Span
    op: str
    operand: "Expr"


class Block(Node):
    """A `do ... end` body (or any statement list): items, Let, Return, Expr."""
    span: Span
    stmts: list["Stmt"]


class If(Node):
    """`if c do ... else ... end`; orelse is a Block, another If (else if), or None."""
    span: Span
    cond: "Expr"
    then: Block
    orelse: Optional[Union[Block, "If"]]


class Arm(Node):
    span: Span
    pattern: Pattern
    guard: Optional["Expr"]
    body: "Expr"


class Case(Node):
    span: Span
    scrutinee: "Expr"
    arms: list[Arm]


class For(Node):
    """`for x in e [when f] do ... end`; `for {k, v} in m ...` has
    destructure=True and names [k, v]."""
    span: Span
    names: list[str]
    destructure: bool
    iterable: "Expr"
    filter: Optional["Expr"]
    body: Block


class While(Node):
    span: Span
    cond: "Expr"
    body: Block


class Break(Node):
    span: Span


class Continue(Node):
    span: Span


class Param(Node):
    """A function/closure parameter: a pattern (PName for plain names, PWild for
    `_`, PName("self") for self) with an optional annotation."""
    span: Span
    pattern: Pattern
    type: Optional[TypeExpr] = None


class ClosureClause(Node):
    span: Span
    params: list[Param]
    guard: Optional["Expr"]
    body: Union[Block, "Expr"]


class Closure(Node):
    """`fn x -> e end`, `fn(x) do ... end`, `fn 0 -> a | n -> b end` (clauses)."""
    span: Span
    clauses: list[ClosureClause]


class Receive(Node):
    span: Span
    arms: list[Arm]
    after: Optional["Expr"] = None       # timeout in ms
    after_body: Optional["Expr"] = None


class Spawn(Node):
    span: Span
    args: list["Expr"]


class Send(Node):
    span: Span
    args: list["Expr"]


class Link(Node):
    span: Span
    args: list["Expr"]


class SelfPid(Node):
    """`self()`."""
    span: Span


Expr = Union[IntLit, FloatLit, StringLit, BoolLit, UnitLit, AtomLit, Name, SelfRef,
             Field, Call, Index, Try, StructLit, StructUpdate, ListLit, MapLit,
             TupleLit, BinOp, Pipe, UnaryOp, Block, If, Case, For, While, Break,
             Continue, Closure, Receive, Spawn, Send, Link, SelfPid]


# ---------------------------------------------------------------- statements

class Let(Node):
    """`let name [:: T] = e` or `let (a, b) = e` (pattern is PName or PTuple)."""
    span: Span
    pattern: Pattern
    type: Optional[TypeExpr]
    value: Expr


class Return(Node):
    span: Span
    value: Optional[Expr]


# ---------------------------------------------------------------- items

class FnDef(Node):
    """One clause of a named function. body is a Block (`do ... end`), an Expr
    (`= expr`), or None (an interface method without default, or a native
    declaration in stdlib/*.mpl)."""
    span: Span
    name: str
    params: list[Param]
    ret: Optional[TypeExpr] = None
    generics: list[str] = FACTORY_LIST
    where: list[tuple[str, str]] = FACTORY_LIST   # (type var, trait)
    guard: Optional[Expr] = None
    body: Optional[Union[Block, Expr]] = None
    is_pub: bool = False
    doc: Optional[str] = None           # text of the `##` comments just above


class FieldDef(Node):
    span: Span
    name: str
    type: Optional[TypeExpr]


class OrmMember(Node):
    """`table "x"`, `primary_key :id`, `timestamps true`, `belongs_to :a, B`..."""
    span: Span
    kind: str
    args: list[object]


class StructDef(Node):
    span: Span
    name: str
    generics: list[str]
    fields: list[FieldDef]
    derives: Optional[list[str]] = None   # None: no deriving clause at all
    is_pub: bool = False
    orm: list[OrmMember] = FACTORY_LIST
    doc: Optional[str] = None


class VariantField(Node):
    span: Span
    name: Optional[str]
    type: TypeExpr


class VariantDef(Node):
    span: Span
    name: str
    fields: list[VariantField]


class SumTypeDef(Node):
    span: Span
    name: str
    generics: list[str]
    variants: list[VariantDef]
    derives: Optional[list[str]] = None
    is_pub: bool = False
    doc: Optional[str] = None


class TypeAlias(Node):
    span: Span
    name: str
    generics: list[str]
    type: TypeExpr


class InterfaceDef(Node):
    span: Span
    name: str
    generics: list[str]
    assoc_types: list[str]
    methods: list[FnDef]
    is_pub: bool = False
    doc: Optional[str] = None


class ImplDef(Node):
    """`impl Trait<Args> for Type do ... end` (names are dotted text)."""
    span: Span
    trait: str
    trait_args: list[TypeExpr]
    for_type: str
    assoc_types: list[tuple[str, TypeExpr]]
    methods: list[FnDef]
    where: list[tuple[str, str]] = FACTORY_LIST


class ActorDef(Node):
    span: Span
    name: str
    params: list[Param]
    body: Block
    terminate: Optional[Block] = None


class ServiceHandler(Node):
    """`call Name(params) :: T do |state| ... end` or `cast Name(params) do |state| ... end`."""
    span: Span
    kind: str                      # "call" or "cast"
    name: str
    params: list[Param]
    ret: Optional[TypeExpr]
    state_name: Optional[str]
    body: Block


class ServiceDef(Node):
    span: Span
    name: str
    init: Optional[FnDef]
    handlers: list[ServiceHandler]
    other_fns: list[FnDef] = FACTORY_LIST


class ChildSpec(Node):
    span: Span
    name: str
    start: Optional[Expr]
    restart: Optional[str] = None      # permanent | transient | temporary
    shutdown: Optional[object] = None  # int ms or a word such as brutal_kill


class SupervisorDef(Node):
    span: Span
    name: str
    strategy: Optional[str]
    max_restarts: Optional[int]
    max_seconds: Optional[int]
    children: list[ChildSpec]
    is_pub: bool = False


class ModuleDef(Node):
    """Inline `module Name do ... end` (parsed, ignored like upstream)."""
    span: Span
    name: str
    body: Block
    is_pub: bool = False


class Import(Node):
    """`import A.B` (path ["A", "B"])."""
    span: Span
    path: list[str]


class FromImport(Node):
    """`from A.B import x, y`."""
    span: Span
    path: list[str]
    names: list[str]


Item = Union[FnDef, StructDef, SumTypeDef, TypeAlias, InterfaceDef, ImplDef,
             ActorDef, ServiceDef, SupervisorDef, ModuleDef, Import, FromImport]
Stmt = Union[Item, Let, Return, Expr]


class Module(Node):
    """A parsed file: its top-level items and statements in source order."""
    span: Span
    items: list[Stmt]



def _make_inits(classes) -> None:
    """One generated `__init__` per node class, compiled together."""
    lines = []
    env = {"_FL": FACTORY_LIST}
    for cls in classes:
        params, body = [], []
        for f in cls._fields:
            if f in cls._defaults:
                d = cls._defaults[f]
                if d is FACTORY_LIST:
                    params.append(f"{f}=_FL")
                    body.append(f"  self.{f} = [] if {f} is _FL else {f}")
                    continue
                key = f"_d{len(env)}"
                env[key] = d
                params.append(f"{f}={key}")
            else:
                params.append(f)
            body.append(f"  self.{f} = {f}")
        lines.append(f"def _init_{cls.__name__}(self, {', '.join(params)}):")
        lines.extend(body or ["  pass"])
    exec("\n".join(lines), env)
    for cls in classes:
        init = env[f"_init_{cls.__name__}"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        init.__name__ = "__init__"
        cls.__init__ = init


_make_inits([c for c in list(globals().values())
             if isinstance(c, type) and issubclass(c, Node) and c is not Node])
