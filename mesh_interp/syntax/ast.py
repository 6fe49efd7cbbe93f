"""The Mesh AST: one dataclass per syntactic form, each with a Span.

Conventions
- `span` is always the first field.
- Sugar is removed by the parser where the meaning is fixed by syntax alone:
  keyword arguments become one trailing MapLit argument; `T?` becomes
  TName("Option", [T]); `T!E` becomes TName("Result", [T, E]); `match` is Case;
  `def` is `fn`; `&&`/`||`/`!` become `and`/`or`/`not`; `++` becomes `<>`.
- Anything whose meaning depends on names (is `Foo.bar` a module call, a
  variant, a field?) is left to later stages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from ..source import Span


# ---------------------------------------------------------------- types

@dataclass(slots=True, eq=False)
class TName:
    """`Int`, `List<T>`, `Self.Item`, `Mod.Type<A>` (name is the dotted text)."""
    span: Span
    name: str
    args: list["TypeExpr"] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class TTuple:
    """`(A, B)`; `()` is the unit type (items == [])."""
    span: Span
    items: list["TypeExpr"]


@dataclass(slots=True, eq=False)
class TFun:
    """`Fun(A, B) -> C`."""
    span: Span
    params: list["TypeExpr"]
    ret: "TypeExpr"


TypeExpr = Union[TName, TTuple, TFun]


# ---------------------------------------------------------------- patterns

@dataclass(slots=True, eq=False)
class PWild:
    span: Span


@dataclass(slots=True, eq=False)
class PName:
    """A binding — or, in case/receive arms and nested patterns, possibly a
    nullary variant (`None`, `Red`): later stages decide by the names in scope."""
    span: Span
    name: str


@dataclass(slots=True, eq=False)
class PLit:
    """`42`, `-7`, `3.5`, `"text"`, `true`, `nil` (value None), with kind one of
    "int", "float", "string", "bool", "nil"."""
    span: Span
    value: object
    kind: str


@dataclass(slots=True, eq=False)
class PTuple:
    span: Span
    items: list["Pattern"]


@dataclass(slots=True, eq=False)
class PConstructor:
    """`Some(x)`, `Shape.Circle(r)`, `Shape.Empty` (args None: no parentheses)."""
    span: Span
    type_name: Optional[str]   # "Shape" for qualified forms, else None
    name: str
    args: Optional[list["Pattern"]]


@dataclass(slots=True, eq=False)
class PCons:
    """`head :: tail` on a non-empty list."""
    span: Span
    head: "Pattern"
    tail: "Pattern"


@dataclass(slots=True, eq=False)
class POr:
    span: Span
    alts: list["Pattern"]


@dataclass(slots=True, eq=False)
class PAs:
    span: Span
    pattern: "Pattern"
    name: str


Pattern = Union[PWild, PName, PLit, PTuple, PConstructor, PCons, POr, PAs]


# ---------------------------------------------------------------- expressions

@dataclass(slots=True, eq=False)
class IntLit:
    span: Span
    value: int


@dataclass(slots=True, eq=False)
class FloatLit:
    span: Span
    value: float


@dataclass(slots=True, eq=False)
class StringLit:
    """A string; parts are str (escapes already processed) or Expr (`${...}`)."""
    span: Span
    parts: list[Union[str, "Expr"]]


@dataclass(slots=True, eq=False)
class BoolLit:
    span: Span
    value: bool


@dataclass(slots=True, eq=False)
class UnitLit:
    """`()` and `nil`."""
    span: Span


@dataclass(slots=True, eq=False)
class AtomLit:
    """`:name` (name without the colon)."""
    span: Span
    name: str


@dataclass(slots=True, eq=False)
class Name:
    span: Span
    name: str


@dataclass(slots=True, eq=False)
class SelfRef:
    """Bare `self` (the method receiver)."""
    span: Span


@dataclass(slots=True, eq=False)
class Field:
    """`base.name` — module member, variant, struct field or method, decided later."""
    span: Span
    base: "Expr"
    name: str


@dataclass(slots=True, eq=False)
class Call:
    span: Span
    callee: "Expr"
    args: list["Expr"]


@dataclass(slots=True, eq=False)
class Index:
    """`a[i]` (parses; upstream evaluates it to unit)."""
    span: Span
    base: "Expr"
    index: "Expr"


@dataclass(slots=True, eq=False)
class Try:
    """Postfix `expr?`."""
    span: Span
    expr: "Expr"


@dataclass(slots=True, eq=False)
class StructLit:
    """`Name { f: e, ... }`; type_name is the dotted name text."""
    span: Span
    type_name: str
    fields: list[tuple[str, "Expr"]]


@dataclass(slots=True, eq=False)
class StructUpdate:
    """`%{base | f: e, ...}`."""
    span: Span
    base: "Expr"
    fields: list[tuple[str, "Expr"]]


@dataclass(slots=True, eq=False)
class ListLit:
    span: Span
    items: list["Expr"]


@dataclass(slots=True, eq=False)
class MapLit:
    span: Span
    entries: list[tuple["Expr", "Expr"]]


@dataclass(slots=True, eq=False)
class TupleLit:
    """Two or more elements (`(e)` and `(e,)` are plain grouping)."""
    span: Span
    items: list["Expr"]


@dataclass(slots=True, eq=False)
class BinOp:
    """op is one of + - * / % == != < > <= >= and or <> .."""
    span: Span
    op: str
    left: "Expr"
    right: "Expr"


@dataclass(slots=True, eq=False)
class Pipe:
    """`left |> right`."""
    span: Span
    left: "Expr"
    right: "Expr"


@dataclass(slots=True, eq=False)
class UnaryOp:
    """op is "-" or "not"."""
    span: Span
    op: str
    operand: "Expr"


@dataclass(slots=True, eq=False)
class Block:
    """A `do ... end` body (or any statement list): items, Let, Return, Expr."""
    span: Span
    stmts: list["Stmt"]


@dataclass(slots=True, eq=False)
class If:
    """`if c do ... else ... end`; orelse is a Block, another If (else if), or None."""
    span: Span
    cond: "Expr"
    then: Block
    orelse: Optional[Union[Block, "If"]]


@dataclass(slots=True, eq=False)
class Arm:
    span: Span
    pattern: Pattern
    guard: Optional["Expr"]
    body: "Expr"


@dataclass(slots=True, eq=False)
class Case:
    span: Span
    scrutinee: "Expr"
    arms: list[Arm]


@dataclass(slots=True, eq=False)
class For:
    """`for x in e [when f] do ... end`; `for {k, v} in m ...` has
    destructure=True and names [k, v]."""
    span: Span
    names: list[str]
    destructure: bool
    iterable: "Expr"
    filter: Optional["Expr"]
    body: Block


@dataclass(slots=True, eq=False)
class While:
    span: Span
    cond: "Expr"
    body: Block


@dataclass(slots=True, eq=False)
class Break:
    span: Span


@dataclass(slots=True, eq=False)
class Continue:
    span: Span


@dataclass(slots=True, eq=False)
class Param:
    """A function/closure parameter: a pattern (PName for plain names, PWild for
    `_`, PName("self") for self) with an optional annotation."""
    span: Span
    pattern: Pattern
    type: Optional[TypeExpr] = None


@dataclass(slots=True, eq=False)
class ClosureClause:
    span: Span
    params: list[Param]
    guard: Optional["Expr"]
    body: Union[Block, "Expr"]


@dataclass(slots=True, eq=False)
class Closure:
    """`fn x -> e end`, `fn(x) do ... end`, `fn 0 -> a | n -> b end` (clauses)."""
    span: Span
    clauses: list[ClosureClause]


@dataclass(slots=True, eq=False)
class Receive:
    span: Span
    arms: list[Arm]
    after: Optional["Expr"] = None       # timeout in ms
    after_body: Optional["Expr"] = None


@dataclass(slots=True, eq=False)
class Spawn:
    span: Span
    args: list["Expr"]


@dataclass(slots=True, eq=False)
class Send:
    span: Span
    args: list["Expr"]


@dataclass(slots=True, eq=False)
class Link:
    span: Span
    args: list["Expr"]


@dataclass(slots=True, eq=False)
class SelfPid:
    """`self()`."""
    span: Span


Expr = Union[IntLit, FloatLit, StringLit, BoolLit, UnitLit, AtomLit, Name, SelfRef,
             Field, Call, Index, Try, StructLit, StructUpdate, ListLit, MapLit,
             TupleLit, BinOp, Pipe, UnaryOp, Block, If, Case, For, While, Break,
             Continue, Closure, Receive, Spawn, Send, Link, SelfPid]


# ---------------------------------------------------------------- statements

@dataclass(slots=True, eq=False)
class Let:
    """`let name [:: T] = e` or `let (a, b) = e` (pattern is PName or PTuple)."""
    span: Span
    pattern: Pattern
    type: Optional[TypeExpr]
    value: Expr


@dataclass(slots=True, eq=False)
class Return:
    span: Span
    value: Optional[Expr]


# ---------------------------------------------------------------- items

@dataclass(slots=True, eq=False)
class FnDef:
    """One clause of a named function. body is a Block (`do ... end`), an Expr
    (`= expr`), or None (an interface method without default, or a native
    declaration in stdlib/*.mpl)."""
    span: Span
    name: str
    params: list[Param]
    ret: Optional[TypeExpr] = None
    generics: list[str] = field(default_factory=list)
    where: list[tuple[str, str]] = field(default_factory=list)   # (type var, trait)
    guard: Optional[Expr] = None
    body: Optional[Union[Block, Expr]] = None
    is_pub: bool = False
    doc: Optional[str] = None           # text of the `##` comments just above


@dataclass(slots=True, eq=False)
class FieldDef:
    span: Span
    name: str
    type: Optional[TypeExpr]


@dataclass(slots=True, eq=False)
class OrmMember:
    """`table "x"`, `primary_key :id`, `timestamps true`, `belongs_to :a, B`..."""
    span: Span
    kind: str
    args: list[object]


@dataclass(slots=True, eq=False)
class StructDef:
    span: Span
    name: str
    generics: list[str]
    fields: list[FieldDef]
    derives: Optional[list[str]] = None   # None: no deriving clause at all
    is_pub: bool = False
    orm: list[OrmMember] = field(default_factory=list)
    doc: Optional[str] = None


@dataclass(slots=True, eq=False)
class VariantField:
    span: Span
    name: Optional[str]
    type: TypeExpr


@dataclass(slots=True, eq=False)
class VariantDef:
    span: Span
    name: str
    fields: list[VariantField]


@dataclass(slots=True, eq=False)
class SumTypeDef:
    span: Span
    name: str
    generics: list[str]
    variants: list[VariantDef]
    derives: Optional[list[str]] = None
    is_pub: bool = False
    doc: Optional[str] = None


@dataclass(slots=True, eq=False)
class TypeAlias:
    span: Span
    name: str
    generics: list[str]
    type: TypeExpr


@dataclass(slots=True, eq=False)
class InterfaceDef:
    span: Span
    name: str
    generics: list[str]
    assoc_types: list[str]
    methods: list[FnDef]
    is_pub: bool = False
    doc: Optional[str] = None


@dataclass(slots=True, eq=False)
class ImplDef:
    """`impl Trait<Args> for Type do ... end` (names are dotted text)."""
    span: Span
    trait: str
    trait_args: list[TypeExpr]
    for_type: str
    assoc_types: list[tuple[str, TypeExpr]]
    methods: list[FnDef]
    where: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class ActorDef:
    span: Span
    name: str
    params: list[Param]
    body: Block
    terminate: Optional[Block] = None


@dataclass(slots=True, eq=False)
class ServiceHandler:
    """`call Name(params) :: T do |state| ... end` or `cast Name(params) do |state| ... end`."""
    span: Span
    kind: str                      # "call" or "cast"
    name: str
    params: list[Param]
    ret: Optional[TypeExpr]
    state_name: Optional[str]
    body: Block


@dataclass(slots=True, eq=False)
class ServiceDef:
    span: Span
    name: str
    init: Optional[FnDef]
    handlers: list[ServiceHandler]
    other_fns: list[FnDef] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class ChildSpec:
    span: Span
    name: str
    start: Optional[Expr]
    restart: Optional[str] = None      # permanent | transient | temporary
    shutdown: Optional[object] = None  # int ms or a word such as brutal_kill


@dataclass(slots=True, eq=False)
class SupervisorDef:
    span: Span
    name: str
    strategy: Optional[str]
    max_restarts: Optional[int]
    max_seconds: Optional[int]
    children: list[ChildSpec]
    is_pub: bool = False


@dataclass(slots=True, eq=False)
class ModuleDef:
    """Inline `module Name do ... end` (parsed, ignored like upstream)."""
    span: Span
    name: str
    body: Block
    is_pub: bool = False


@dataclass(slots=True, eq=False)
class Import:
    """`import A.B` (path ["A", "B"])."""
    span: Span
    path: list[str]


@dataclass(slots=True, eq=False)
class FromImport:
    """`from A.B import x, y`."""
    span: Span
    path: list[str]
    names: list[str]


Item = Union[FnDef, StructDef, SumTypeDef, TypeAlias, InterfaceDef, ImplDef,
             ActorDef, ServiceDef, SupervisorDef, ModuleDef, Import, FromImport]
Stmt = Union[Item, Let, Return, Expr]


@dataclass(slots=True, eq=False)
class Module:
    """A parsed file: its top-level items and statements in source order."""
    span: Span
    items: list[Stmt]
