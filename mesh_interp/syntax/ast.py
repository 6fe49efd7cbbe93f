"""The Mesh AST: one class per syntactic form, each with a Span.

Conventions
- `span` is always the first field.
- Sugar is removed by the parser where the meaning is fixed by syntax alone:
  keyword arguments become one trailing MapLit argument; `T?` becomes
  TName("Option", [T]); `T!E` becomes TName("Result", [T, E]); `match` is Case;
  `def` is `fn`; `&&`/`||`/`!` become `and`/`or`/`not`; `++` becomes `<>`.
- Anything whose meaning depends on names (is `Foo.bar` a module call, a
  variant, a field?) is left to later stages.

The node classes are plain `__slots__` classes (not dataclasses, which cost
tens of milliseconds to define at every start and are slower to unpickle from
the parse cache): `_fields` (= `__slots__` = `__match_args__`) lists the
fields in order; `__init__` takes them positionally or by keyword, and a
`FACTORY_LIST` default is a fresh `[]` per node; equality is identity; `repr`
is the dataclass one. Walk a node's children with `node._fields`.
"""
from __future__ import annotations

from typing import Optional, Union

from ..source import Span

FACTORY_LIST = object()    # a default meaning "a new empty list for each node"


class Node:
    """Base of every AST node: `_fields` names the fields in order (they are
    also the `__slots__` and `__match_args__`); equality is identity; the
    repr is the one a dataclass would have."""
    __slots__ = ()
    _fields: tuple = ()

    def __repr__(self):
        return "%s(%s)" % (type(self).__qualname__,
                           ", ".join("%s=%r" % (f, getattr(self, f)) for f in self._fields))


# ---------------------------------------------------------------- types

class TName(Node):
    """`Int`, `List<T>`, `Self.Item`, `Mod.Type<A>` (name is the dotted text)."""
    __slots__ = _fields = __match_args__ = ("span", "name", "args")

    def __init__(self, span: Span, name: str, args: list["TypeExpr"] = FACTORY_LIST):
        self.span = span
        self.name = name
        self.args = [] if args is FACTORY_LIST else args


class TTuple(Node):
    """`(A, B)`; `()` is the unit type (items == [])."""
    __slots__ = _fields = __match_args__ = ("span", "items")

    def __init__(self, span: Span, items: list["TypeExpr"]):
        self.span = span
        self.items = items


class TFun(Node):
    """`Fun(A, B) -> C`."""
    __slots__ = _fields = __match_args__ = ("span", "params", "ret")

    def __init__(self, span: Span, params: list["TypeExpr"], ret: "TypeExpr"):
        self.span = span
        self.params = params
        self.ret = ret


TypeExpr = Union[TName, TTuple, TFun]


# ---------------------------------------------------------------- patterns

class PWild(Node):
    __slots__ = _fields = __match_args__ = ("span",)

    def __init__(self, span: Span):
        self.span = span


class PName(Node):
    """A binding — or, in case/receive arms and nested patterns, possibly a
    nullary variant (`None`, `Red`): later stages decide by the names in scope."""
    __slots__ = _fields = __match_args__ = ("span", "name")

    def __init__(self, span: Span, name: str):
        self.span = span
        self.name = name


class PLit(Node):
    """`42`, `-7`, `3.5`, `"text"`, `true`, `nil` (value None), with kind one of
    "int", "float", "string", "bool", "nil"."""
    __slots__ = _fields = __match_args__ = ("span", "value", "kind")

    def __init__(self, span: Span, value: object, kind: str):
        self.span = span
        self.value = value
        self.kind = kind


class PTuple(Node):
    __slots__ = _fields = __match_args__ = ("span", "items")

    def __init__(self, span: Span, items: list["Pattern"]):
        self.span = span
        self.items = items


class PConstructor(Node):
    """`Some(x)`, `Shape.Circle(r)`, `Shape.Empty` (args None: no parentheses)."""
    __slots__ = _fields = __match_args__ = ("span", "type_name", "name", "args")

    def __init__(self, span: Span,
                 type_name: Optional[str],
                 name: str,
                 args: Optional[list["Pattern"]]):
        self.span = span
        self.type_name = type_name   # "Shape" for qualified forms, else None
        self.name = name
        self.args = args


class PCons(Node):
    """`head :: tail` on a non-empty list."""
    __slots__ = _fields = __match_args__ = ("span", "head", "tail")

    def __init__(self, span: Span, head: "Pattern", tail: "Pattern"):
        self.span = span
        self.head = head
        self.tail = tail


class POr(Node):
    __slots__ = _fields = __match_args__ = ("span", "alts")

    def __init__(self, span: Span, alts: list["Pattern"]):
        self.span = span
        self.alts = alts


class PAs(Node):
    __slots__ = _fields = __match_args__ = ("span", "pattern", "name")

    def __init__(self, span: Span, pattern: "Pattern", name: str):
        self.span = span
        self.pattern = pattern
        self.name = name


Pattern = Union[PWild, PName, PLit, PTuple, PConstructor, PCons, POr, PAs]


# ---------------------------------------------------------------- expressions

class IntLit(Node):
    __slots__ = _fields = __match_args__ = ("span", "value")

    def __init__(self, span: Span, value: int):
        self.span = span
        self.value = value


class FloatLit(Node):
    __slots__ = _fields = __match_args__ = ("span", "value")

    def __init__(self, span: Span, value: float):
        self.span = span
        self.value = value


class StringLit(Node):
    """A string; parts are str (escapes already processed) or Expr (`${...}`)."""
    __slots__ = _fields = __match_args__ = ("span", "parts")

    def __init__(self, span: Span, parts: list[Union[str, "Expr"]]):
        self.span = span
        self.parts = parts


class BoolLit(Node):
    __slots__ = _fields = __match_args__ = ("span", "value")

    def __init__(self, span: Span, value: bool):
        self.span = span
        self.value = value


class UnitLit(Node):
    """`()` and `nil`."""
    __slots__ = _fields = __match_args__ = ("span",)

    def __init__(self, span: Span):
        self.span = span


class AtomLit(Node):
    """`:name` (name without the colon)."""
    __slots__ = _fields = __match_args__ = ("span", "name")

    def __init__(self, span: Span, name: str):
        self.span = span
        self.name = name


class Name(Node):
    __slots__ = _fields = __match_args__ = ("span", "name")

    def __init__(self, span: Span, name: str):
        self.span = span
        self.name = name


class SelfRef(Node):
    """Bare `self` (the method receiver)."""
    __slots__ = _fields = __match_args__ = ("span",)

    def __init__(self, span: Span):
        self.span = span


class Field(Node):
    """`base.name` — module member, variant, struct field or method, decided later."""
    __slots__ = _fields = __match_args__ = ("span", "base", "name")

    def __init__(self, span: Span, base: "Expr", name: str):
        self.span = span
        self.base = base
        self.name = name


class Call(Node):
    __slots__ = _fields = __match_args__ = ("span", "callee", "args")

    def __init__(self, span: Span, callee: "Expr", args: list["Expr"]):
        self.span = span
        self.callee = callee
        self.args = args


class Index(Node):
    """`a[i]` (parses; upstream evaluates it to unit)."""
    __slots__ = _fields = __match_args__ = ("span", "base", "index")

    def __init__(self, span: Span, base: "Expr", index: "Expr"):
        self.span = span
        self.base = base
        self.index = index


class Try(Node):
    """Postfix `expr?`."""
    __slots__ = _fields = __match_args__ = ("span", "expr")

    def __init__(self, span: Span, expr: "Expr"):
        self.span = span
        self.expr = expr


class StructLit(Node):
    """`Name { f: e, ... }`; type_name is the dotted name text."""
    __slots__ = _fields = __match_args__ = ("span", "type_name", "fields")

    def __init__(self, span: Span, type_name: str, fields: list[tuple[str, "Expr"]]):
        self.span = span
        self.type_name = type_name
        self.fields = fields


class StructUpdate(Node):
    """`%{base | f: e, ...}`."""
    __slots__ = _fields = __match_args__ = ("span", "base", "fields")

    def __init__(self, span: Span, base: "Expr", fields: list[tuple[str, "Expr"]]):
        self.span = span
        self.base = base
        self.fields = fields


class ListLit(Node):
    __slots__ = _fields = __match_args__ = ("span", "items")

    def __init__(self, span: Span, items: list["Expr"]):
        self.span = span
        self.items = items


class MapLit(Node):
    __slots__ = _fields = __match_args__ = ("span", "entries")

    def __init__(self, span: Span, entries: list[tuple["Expr", "Expr"]]):
        self.span = span
        self.entries = entries


class TupleLit(Node):
    """Two or more elements (`(e)` and `(e,)` are plain grouping)."""
    __slots__ = _fields = __match_args__ = ("span", "items")

    def __init__(self, span: Span, items: list["Expr"]):
        self.span = span
        self.items = items


class BinOp(Node):
    """op is one of + - * / % == != < > <= >= and or <> .."""
    __slots__ = _fields = __match_args__ = ("span", "op", "left", "right")

    def __init__(self, span: Span, op: str, left: "Expr", right: "Expr"):
        self.span = span
        self.op = op
        self.left = left
        self.right = right


class Pipe(Node):
    """`left |> right`."""
    __slots__ = _fields = __match_args__ = ("span", "left", "right")

    def __init__(self, span: Span, left: "Expr", right: "Expr"):
        self.span = span
        self.left = left
        self.right = right


class UnaryOp(Node):
    """op is "-" or "not"."""
    __slots__ = _fields = __match_args__ = ("span", "op", "operand")

    def __init__(self, span: Span, op: str, operand: "Expr"):
        self.span = span
        self.op = op
        self.operand = operand


class Block(Node):
    """A `do ... end` body (or any statement list): items, Let, Return, Expr."""
    __slots__ = _fields = __match_args__ = ("span", "stmts")

    def __init__(self, span: Span, stmts: list["Stmt"]):
        self.span = span
        self.stmts = stmts


class If(Node):
    """`if c do ... else ... end`; orelse is a Block, another If (else if), or None."""
    __slots__ = _fields = __match_args__ = ("span", "cond", "then", "orelse")

    def __init__(self, span: Span,
                 cond: "Expr",
                 then: Block,
                 orelse: Optional[Union[Block, "If"]]):
        self.span = span
        self.cond = cond
        self.then = then
        self.orelse = orelse


class Arm(Node):
    __slots__ = _fields = __match_args__ = ("span", "pattern", "guard", "body")

    def __init__(self, span: Span, pattern: Pattern, guard: Optional["Expr"], body: "Expr"):
        self.span = span
        self.pattern = pattern
        self.guard = guard
        self.body = body


class Case(Node):
    __slots__ = _fields = __match_args__ = ("span", "scrutinee", "arms")

    def __init__(self, span: Span, scrutinee: "Expr", arms: list[Arm]):
        self.span = span
        self.scrutinee = scrutinee
        self.arms = arms


class For(Node):
    """`for x in e [when f] do ... end`; `for {k, v} in m ...` has
    destructure=True and names [k, v]."""
    __slots__ = _fields = __match_args__ = ("span", "names", "destructure", "iterable", "filter", "body")

    def __init__(self, span: Span,
                 names: list[str],
                 destructure: bool,
                 iterable: "Expr",
                 filter: Optional["Expr"],
                 body: Block):
        self.span = span
        self.names = names
        self.destructure = destructure
        self.iterable = iterable
        self.filter = filter
        self.body = body


class While(Node):
    __slots__ = _fields = __match_args__ = ("span", "cond", "body")

    def __init__(self, span: Span, cond: "Expr", body: Block):
        self.span = span
        self.cond = cond
        self.body = body


class Break(Node):
    __slots__ = _fields = __match_args__ = ("span",)

    def __init__(self, span: Span):
        self.span = span


class Continue(Node):
    __slots__ = _fields = __match_args__ = ("span",)

    def __init__(self, span: Span):
        self.span = span


class Param(Node):
    """A function/closure parameter: a pattern (PName for plain names, PWild for
    `_`, PName("self") for self) with an optional annotation."""
    __slots__ = _fields = __match_args__ = ("span", "pattern", "type")

    def __init__(self, span: Span, pattern: Pattern, type: Optional[TypeExpr] = None):
        self.span = span
        self.pattern = pattern
        self.type = type


class ClosureClause(Node):
    __slots__ = _fields = __match_args__ = ("span", "params", "guard", "body")

    def __init__(self, span: Span,
                 params: list[Param],
                 guard: Optional["Expr"],
                 body: Union[Block, "Expr"]):
        self.span = span
        self.params = params
        self.guard = guard
        self.body = body


class Closure(Node):
    """`fn x -> e end`, `fn(x) do ... end`, `fn 0 -> a | n -> b end` (clauses)."""
    __slots__ = _fields = __match_args__ = ("span", "clauses")

    def __init__(self, span: Span, clauses: list[ClosureClause]):
        self.span = span
        self.clauses = clauses


class Receive(Node):
    __slots__ = _fields = __match_args__ = ("span", "arms", "after", "after_body")

    def __init__(self, span: Span,
                 arms: list[Arm],
                 after: Optional["Expr"] = None,
                 after_body: Optional["Expr"] = None):
        self.span = span
        self.arms = arms
        self.after = after   # timeout in ms
        self.after_body = after_body


class Spawn(Node):
    __slots__ = _fields = __match_args__ = ("span", "args")

    def __init__(self, span: Span, args: list["Expr"]):
        self.span = span
        self.args = args


class Send(Node):
    __slots__ = _fields = __match_args__ = ("span", "args")

    def __init__(self, span: Span, args: list["Expr"]):
        self.span = span
        self.args = args


class Link(Node):
    __slots__ = _fields = __match_args__ = ("span", "args")

    def __init__(self, span: Span, args: list["Expr"]):
        self.span = span
        self.args = args


class SelfPid(Node):
    """`self()`."""
    __slots__ = _fields = __match_args__ = ("span",)

    def __init__(self, span: Span):
        self.span = span


Expr = Union[IntLit, FloatLit, StringLit, BoolLit, UnitLit, AtomLit, Name, SelfRef,
             Field, Call, Index, Try, StructLit, StructUpdate, ListLit, MapLit,
             TupleLit, BinOp, Pipe, UnaryOp, Block, If, Case, For, While, Break,
             Continue, Closure, Receive, Spawn, Send, Link, SelfPid]


# ---------------------------------------------------------------- statements

class Let(Node):
    """`let name [:: T] = e` or `let (a, b) = e` (pattern is PName or PTuple)."""
    __slots__ = _fields = __match_args__ = ("span", "pattern", "type", "value")

    def __init__(self, span: Span, pattern: Pattern, type: Optional[TypeExpr], value: Expr):
        self.span = span
        self.pattern = pattern
        self.type = type
        self.value = value


class Return(Node):
    __slots__ = _fields = __match_args__ = ("span", "value")

    def __init__(self, span: Span, value: Optional[Expr]):
        self.span = span
        self.value = value


# ---------------------------------------------------------------- items

class FnDef(Node):
    """One clause of a named function. body is a Block (`do ... end`), an Expr
    (`= expr`), or None (an interface method without default, or a native
    declaration in stdlib/*.mpl)."""
    __slots__ = _fields = __match_args__ = ("span", "name", "params", "ret", "generics", "where", "guard", "body", "is_pub", "doc")

    def __init__(self, span: Span,
                 name: str,
                 params: list[Param],
                 ret: Optional[TypeExpr] = None,
                 generics: list[str] = FACTORY_LIST,
                 where: list[tuple[str, str]] = FACTORY_LIST,
                 guard: Optional[Expr] = None,
                 body: Optional[Union[Block, Expr]] = None,
                 is_pub: bool = False,
                 doc: Optional[str] = None):
        self.span = span
        self.name = name
        self.params = params
        self.ret = ret
        self.generics = [] if generics is FACTORY_LIST else generics
        self.where = [] if where is FACTORY_LIST else where   # (type var, trait)
        self.guard = guard
        self.body = body
        self.is_pub = is_pub
        self.doc = doc   # text of the `##` comments just above


class FieldDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "type")

    def __init__(self, span: Span, name: str, type: Optional[TypeExpr]):
        self.span = span
        self.name = name
        self.type = type


class OrmMember(Node):
    """`table "x"`, `primary_key :id`, `timestamps true`, `belongs_to :a, B`..."""
    __slots__ = _fields = __match_args__ = ("span", "kind", "args")

    def __init__(self, span: Span, kind: str, args: list[object]):
        self.span = span
        self.kind = kind
        self.args = args


class StructDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "generics", "fields", "derives", "is_pub", "orm", "doc")

    def __init__(self, span: Span,
                 name: str,
                 generics: list[str],
                 fields: list[FieldDef],
                 derives: Optional[list[str]] = None,
                 is_pub: bool = False,
                 orm: list[OrmMember] = FACTORY_LIST,
                 doc: Optional[str] = None):
        self.span = span
        self.name = name
        self.generics = generics
        self.fields = fields
        self.derives = derives   # None: no deriving clause at all
        self.is_pub = is_pub
        self.orm = [] if orm is FACTORY_LIST else orm
        self.doc = doc


class VariantField(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "type")

    def __init__(self, span: Span, name: Optional[str], type: TypeExpr):
        self.span = span
        self.name = name
        self.type = type


class VariantDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "fields")

    def __init__(self, span: Span, name: str, fields: list[VariantField]):
        self.span = span
        self.name = name
        self.fields = fields


class SumTypeDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "generics", "variants", "derives", "is_pub", "doc")

    def __init__(self, span: Span,
                 name: str,
                 generics: list[str],
                 variants: list[VariantDef],
                 derives: Optional[list[str]] = None,
                 is_pub: bool = False,
                 doc: Optional[str] = None):
        self.span = span
        self.name = name
        self.generics = generics
        self.variants = variants
        self.derives = derives
        self.is_pub = is_pub
        self.doc = doc


class TypeAlias(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "generics", "type")

    def __init__(self, span: Span, name: str, generics: list[str], type: TypeExpr):
        self.span = span
        self.name = name
        self.generics = generics
        self.type = type


class InterfaceDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "generics", "assoc_types", "methods", "is_pub", "doc")

    def __init__(self, span: Span,
                 name: str,
                 generics: list[str],
                 assoc_types: list[str],
                 methods: list[FnDef],
                 is_pub: bool = False,
                 doc: Optional[str] = None):
        self.span = span
        self.name = name
        self.generics = generics
        self.assoc_types = assoc_types
        self.methods = methods
        self.is_pub = is_pub
        self.doc = doc


class ImplDef(Node):
    """`impl Trait<Args> for Type do ... end` (names are dotted text)."""
    __slots__ = _fields = __match_args__ = ("span", "trait", "trait_args", "for_type", "assoc_types", "methods", "where")

    def __init__(self, span: Span,
                 trait: str,
                 trait_args: list[TypeExpr],
                 for_type: str,
                 assoc_types: list[tuple[str, TypeExpr]],
                 methods: list[FnDef],
                 where: list[tuple[str, str]] = FACTORY_LIST):
        self.span = span
        self.trait = trait
        self.trait_args = trait_args
        self.for_type = for_type
        self.assoc_types = assoc_types
        self.methods = methods
        self.where = [] if where is FACTORY_LIST else where


class ActorDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "params", "body", "terminate")

    def __init__(self, span: Span,
                 name: str,
                 params: list[Param],
                 body: Block,
                 terminate: Optional[Block] = None):
        self.span = span
        self.name = name
        self.params = params
        self.body = body
        self.terminate = terminate


class ServiceHandler(Node):
    """`call Name(params) :: T do |state| ... end` or `cast Name(params) do |state| ... end`."""
    __slots__ = _fields = __match_args__ = ("span", "kind", "name", "params", "ret", "state_name", "body")

    def __init__(self, span: Span,
                 kind: str,
                 name: str,
                 params: list[Param],
                 ret: Optional[TypeExpr],
                 state_name: Optional[str],
                 body: Block):
        self.span = span
        self.kind = kind   # "call" or "cast"
        self.name = name
        self.params = params
        self.ret = ret
        self.state_name = state_name
        self.body = body


class ServiceDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "init", "handlers", "other_fns")

    def __init__(self, span: Span,
                 name: str,
                 init: Optional[FnDef],
                 handlers: list[ServiceHandler],
                 other_fns: list[FnDef] = FACTORY_LIST):
        self.span = span
        self.name = name
        self.init = init
        self.handlers = handlers
        self.other_fns = [] if other_fns is FACTORY_LIST else other_fns


class ChildSpec(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "start", "restart", "shutdown")

    def __init__(self, span: Span,
                 name: str,
                 start: Optional[Expr],
                 restart: Optional[str] = None,
                 shutdown: Optional[object] = None):
        self.span = span
        self.name = name
        self.start = start
        self.restart = restart   # permanent | transient | temporary
        self.shutdown = shutdown   # int ms or a word such as brutal_kill


class SupervisorDef(Node):
    __slots__ = _fields = __match_args__ = ("span", "name", "strategy", "max_restarts", "max_seconds", "children", "is_pub")

    def __init__(self, span: Span,
                 name: str,
                 strategy: Optional[str],
                 max_restarts: Optional[int],
                 max_seconds: Optional[int],
                 children: list[ChildSpec],
                 is_pub: bool = False):
        self.span = span
        self.name = name
        self.strategy = strategy
        self.max_restarts = max_restarts
        self.max_seconds = max_seconds
        self.children = children
        self.is_pub = is_pub


class ModuleDef(Node):
    """Inline `module Name do ... end` (parsed, ignored like upstream)."""
    __slots__ = _fields = __match_args__ = ("span", "name", "body", "is_pub")

    def __init__(self, span: Span, name: str, body: Block, is_pub: bool = False):
        self.span = span
        self.name = name
        self.body = body
        self.is_pub = is_pub


class Import(Node):
    """`import A.B` (path ["A", "B"])."""
    __slots__ = _fields = __match_args__ = ("span", "path")

    def __init__(self, span: Span, path: list[str]):
        self.span = span
        self.path = path


class FromImport(Node):
    """`from A.B import x, y`."""
    __slots__ = _fields = __match_args__ = ("span", "path", "names")

    def __init__(self, span: Span, path: list[str], names: list[str]):
        self.span = span
        self.path = path
        self.names = names


Item = Union[FnDef, StructDef, SumTypeDef, TypeAlias, InterfaceDef, ImplDef,
             ActorDef, ServiceDef, SupervisorDef, ModuleDef, Import, FromImport]
Stmt = Union[Item, Let, Return, Expr]


class Module(Node):
    """A parsed file: its top-level items and statements in source order."""
    __slots__ = _fields = __match_args__ = ("span", "items")

    def __init__(self, span: Span, items: list[Stmt]):
        self.span = span
        self.items = items
