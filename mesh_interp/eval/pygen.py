"""Compile a whole Mesh function to one Python function (source, then exec).

The closure compiler (compiler.py) turns every AST node into a Python
closure over a frame list; a call to `ev(f)` per node is the price. For the
functions this module understands, we instead write Python source: Mesh
locals become Python locals, expressions become Python expressions, `if`,
`case`, `for` and `while` become Python statements, a self tail call becomes
`continue` in a `while True` loop, and calls to other top-level Mesh
functions call their Python function directly. Anything unknown raises
`Unsupported` and the caller falls back to the closure compiler, so both
paths give one behaviour (the closure compiler also reports compile errors).

Conventions in the generated source:
- Every Mesh binding gets a fresh Python name (`x_3`), so block scoping and
  shadowing need no runtime work; closures capture by value through a
  factory function (`_mk4(x_3)`), never by Python's late-binding cells.
- Constants (strings, floats, functions, natives, variant infos, spans) are
  names bound in the exec namespace (`K1`, `G2`, `N3`, `I4`, `S5`).
- A call that may raise a MeshPanic without a location (a native, `/`,
  `%`, a method call) starts on a line of its own inside parentheses; the
  function's `except MeshPanic` handler maps the traceback's line number to
  the Mesh span of that call (`_LS`), which is what `with_span` does in the
  closure compiler.
- A top-level function may return a TailCall (a tail call to another Mesh
  function); direct callers bounce it (`_bounce_all`).
"""
from __future__ import annotations

import os
import re
import sys

from ..errors import MeshCompileError, MeshPanic
from ..syntax import ast as A
from . import ops
from .collections import MeshList, MeshMap, MeshRange
from .format import display
from .typed import NO_ZERO, interpolated_kind, map_get_zero, operand_kind, specialise_call
from .values import (Function, Struct, StructType, TailCall, Variant, VariantInfo,
                     OK, SOME, TypeInfo, finish, wrap_int, INT_MIN, INT_MAX)
from .compiler import Cell, call_value, plain_params, value_of

ENABLED = os.environ.get("MESH_PYGEN", "1") != "0"
DUMP = os.environ.get("MESH_PYGEN_DUMP") == "1"


class Unsupported(Exception):
    """This function uses something the generator does not handle."""


# code object -> (Mesh function name, span): locates a stack overflow
_CODE_OWNERS: dict = {}


def code_owner(code):
    return _CODE_OWNERS.get(code)


# ---------------------------------------------------------------- run-time helpers

def _dtail(fn, args):
    if type(fn) is Function:
        return TailCall(fn, args)
    return call_value(fn, args)


def _fix(e, table):
    if e.span is None:
        tb = e.__traceback__
        if tb is not None:
            e.span = table.get(tb.tb_lineno)


def _nomatch(msg, span):
    return MeshPanic(msg, span)


def _destructure(x, n):
    if type(x) is not tuple:
        x = (x,)
    if len(x) == n:
        return x
    return (tuple(x) + (None,) * n)[:n]


_BASE_ENV = {
    "TailCall": TailCall, "Variant": Variant, "Function": Function, "Struct": Struct,
    "MeshList": MeshList, "MeshPanic": MeshPanic,
    "_bounce_all": finish, "_dcall": call_value, "_dtail": _dtail, "_fix": _fix,
    "_nomatch": _nomatch, "_struct_update": ops.struct_update,
    "_index": ops.index, "_destructure": _destructure, "_try_fail": ops.try_fail,
    "_wrap": wrap_int, "_display": display, "_list": MeshList.from_iterable,
    "_map": MeshMap.from_pairs, "_range": MeshRange, "_Struct": Struct,
    "_OK": OK, "_SOME": SOME,
    "_add": ops.add, "_sub": ops.sub, "_mul": ops.mul, "_div": ops.div, "_rem": ops.rem,
    "_eq": ops.eq, "_ne": ops.ne, "_lt": ops.lt, "_gt": ops.gt, "_le": ops.le, "_ge": ops.ge,
    "_concat": ops.concat, "_neg": ops.neg,
}


def _base_env_runtime():
    from ..runtime import NO_MATCH
    _BASE_ENV["_NO_MATCH"] = NO_MATCH

# natives that are one Python operation on a checked argument: (arity, template)
_INTRINSICS = {
    MeshMap.has_key: (2, "({1} in {0}._idx)"),
    MeshMap.__len__: (1, "len({0}._idx)"),
}

_ARITH = {"+": "_add", "-": "_sub", "*": "_mul"}
_CMP = {"<": "_lt", ">": "_gt", "<=": "_le", ">=": "_ge", "==": "_eq", "!=": "_ne"}
_OTHER = {"/": "_div", "%": "_rem", "<>": "_concat"}

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ATOM = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*|-?\d+|\(-\d+\))\Z")
_MARK = re.compile("\x00(\\d+)\x00|\x01")

_ITEMS = (A.StructDef, A.SumTypeDef, A.TypeAlias, A.InterfaceDef, A.ImplDef, A.ActorDef,
          A.ServiceDef, A.SupervisorDef, A.ModuleDef, A.Import, A.FromImport)


def _is_atom(s: str) -> bool:
    return _ATOM.match(s) is not None


def _mentions(name: str, texts) -> bool:
    """Does the Python variable `name` occur in any of the generated texts?"""
    word = re.compile(rf"\b{re.escape(name)}\b")
    return any(word.search(t) for t in texts)


# ---------------------------------------------------------------- generation state

class _Func:
    """One Python function being written (a top-level function or a closure)."""

    def __init__(self, parent, name: str):
        self.parent = parent
        self.name = name
        self.scopes: list[dict] = [{}]
        self.lines: list = []          # (indent, text)
        self.indent = 0
        self.captures: dict = {}       # Python names read from enclosing functions
        self.loop_depth = 0
        self.self_py = None            # Python name of this function's own value (nested fn)
        self.self_fn = None            # the Function object (top-level)
        self.params: list[str] = []
        self.arity = 0
        self.self_tail = False         # has a self tail call: body runs in `while True`
        self.calls = False             # calls Mesh code or loops: count a reduction
        self.tail_out = False          # may return a TailCall
        self.marked = False            # has call sites with spans
        self.budget = False            # counts reductions (declares `global _budget`)
        self.loop_budget = False       # a loop counts reductions in the local `_b`
        self.ret_type = None


class PyGen:
    """Generates the Python source of one Mesh function (and its closures)."""

    def __init__(self, compiler):
        self.compiler = compiler
        self.program = compiler.program
        self.env: dict = {}
        self.const_ids: dict = {}
        self.n = 0
        self.cur: _Func = None
        self.defs: list = []            # finished functions: list of (indent, text) lines
        self.spans: list = []
        self.self_pyname = None
        self.depth = 0
        self.alias_ok = True            # a pattern may name its subject (not in a matcher)

    # ------------------------------------------------------------ names and constants

    def fresh(self, base: str = "t") -> str:
        self.n += 1
        if not _IDENT.match(base) or base.startswith("__"):
            base = "v"
        return f"{base}_{self.n}"

    def const(self, v, prefix: str = "K") -> str:
        if v is None:
            return "None"
        if v is True:
            return "True"
        if v is False:
            return "False"
        if type(v) is int:
            return repr(v) if v >= 0 else f"({v})"
        key = (prefix, id(v))
        name = self.const_ids.get(key)
        if name is None:
            self.n += 1
            name = f"{prefix}{self.n}"
            self.const_ids[key] = name
            self.env[name] = v
        return name

    def span_const(self, span) -> str:
        return self.const(span, "S")

    def mark(self, expr: str, span) -> str:
        """expr, on a line of its own that maps to span (see the module doc)."""
        self.cur.marked = True
        self.spans.append(span)
        return f"(\x00{len(self.spans) - 1}\x00{expr}\x01)"

    # ------------------------------------------------------------ emitting

    def emit(self, text: str) -> None:
        c = self.cur
        c.lines.append((c.indent, text))

    def begin(self, header: str) -> None:
        self.emit(header)
        self.cur.indent += 1

    def end(self) -> None:
        self.cur.indent -= 1

    def captured(self, fn):
        """Run fn() with emitted lines collected apart; (result, lines)."""
        c = self.cur
        saved_lines, saved_indent = c.lines, c.indent
        c.lines, c.indent = [], 0
        try:
            r = fn()
            return r, c.lines
        finally:
            c.lines, c.indent = saved_lines, saved_indent

    def splice(self, lines) -> None:
        c = self.cur
        for ind, text in lines:
            c.lines.append((c.indent + ind, text))

    def atoms(self, a: str, b: str) -> tuple:
        """a and b as plain names or numbers, computed in order (a first)."""
        if not _is_atom(b):
            return self.spill(a), self.spill(b)
        return self.spill(a), b

    def spill(self, expr: str) -> str:
        if _IDENT.match(expr) or _is_atom(expr):
            return expr
        t = self.fresh()
        self.emit(f"{t} = {expr}")
        return t

    # ------------------------------------------------------------ scopes

    def push(self):
        self.cur.scopes.append({})

    def pop(self):
        self.cur.scopes.pop()

    def declare(self, name: str) -> str:
        py = self.fresh(name)
        self.cur.scopes[-1][name] = py
        return py

    def lookup(self, name: str):
        fn = self.cur
        inner = []
        while fn is not None:
            for sc in reversed(fn.scopes):
                py = sc.get(name)
                if py is not None:
                    for f in inner:
                        f.captures[py] = None
                    return py
            inner.append(fn)
            fn = fn.parent
        return None

    def is_local(self, name: str) -> bool:
        fn = self.cur
        while fn is not None:
            for sc in fn.scopes:
                if name in sc:
                    return True
            fn = fn.parent
        return False

    # ------------------------------------------------------------ functions

    def function(self, name, clauses, ret_type, self_fn, span):
        """Generate a top-level function; returns (python function, run)."""
        fn = _Func(None, name)
        fn.self_fn = self_fn
        fn.ret_type = ret_type
        self.cur = fn
        pyname = self.fresh(name if _IDENT.match(name) else "fn")
        self.self_pyname = pyname
        self.body_of(fn, clauses, span, f"function `{name}`")
        params = ", ".join(fn.params)
        self.defs.append(self.wrap(fn, f"def {pyname}({params}):"))
        src, linespan = self.assemble()
        env = dict(_BASE_ENV)
        env.update(self.env)
        env["_yield"] = _yield_slice
        env["_budget"] = REDUCTIONS
        env["_REDUCTIONS"] = REDUCTIONS
        env["_LS"] = linespan
        code = compile(src, f"<mesh {name}>", "exec")
        if DUMP:
            sys.stderr.write(f"---- {name}\n{src}\n")
        exec(code, env)
        pyfn = env[pyname]
        env[pyname + "_sc"] = pyfn if not fn.tail_out else (
            lambda *a, _f=pyfn: finish(_f(*a)))
        _register_code(code, name, span)
        return pyfn, fn

    def body_of(self, fn: _Func, clauses, span, what: str):
        """Parameters and body of fn from its clauses (FnDef or ClosureClause)."""
        arity = len(clauses[0].params)
        fn.arity = arity
        if plain_params(clauses):
            cl = clauses[0]
            for p in cl.params:
                if type(p.pattern) is A.PName:
                    fn.params.append(self.declare(p.pattern.name))
                else:
                    fn.params.append(self.fresh("_"))
            self.tail(cl.body)
            return
        fn.params = [self.fresh("arg") for _ in range(arity)]
        for cl in clauses:
            self.push()
            conds: list = []
            for p, a in zip(cl.params, fn.params):
                self.pattern(p.pattern, a, conds, param=True)
            if cl.guard is not None:
                g, lines = self.captured(lambda: self.ex(cl.guard))
                if lines:
                    raise Unsupported("guard needs statements")
                conds.append(f"({g}) is True")
            if conds:
                self.begin(f"if {' and '.join(conds)}:")
                self.tail(cl.body)
                self.end()
            else:
                self.tail(cl.body)
            self.pop()
        self.emit(f"raise _nomatch({self.const(f'non-exhaustive match in {what}')}, "
                  f"{self.span_const(span)})")

    def count_reduction(self):
        """One reduction for the scheduler (runtime.preempt, inlined) per loop
        iteration: a local counter (`_b`, cheaper than a global), set up by
        wrap(). A call of the function itself counts in its namespace's
        global `_budget`."""
        self.cur.loop_budget = True
        self.emit("_b -= 1")
        self.emit("if not _b: _b = _yield()")

    def wrap(self, fn: _Func, header: str) -> list:
        """fn's lines under header, with the loop, the reduction count and the
        span handler around them."""
        out = [(0, header)]
        ind = 1
        if fn.marked:
            out.append((ind, "try:"))
            ind += 1
        if fn.calls or fn.self_tail:
            fn.budget = True
            out.append((ind, "_budget -= 1"))
            out.append((ind, "if _budget <= 0: _budget = _yield()"))
        if fn.self_tail or fn.loop_budget:
            out.append((ind, "_b = _REDUCTIONS"))
        if fn.self_tail:
            out.append((ind, "while True:"))
            ind += 1
            out.append((ind, "_b -= 1"))
            out.append((ind, "if not _b: _b = _yield()"))
        if fn.budget:
            out.insert(1, (1, "global _budget"))
        for i, text in fn.lines:
            out.append((ind + i, text))
        if fn.marked:
            out.append((1, "except MeshPanic as _e:"))
            out.append((2, "_fix(_e, _LS)"))
            out.append((2, "raise"))
        return out

    def assemble(self):
        phys = []
        linespan = {}
        for lines in self.defs:
            for ind, text in lines:
                pieces = _MARK.split(text)
                phys.append("    " * ind + pieces[0])
                i = 1
                while i < len(pieces):
                    g = pieces[i]
                    rest = pieces[i + 1]
                    phys.append("        " + rest)
                    if g is not None:
                        linespan[len(phys)] = self.spans[int(g)]
                    i += 2
        return "\n".join(phys) + "\n", linespan

    # ------------------------------------------------------------ statements

    def block_value(self, stmts) -> str:
        """Emit all but the value of the block; returns the value expression."""
        if not stmts:
            return "None"
        for st in stmts[:-1]:
            self.stmt(st)
        return self.stmt(stmts[-1], want=True)

    def stmt(self, st, want: bool = False):
        t = type(st)
        if t is A.Let:
            return self.let(st)
        if t is A.Return:
            self.ret(st)
            return "None"
        if t is A.FnDef:
            self.nested_fn(st)
            return "None"
        if t in _ITEMS:
            return "None"
        v = self.ex(st)
        if want:
            return v
        if not _is_atom(v):
            self.emit(v)
        return None

    def let(self, st: A.Let) -> str:
        v = self.ex(st.value)
        p = st.pattern
        if type(p) is A.PName:
            py = self.declare(p.name)
            self.emit(f"{py} = {v}")
            return py
        if type(p) is A.PWild:
            return self.spill(v)
        subj = self.spill(v)
        conds: list = []
        self.pattern(p, subj, conds, param=True)
        if conds:
            self.begin(f"if not ({' and '.join(conds)}):")
            self.emit(f"raise _nomatch({self.const('let pattern did not match')}, "
                      f"{self.span_const(st.span)})")
            self.end()
        return subj

    def ret(self, st: A.Return):
        if st.value is None:
            self.emit("return None")
        else:
            self.tail(st.value)

    def nested_fn(self, st: A.FnDef):
        expr = self.closure(st.name, [st], st.span, self_name=st.name)
        py = self.declare(st.name)
        self.emit(f"{py} = {expr}")

    # ------------------------------------------------------------ tail position

    def tail(self, node):
        """Emit statements that return node's value from the current function."""
        t = type(node)
        if node is None:
            self.emit("return None")
        elif t is A.Block:
            self.push()
            stmts = node.stmts
            if not stmts:
                self.emit("return None")
            else:
                for st in stmts[:-1]:
                    self.stmt(st)
                last = stmts[-1]
                lt = type(last)
                if lt is A.Return:
                    self.ret(last)
                elif lt is A.Let or lt is A.FnDef or lt in _ITEMS:
                    self.emit(f"return {self.stmt(last, want=True)}")
                else:
                    self.tail(last)
            self.pop()
        elif t is A.If:
            c = self.ex(node.cond)
            self.begin(f"if {c}:")
            self.tail(node.then)
            self.end()
            self.tail(node.orelse)
        elif t is A.Case:
            self.case(node, None)
        elif t is A.Receive:
            self.receive(node, None)
        elif t is A.Call:
            self.call(node, tail=True)
        elif t is A.Pipe:
            self.call(self.pipe_call(node), tail=True)
        elif t is A.Return:
            self.ret(node)
        else:
            self.emit(f"return {self.ex(node)}")

    # ------------------------------------------------------------ expressions

    def ex(self, node) -> str:
        m = getattr(self, "x_" + type(node).__name__, None)
        if m is None:
            raise Unsupported(type(node).__name__)
        self.depth += 1
        try:
            v = m(node)
        finally:
            self.depth -= 1
        if self.depth % 32 == 31 and not _is_atom(v):
            # Python's parser has a small nesting limit: deep Mesh expressions
            # are cut into statements
            v = self.spill(v)
        return v

    def ex_list(self, nodes) -> list:
        """Expressions of nodes, evaluated left to right even when a later one
        needs statements (earlier ones are then computed into temporaries first)."""
        out = []
        ends = []
        last_emitting = -1
        for i, n in enumerate(nodes):
            start = len(self.cur.lines)
            out.append(self.ex(n))
            end = len(self.cur.lines)
            ends.append((end, self.cur.indent))
            if end != start:
                last_emitting = i
        for i in range(last_emitting - 1, -1, -1):
            if not _is_atom(out[i]):
                t = self.fresh()
                end, ind = ends[i]
                self.cur.lines.insert(end, (ind, f"{t} = {out[i]}"))
                out[i] = t
        return out

    def x_IntLit(self, node):
        return self.const(wrap_int(node.value))

    def x_FloatLit(self, node):
        return self.const(float(node.value))

    def x_BoolLit(self, node):
        return "True" if node.value else "False"

    def x_UnitLit(self, node):
        return "None"

    def x_AtomLit(self, node):
        return self.const(node.name)

    def x_StringLit(self, node):
        parts = node.parts
        if all(isinstance(p, str) for p in parts):
            return self.const("".join(parts))
        exprs = [p for p in parts if not isinstance(p, str)]
        vals = self.ex_list(exprs)
        if any("\x00" in v or '"' in v for v in vals):
            # an f-string can hold neither the line breaks of a located call
            # nor another f-string: compute the parts first, in order
            vals = [self.spill(v) for v in vals]
        vals = iter(vals)
        pieces = []
        for p in parts:
            if isinstance(p, str):
                if p:
                    pieces.append("{" + self.const(p) + "}")
            else:
                v = next(vals)
                if interpolated_kind(self.program, p) in ("int", "string"):
                    pieces.append("{" + v + "}")    # str(int) is its display
                    continue
                t = self.fresh()
                pieces.append("{(%s if type(%s := %s) is str else _display(%s))}" % (t, t, v, t))
        return 'f"' + "".join(pieces) + '"'

    def x_Name(self, node):
        py = self.lookup(node.name)
        if py is not None:
            return py
        return self.global_value(node.name, node)

    def x_SelfRef(self, node):
        py = self.lookup("self")
        if py is None:
            raise Unsupported("self")
        return py

    def global_value(self, name, node):
        v = self.compiler.resolve_global(name, node)
        return self.value_expr(v, name, node.span)

    def value_expr(self, v, name, span):
        if type(v) is Cell:
            return self.mark(f"{self.const(v)}.read({self.const(name)}, "
                             f"{self.span_const(span)})", span)
        return self.const(value_of(v, name), "G")

    def x_BinOp(self, node):
        op = node.op
        if op in ("and", "or"):
            a = self.ex(node.left)
            b, lines = self.captured(lambda: self.ex(node.right))
            if not lines:
                return f"({a} {op} {b})"
            t = self.fresh()
            self.emit(f"{t} = {a}")
            self.begin(f"if {'' if op == 'and' else 'not '}{t}:")
            self.splice(lines)
            self.emit(f"{t} = {b}")
            self.end()
            return t
        a, b = self.ex_list([node.left, node.right])
        if op == "..":
            return f"_range({a}, {b})"
        kind = operand_kind(self.program, node)
        if kind is not None:
            # the checker proved the operand type: no run-time type test
            if op in _ARITH:
                if kind == "int":
                    r = self.fresh("r")
                    return f"({r} if {INT_MIN} <= ({r} := {a} {op} {b}) <= {INT_MAX} else _wrap({r}))"
                if kind == "float":
                    return f"({a} {op} {b})"
            elif op in _CMP and not (op == "!=" and kind == "float"):
                return f"({a} {op} {b})"
        if op in _ARITH or op in _CMP or op in ("/", "%"):
            # each operand is used twice (type test, then either branch):
            # compute both first, in order, unless they are plain names or numbers
            a, b = self.atoms(a, b)
        if op in _ARITH:
            r = self.fresh("r")
            return (f"(({r} if {INT_MIN} <= ({r} := {a} {op} {b}) <= {INT_MAX} else _wrap({r}))"
                    f" if type({a}) is int else {_ARITH[op]}({a}, {b}))")
        if op in _CMP:
            t = self.fresh("t")
            kinds = [f"({t} := type({a})) is int", f"{t} is str"]
            if op != "!=":
                kinds.append(f"{t} is float")
            if op in ("==", "!="):
                kinds.append(f"{t} is bool")
            return f"(({a} {op} {b}) if {' or '.join(kinds)} else {_CMP[op]}({a}, {b}))"
        if op in ("/", "%"):
            # a non-negative Int by a positive Int needs no sign fix-up (ops.div/rem)
            if kind == "int" and b.isdigit() and int(b) > 0:
                fast = f"{a} >= 0"
            else:
                fast = f"type({a}) is int and {a} >= 0 and {b} > 0"
            py = "//" if op == "/" else "%"
            slow = self.mark(f"{_OTHER[op]}({a}, {b})", node.span)
            return f"(({a} {py} {b}) if {fast} else {slow})"
        fn = _OTHER.get(op)
        if fn is None:
            raise Unsupported(op)
        return self.mark(f"{fn}({a}, {b})", node.span)

    def x_UnaryOp(self, node):
        if node.op == "not":
            return f"(not {self.ex(node.operand)})"
        o = node.operand
        if type(o) is A.IntLit:
            return self.const(ops.neg(wrap_int(o.value)))
        if type(o) is A.FloatLit:
            return self.const(ops.neg(o.value))
        return self.mark(f"_neg({self.ex(o)})", node.span)

    def pipe_call(self, node):
        right = node.right
        if type(right) is A.Call:
            return A.Call(node.span, right.callee, [node.left] + right.args)
        return A.Call(node.span, right, [node.left])

    def x_Pipe(self, node):
        return self.call(self.pipe_call(node), tail=False)

    def x_ListLit(self, node):
        if not node.items:
            return self.const(MeshList.from_iterable(()))
        return f"_list([{', '.join(self.ex_list(node.items))}])"

    def x_MapLit(self, node):
        flat = []
        for k, v in node.entries:
            flat += [k, v]
        vals = self.ex_list(flat)
        pairs = [f"({vals[i]}, {vals[i + 1]})" for i in range(0, len(vals), 2)]
        return f"_map([{', '.join(pairs)}])"

    def x_TupleLit(self, node):
        vals = self.ex_list(node.items)
        if len(vals) == 1:
            return f"({vals[0]},)"
        return f"({', '.join(vals)})"

    def x_StructLit(self, node):
        st = self.program.lookup_type(self.compiler.ns, node.type_name)
        if not isinstance(st, StructType):
            raise Unsupported("struct")
        given = {}
        for fname, e in node.fields:
            if fname not in st.field_index:
                raise Unsupported("field")
            given[fname] = e
        if any(fn not in given for fn in st.fields):
            raise Unsupported("missing field")
        vals = self.ex_list([given[fn] for fn in st.fields])
        return f"_Struct({self.const(st)}, [{', '.join(vals)}])"

    def x_StructUpdate(self, node):
        vals = self.ex_list([node.base] + [e for _n, e in node.fields])
        names = tuple(n for n, _e in node.fields)
        return self.mark(f"_struct_update({vals[0]}, {self.const(names)}, "
                         f"({''.join(v + ', ' for v in vals[1:])}), {self.span_const(node.span)})",
                         node.span)

    def x_Index(self, node):
        b, i = self.ex_list([node.base, node.index])
        return f"_index({b}, {i}, {self.span_const(node.span)})"

    def x_Block(self, node):
        self.push()
        try:
            return self.block_value(node.stmts)
        finally:
            self.pop()

    def x_If(self, node):
        c = self.ex(node.cond)
        then, tl = self.captured(lambda: self.x_Block(node.then))
        if node.orelse is None:
            other, ol = "None", []
        else:
            other, ol = self.captured(lambda: self.ex(node.orelse))
        if not tl and not ol:
            return f"({then} if {c} else {other})"
        t = self.fresh()
        self.begin(f"if {c}:")
        self.splice(tl)
        self.emit(f"{t} = {then}")
        self.end()
        self.begin("else:")
        self.splice(ol)
        self.emit(f"{t} = {other}")
        self.end()
        return t

    def x_Case(self, node):
        t = self.fresh()
        self.case(node, t)
        return t

    def case(self, node, target):
        """`case`: assign the value to target, or return it (target None)."""
        subj = self.spill(self.ex(node.scrutinee))
        first = True
        for arm in node.arms:
            self.push()
            conds: list = []
            self.pattern(arm.pattern, subj, conds)
            if arm.guard is not None:
                g, lines = self.captured(lambda: self.ex(arm.guard))
                if lines:
                    raise Unsupported("guard needs statements")
                conds.append(f"({g}) is True")
            cond = " and ".join(conds) if conds else "True"
            self.begin(f"{'if' if first else 'elif'} {cond}:")
            first = False
            if target is None:
                self.tail(arm.body)
            else:
                self.emit(f"{target} = {self.ex(arm.body)}")
            self.end()
            self.pop()
        self.begin("else:")
        self.emit(f"raise _nomatch({self.const('non-exhaustive match')}, "
                  f"{self.span_const(node.span)})")
        self.end()

    def x_Receive(self, node):
        t = self.fresh()
        self.receive(node, t)
        return t

    def receive(self, node, target):
        """`receive`: a matcher function returns (arm index, bound values) for
        the first arm a message matches; the arm's body then runs here."""
        cur = self.cur
        cur.calls = True
        timeout = "None"
        if node.after is not None:
            timeout = self.spill(self.ex(node.after))
        matcher = self.fresh("_match")
        msg = self.fresh("msg")
        self.begin(f"def {matcher}({msg}):")
        bound = []
        saved, self.alias_ok = self.alias_ok, False
        try:
            for i, arm in enumerate(node.arms):
                self.push()
                conds: list = []
                self.pattern(arm.pattern, msg, conds)
                if arm.guard is not None:
                    g, lines = self.captured(lambda: self.ex(arm.guard))
                    if lines:
                        raise Unsupported("guard needs statements")
                    conds.append(f"({g}) is True")
                names = list(cur.scopes[-1].values())
                bound.append((names, dict(cur.scopes[-1])))
                self.pop()
                tup = "(" + "".join(n + ", " for n in names) + ")"
                cond = " and ".join(conds) if conds else "True"
                self.emit(f"if {cond}: return ({i}, {tup})")
        finally:
            self.alias_ok = saved
        self.emit("return _NO_MATCH")
        self.end()
        r = self.fresh("r")
        self.emit(f"{r} = {self.const(self.program, 'P')}.receive({matcher}, {timeout})")
        self.begin(f"if type({r}) is not tuple:")
        if target is None:
            self.tail(node.after_body)
        else:
            v = self.ex(node.after_body) if node.after_body is not None else "None"
            self.emit(f"{target} = {v}")
        self.end()
        for i, (arm, (names, scope)) in enumerate(zip(node.arms, bound)):
            self.begin(f"elif {r}[0] == {i}:")
            self.push()
            cur.scopes[-1].update(scope)
            if names:
                self.emit(f"{', '.join(names)}, = {r}[1]")
            if target is None:
                self.tail(arm.body)
            else:
                self.emit(f"{target} = {self.ex(arm.body)}")
            self.pop()
            self.end()

    def x_While(self, node):
        c, cl = self.captured(lambda: self.ex(node.cond))
        self.cur.calls = True
        if cl:
            self.begin("while True:")
            self.splice(cl)
            self.emit(f"if not {c}: break")
        else:
            self.begin(f"while {c}:")
        self.cur.loop_depth += 1
        self.push()
        self.block_value(node.body.stmts)
        self.pop()
        self.cur.loop_depth -= 1
        self.count_reduction()
        self.end()
        return "None"

    def x_Break(self, node):
        if self.cur.loop_depth == 0:
            raise Unsupported("break")
        self.emit("break")
        return "None"

    def x_Continue(self, node):
        if self.cur.loop_depth == 0:
            raise Unsupported("continue")
        self.emit("continue")
        return "None"

    def x_For(self, node):
        it = node.iterable
        if type(it) is A.BinOp and it.op == "..":
            lo, hi = self.ex_list([it.left, it.right])
            elements = f"range({lo}, {hi})"
        else:
            src = self.ex(it)
            elements = self.mark(f"{self.const(self.program, 'P')}.iterate({src}, "
                                 f"{self.span_const(node.span)}, {node.destructure})", node.span)
        self.cur.calls = True
        out = self.fresh("out")
        self.emit(f"{out} = []")
        self.push()
        names = [self.declare(n) for n in node.names]
        if len(names) == 1 and not node.destructure:
            self.begin(f"for {names[0]} in {elements}:")
        else:
            x = self.fresh("x")
            self.begin(f"for {x} in {elements}:")
            self.emit(f"{', '.join(names)}, = _destructure({x}, {len(names)})")
        self.cur.loop_depth += 1
        if node.filter is not None:
            f = self.ex(node.filter)
            self.emit(f"if ({f}) is not True: continue")
        v = self.x_Block(node.body)
        self.emit(f"{out}.append({v})")
        self.count_reduction()
        self.cur.loop_depth -= 1
        self.end()
        self.pop()
        return f"_list({out})"

    def x_Try(self, node):
        v = self.spill(self.ex(node.expr))
        conv = self.compiler.error_converter(self.cur.ret_type)
        self.begin(f"if type({v}) is not Variant or ({v}.info is not _OK and {v}.info is not _SOME):")
        self.emit(f"return _try_fail({v}, {self.const(conv)}, {self.span_const(node.span)})")
        self.end()
        return f"{v}.args[0]"

    def x_Return(self, node):
        self.ret(node)
        return "None"

    def x_Let(self, node):
        return self.let(node)

    def x_Closure(self, node):
        return self.closure("<closure>", node.clauses, node.span)

    def x_Call(self, node):
        return self.call(node, tail=False)

    def x_Field(self, node):
        static = self.compiler.static_member(node, self.is_local)
        if static is not None:
            v = static
            if self.program.is_stdlib_constant(v):
                return self.const(call_value(v, ()))
            return self.value_expr(v, getattr(v, "name", node.name), node.span)
        b = self.ex(node.base)
        return self.mark(f"{self.const(self.program, 'P')}.field({b}, {self.const(node.name)}, "
                         f"{self.span_const(node.span)})", node.span)

    def x_Spawn(self, node):
        vals = self.ex_list(node.args)
        if not vals:
            raise Unsupported("spawn")
        self.cur.calls = True
        return self.mark(f"{self.const(self.program, 'P')}.spawn({vals[0]}, "
                         f"({''.join(v + ', ' for v in vals[1:])}))", node.span)

    def x_Send(self, node):
        if len(node.args) != 2:
            raise Unsupported("send")
        p, m = self.ex_list(node.args)
        return f"{self.const(self.program, 'P')}.send({p}, {m})"

    def x_Link(self, node):
        vals = self.ex_list(node.args)
        return f"{self.const(self.program, 'P')}.link({vals[0]})"

    def x_SelfPid(self, node):
        return f"{self.const(self.program, 'P')}.self_pid()"

    # ------------------------------------------------------------ calls

    def call(self, node: A.Call, tail: bool):
        """A call; in tail position it emits the return (and returns None)."""
        callee = node.callee
        cur = self.cur
        target = None
        if type(callee) is A.Name:
            py = self.lookup(callee.name)
            if py is not None:
                if tail and py == cur.self_py and len(node.args) == cur.arity:
                    return self.self_tail_call(node.args)
                vals = self.ex_list([callee] + node.args)
                return self.dynamic(vals[0], vals[1:], node.span, tail)
            target = self.compiler.resolve_global(callee.name, callee)
        elif type(callee) is A.Field:
            target = self.compiler.static_member(callee, self.is_local)
            if target is None:
                vals = self.ex_list([callee.base] + node.args)
                cur.calls = True
                e = self.mark(f"{self.const(self.program, 'P')}.call_method({vals[0]}, "
                              f"{self.const(callee.name)}, [{', '.join(vals[1:])}], "
                              f"{self.span_const(node.span)})", node.span)
                return self.finish(e, tail)
        else:
            vals = self.ex_list([callee] + node.args)
            return self.dynamic(vals[0], vals[1:], node.span, tail)
        from .compiler import Cell, ServiceInfo, SupervisorInfo, ModuleRef
        zero = map_get_zero(self.program, node, target)
        if zero is not NO_ZERO and len(node.args) == 2:
            m, k = self.ex_list(node.args)
            if _is_atom(m) and _is_atom(k):
                # MeshMap entries are (position, value)
                e = self.fresh("e")
                return self.finish(f"({e}[1] if ({e} := {m}._idx.get({k})) is not None "
                                   f"else {self.const(zero)})", tail)
            target = specialise_call(self.program, node, target)
            return self.finish(self.mark(f"{self.const(target, 'N')}({m}, {k})", node.span), tail)
        target = specialise_call(self.program, node, target)
        t = type(target)
        if t is Function:
            if cur.self_fn is not None and target is cur.self_fn and len(node.args) == cur.arity:
                if tail:
                    return self.self_tail_call(node.args)
                args = self.ex_list(node.args)
                cur.calls = True
                return f"{self.self_pyname}_sc({', '.join(args)})"
            args = self.ex_list(node.args)
            cur.calls = True
            g = self.const(target, "G")
            tup = "(" + "".join(a + ", " for a in args) + ")"
            if tail:
                cur.tail_out = True
                self.emit(f"return TailCall({g}, {tup})")
                return None
            if target.direct is not None:
                # already compiled, and never returns a TailCall
                return f"{self.const(target.direct, 'D')}({', '.join(args)})"
            if target.py is not None:
                r = self.fresh("r")
                return (f"({r} if type({r} := {g}.py({', '.join(args)})) is not TailCall "
                        f"else _bounce_all({r}))")
            return f"_bounce_all({g}.run({tup}))"
        if t is VariantInfo:
            args = self.ex_list(node.args)
            tup = "(" + "".join(a + ", " for a in args) + ")"
            return self.finish(f"Variant({self.const(target, 'I')}, {tup})", tail)
        if t is Cell:
            vals = self.ex_list([callee] + node.args)
            return self.dynamic(vals[0], vals[1:], node.span, tail)
        if t in (ServiceInfo, SupervisorInfo, ModuleRef) or isinstance(target, TypeInfo) \
                or not callable(target):
            raise Unsupported("call target")
        args = self.ex_list(node.args)
        if tail and target is MeshMap.put and _IDENT.match(args[0]) \
                and not _mentions(args[0], args[1:]):
            # returned: the map variable dies with the call
            target = MeshMap.put_owned
        inline = _INTRINSICS.get(target)
        if inline is not None and len(args) == inline[0] and all(map(_is_atom, args)) \
                and getattr(self.program, "type_table", None):
            # checked program: the argument types are certain
            return self.finish(inline[1].format(*args), tail)
        return self.finish(self.mark(f"{self.const(target, 'N')}({', '.join(args)})", node.span),
                           tail)

    def finish(self, expr, tail):
        if tail:
            self.emit(f"return {expr}")
            return None
        return expr

    def owned_put(self, node, expr: str, others) -> str:
        """`Map.put(m, k, v)` whose map is a local variable that dies right
        after the call (it is rebound by a self tail call and used by no other
        argument, or the call is returned): call MeshMap.put_owned, which
        updates in place when nothing else refers to the map."""
        if type(node) is A.Pipe:
            node = self.pipe_call(node)
        if type(node) is not A.Call or not node.args or type(node.args[0]) is not A.Name:
            return expr
        put = self.const(MeshMap.put, "N")
        var = self.lookup(node.args[0].name)
        if var is None or not expr.startswith("(\x00") or f"{put}({var}," not in expr:
            return expr
        if _mentions(var, others):
            return expr
        return expr.replace(f"{put}({var},", f"{self.const(MeshMap.put_owned, 'N')}({var},", 1)

    def dynamic(self, fn, args, span, tail):
        self.cur.calls = True
        tup = "(" + "".join(a + ", " for a in args) + ")"
        if tail:
            self.cur.tail_out = True
            self.emit(f"return {self.mark(f'_dtail({fn}, {tup})', span)}")
            return None
        return self.mark(f"_dcall({fn}, {tup})", span)

    def self_tail_call(self, arg_nodes):
        cur = self.cur
        start = len(cur.lines)
        args = self.ex_list(arg_nodes)
        if len(cur.lines) == start:
            args = [self.owned_put(n, a, args[:i] + args[i + 1:])
                    for i, (n, a) in enumerate(zip(arg_nodes, args))]
        moves = [(p, a) for p, a in zip(cur.params, args) if p != a]
        if moves:
            self.emit(f"{', '.join(p for p, _ in moves)} = {', '.join(a for _, a in moves)}")
        self.emit("continue")
        cur.self_tail = True
        return None

    # ------------------------------------------------------------ closures

    def closure(self, name, clauses, span, self_name=None) -> str:
        parent = self.cur
        fn = _Func(parent, name)
        mk, inner = self.fresh("_mk"), self.fresh("_c")
        if self_name is not None:
            fn.self_py = self.fresh("_self")
            fn.scopes[0][self_name] = fn.self_py
        self.cur = fn
        try:
            self.body_of(fn, clauses, span, f"function `{name}`")
        finally:
            self.cur = parent
        caps = list(fn.captures)
        # the body takes positional arguments; `run` (the Function protocol)
        # takes a tuple; natives call the body directly unless it may return
        # a TailCall
        run = self.fresh("_run")
        lines = [(0, f"def {mk}({', '.join(caps)}):")]
        body = self.wrap(fn, f"def {inner}({', '.join(fn.params)}):")
        lines += [(1 + i, t) for i, t in body]
        lines.append((1, f"def {run}(_args): return {inner}(*_args)"))
        fname = self.const(name)
        direct = "None" if fn.tail_out else inner
        make = f"Function({fname}, {fn.arity}, {run}, None, {direct})"
        if fn.self_py is not None:
            lines.append((1, f"{fn.self_py} = {make}"))
            lines.append((1, f"return {fn.self_py}"))
        else:
            lines.append((1, f"return {make}"))
        self.defs.append(lines)
        return f"{mk}({', '.join(caps)})"

    # ------------------------------------------------------------ patterns

    def pattern(self, p, subj: str, conds: list, param: bool = False) -> None:
        """Add to conds the tests of p against subj (a pure expression),
        binding its names (by walrus, or as aliases of plain names)."""
        t = type(p)
        if t is A.PWild:
            return
        if t is A.PName:
            if not param:
                info = self.program.lookup_variant(self.compiler.ns, p.name)
                if info is not None and info.arity == 0:
                    conds.append(f"type({subj}) is Variant and {subj}.info is "
                                 f"{self.const(info, 'I')}")
                    return
            self.bind(p.name, subj, conds)
            return
        if t is A.PLit:
            lit = p.value
            k = p.kind
            if k == "int":
                conds.append(f"type({subj}) is int and {subj} == {self.const(wrap_int(lit))}")
            elif k == "nil":
                conds.append(f"{subj} is None")
            elif k == "bool":
                conds.append(f"{subj} is {'True' if lit else 'False'}")
            else:
                if k == "float":
                    lit = float(lit)
                conds.append(f"{subj} == {self.const(lit)}")
            return
        if t is A.PTuple:
            n = len(p.items)
            if n == 1:
                self.pattern(p.items[0], subj, conds)
                return
            s = self.name_for(subj, conds, f"type({{}}) is tuple and len({{}}) == {n}")
            for i, x in enumerate(p.items):
                self.pattern(x, f"{s}[{i}]", conds)
            return
        if t is A.PConstructor:
            info = self.program.lookup_variant(self.compiler.ns, p.name, p.type_name)
            if info is None:
                raise Unsupported("constructor")
            test = f"type({{}}) is Variant and {{}}.info is {self.const(info, 'I')}"
            if not p.args:
                conds.append(test.format(subj, subj))
                return
            s = self.name_for(subj, conds, test)
            if len(p.args) == 1:
                self.pattern(p.args[0], f"{s}.args[0]", conds)
                return
            args = self.fresh("a")
            conds.append(f"(({args} := {s}.args) is {args})")
            for i, x in enumerate(p.args):
                self.pattern(x, f"{args}[{i}]", conds)
            return
        if t is A.PCons:
            s = self.name_for(subj, conds, "isinstance({}, MeshList)")
            u = self.fresh("u")
            conds.append(f"({u} := {s}.uncons()) is not None")
            self.pattern(p.head, f"{u}[0]", conds)
            self.pattern(p.tail, f"{u}[1]", conds)
            return
        if t is A.POr:
            alts = []
            for alt in p.alts:
                sub: list = []
                before = dict(self.cur.scopes[-1])
                self.pattern(alt, subj, sub)
                if self.cur.scopes[-1] != before:
                    raise Unsupported("or-pattern with bindings")
                alts.append("(" + (" and ".join(sub) if sub else "True") + ")")
            conds.append("(" + " or ".join(alts) + ")")
            return
        if t is A.PAs:
            s = subj
            if not _IDENT.match(subj):
                s = self.fresh("s")
                conds.append(f"(({s} := {subj}) is {s})")
            self.pattern(p.pattern, s, conds)
            self.bind(p.name, s, conds)
            return
        raise Unsupported(t.__name__)

    def name_for(self, subj, conds, test: str) -> str:
        """A plain name for subj (binding a temporary inside test if needed)."""
        if _IDENT.match(subj):
            conds.append(test.format(subj, subj))
            return subj
        s = self.fresh("s")
        conds.append(test.format(f"({s} := {subj})", s))
        return s

    def bind(self, name, subj, conds):
        if self.alias_ok and _IDENT.match(subj):
            self.cur.scopes[-1][name] = subj
            return
        py = self.declare(name)
        conds.append(f"(({py} := {subj}) is {py})")


def _register_code(code, name, span):
    stack = [code]
    while stack:
        c = stack.pop()
        _CODE_OWNERS[c] = (name, span)
        stack.extend(k for k in c.co_consts if type(k) is type(code))


def generate(compiler, name, clauses, ret_type, self_fn, span):
    """The Python function for a top-level Mesh function, or None (use closures)."""
    if not ENABLED:
        return None
    gen = PyGen(compiler)
    try:
        return gen.function(name, clauses, ret_type, self_fn, span)
    except (Unsupported, MeshCompileError, RecursionError) as e:
        if DUMP:
            sys.stderr.write(f"---- {name}: closures ({type(e).__name__}: {e})\n")
        return None
    except (SyntaxError, MemoryError):   # Python's parser gave up: the closures still work
        if DUMP:
            raise
        return None


from ..runtime import REDUCTIONS  # noqa: E402
from ..runtime.scheduler import yield_slice as _yield_slice  # noqa: E402

_base_env_runtime()
