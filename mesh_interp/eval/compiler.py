"""Compile the AST to Python closures, once; running a program calls them.

Every expression becomes `ev(f) -> value`, where `f` is the current frame: a
Python list of slots. Names resolve to slot indices at compile time; a
closure's frame starts with the values it captured, then its parameters,
then its locals: `[*captured, *args, *pad]`.

Tail calls: a call in tail position to a Mesh function returns a
`TailCall` instead of calling; whoever called the enclosing function runs
the trampoline (`values.Function.__call__` or an inlined loop here), so
self and mutual tail recursion run in constant stack.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..errors import MeshCompileError, MeshPanic
from ..syntax import ast as A
from . import ops
from .collections import MeshList, MeshMap, MeshRange
from .format import display
from .typed import specialise_call
from .values import (Function, Struct, StructType, TailCall, Variant, VariantInfo,
                     OK, SOME, TypeInfo, finish, wrap_int)

# ---------------------------------------------------------------- control signals


class ReturnSignal(Exception):
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class BreakSignal(Exception):
    pass


class ContinueSignal(Exception):
    pass


BREAK = BreakSignal()
CONTINUE = ContinueSignal()


def call_value(fn, args: tuple):
    """Call any Mesh function value to completion (trampolining tail calls)."""
    if type(fn) is Function:
        d = fn.direct
        if d is not None:
            return d(*args)
        r = fn.run(args)
        return r if type(r) is not TailCall else finish(r)
    if type(fn) is VariantInfo:
        return Variant(fn, args)
    if callable(fn):
        return fn(*args)
    raise MeshPanic(f"value is not a function: {display(fn)}")


def with_span(err: MeshPanic, span):
    if err.span is None:
        err.span = span
    return err


# ---------------------------------------------------------------- AST helpers

def _children(node):
    for name in node.__slots__:
        if name == "span":
            continue
        v = getattr(node, name)
        if isinstance(v, list):
            for x in v:
                if isinstance(x, tuple):
                    for y in x:
                        if hasattr(y, "span"):
                            yield y
                elif hasattr(x, "span"):
                    yield x
        elif hasattr(v, "span"):
            yield v


def names_used(node, out: set) -> set:
    """Every identifier referenced anywhere under node (over-approximation)."""
    stack = [node]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is A.Name:
            out.add(n.name)
        elif t is A.SelfRef:
            out.add("self")
        elif t is A.StringLit:
            stack.extend(p for p in n.parts if not isinstance(p, str))
            continue
        stack.extend(_children(n))
    return out


def contains(node, kinds: tuple, stop: tuple = (A.Closure, A.FnDef)) -> bool:
    """Does node contain a node of `kinds` without crossing a `stop` node?"""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, kinds):
            return True
        if n is not node and isinstance(n, stop):
            continue
        if type(n) is A.StringLit:
            stack.extend(p for p in n.parts if not isinstance(p, str))
            continue
        stack.extend(_children(n))
    return False


def plain_params(clauses) -> bool:
    """One clause, no guard, every parameter a plain name or `_`: the
    arguments bind straight to the parameters (no dispatch)."""
    return len(clauses) == 1 and clauses[0].guard is None and all(
        type(p.pattern) in (A.PName, A.PWild) for p in clauses[0].params)


def _loop_stop():
    return (A.Closure, A.FnDef, A.For, A.While)


# ---------------------------------------------------------------- compile-time scopes

class Scope:
    __slots__ = ("names", "parent")

    def __init__(self, parent: Optional["Scope"]):
        self.names: dict[str, int] = {}
        self.parent = parent


class FnCtx:
    """Compile-time state of one function or closure body."""

    def __init__(self, parent: Optional["FnCtx"], name: str, ret_type=None):
        self.parent = parent
        self.name = name
        self.nslots = 0
        self.scope = Scope(None)
        self.ret_type = ret_type
        self.self_fn = None        # the Function being compiled (for direct self calls)
        self.loop_depth = 0        # break/continue are valid only inside a loop of this body

    def new_slot(self) -> int:
        s = self.nslots
        self.nslots += 1
        return s

    def declare(self, name: str) -> int:
        s = self.new_slot()
        self.scope.names[name] = s
        return s

    def lookup(self, name: str) -> Optional[int]:
        sc = self.scope
        while sc is not None:
            s = sc.names.get(name)
            if s is not None:
                return s
            sc = sc.parent
        return None

    def push(self):
        self.scope = Scope(self.scope)

    def pop(self):
        self.scope = self.scope.parent


class ServiceInfo:
    """A service's generated functions: `Svc.start`, `Svc.<handler>`."""

    def __init__(self, name: str):
        self.name = name
        self.members: dict[str, Any] = {}


class SupervisorInfo:
    def __init__(self, name: str, spec_fn):
        self.name = name
        self.spec_fn = spec_fn     # () -> spec dict for the runtime


class ModuleRef:
    """A user module reachable through a qualifier (`import A.B` -> `B`)."""

    def __init__(self, ns):
        self.ns = ns


class Cell:
    """A module-level `let`: set when the module's lets run."""

    __slots__ = ("value", "ready")

    def __init__(self):
        self.value = None
        self.ready = False

    def read(self, name: str, span):
        if not self.ready:
            raise MeshPanic(f"`{name}` is used before it is defined", span)
        return self.value


def value_of(v, name: str):
    """What a name bound to v denotes as a value: a nullary variant's value,
    a constructor as a Function, anything else itself."""
    if type(v) is VariantInfo:
        if v.arity == 0:
            return v.value
        return Function(name, v.arity, lambda args, info=v: Variant(info, args))
    return v


# ---------------------------------------------------------------- the compiler

class Compiler:
    """Compiles the bodies of one module. `ns` is the module namespace
    (eval/program.py: Namespace) used to resolve non-local names."""

    def __init__(self, program, ns):
        self.program = program
        self.ns = ns
        self.ctx: Optional[FnCtx] = None
        # while compiling the 2nd.. alternatives of an or-pattern: name -> slot
        # of the first alternative, so every alternative binds the same slots
        self.or_slots: Optional[dict] = None

    # ------------------------------------------------------------ errors

    def error(self, msg: str, node, code: Optional[str] = None, help: Optional[str] = None):
        return MeshCompileError(msg, node.span, code=code, help=help)

    # ------------------------------------------------------------ functions

    def compile_function(self, name: str, clauses: list, ret_type=None, captures=None,
                         self_name: Optional[str] = None, self_fn=None) -> tuple:
        """Compile clauses (each with .params, .guard, .body) into a `run(args)` body.

        Returns (run_factory, capture_slots): run_factory(captured_list, fn) -> run.
        """
        if not captures:
            from .pygen import generate
            made = generate(self, name, clauses, ret_type, self_fn, clauses[0].span)
            if made is not None:
                pyfn, info = made
                if self_fn is not None:
                    self_fn.py = pyfn
                    if not info.tail_out:
                        self_fn.direct = pyfn
                run = _positional_run(pyfn)
                return (lambda captured: run), [], len(clauses[0].params)
        outer = self.ctx
        ctx = FnCtx(outer, name, ret_type)
        if not captures:
            # params occupy slots 0..n-1: a self tail call can rebind them in place
            ctx.self_fn = self_fn
        self.ctx = ctx
        try:
            # captured variables come first in the frame
            cap_pairs = []   # (outer_slot, inner_slot)
            if captures:
                for cname, oslot in captures:
                    cap_pairs.append((oslot, ctx.declare(cname)))
            arity = len(clauses[0].params)
            base = ctx.nslots
            if plain_params(clauses):
                cl = clauses[0]
                for p in cl.params:
                    if type(p.pattern) is A.PName:
                        ctx.declare(p.pattern.name)
                    else:
                        ctx.new_slot()
                body = self.compile_body(cl.body, tail=True)
                dispatch = None
            else:
                arg_slots = [ctx.new_slot() for _ in range(arity)]
                compiled = []
                for cl in clauses:
                    ctx.push()
                    matchers = []
                    for p, s in zip(cl.params, arg_slots):
                        matchers.append((s, self.compile_pattern(p.pattern, param=True)))
                    guard = self.compile_expr(cl.guard) if cl.guard is not None else None
                    cbody = self.compile_body(cl.body, tail=True)
                    ctx.pop()
                    compiled.append((tuple(matchers), guard, cbody))
                dispatch = compiled
            nslots = ctx.nslots
            has_return = any(contains(cl.body, (A.Return, A.Try)) for cl in clauses
                             if cl.body is not None) or any(
                cl.guard is not None and contains(cl.guard, (A.Return, A.Try)) for cl in clauses)
        finally:
            self.ctx = outer

        pad = [None] * (nslots - base - arity)
        span = clauses[0].span
        fname = name

        if dispatch is not None:
            clauses_c = dispatch

            def body(f):
                for matchers, guard, cbody in clauses_c:
                    for s, m in matchers:
                        if not m(f[s], f):
                            break
                    else:
                        if guard is None or guard(f) is True:
                            return cbody(f)
                raise MeshPanic(f"non-exhaustive match in function `{fname}`", span)

        if has_return:
            inner_body = body

            def body(f):
                try:
                    return inner_body(f)
                except ReturnSignal as r:
                    return r.value

        ncap = len(cap_pairs)

        loops = self_fn is not None and ncap == 0

        def factory(captured: Optional[list]):
            if ncap == 0:
                if loops:
                    def run_loop(args):
                        f = [*args, *pad]
                        r = body(f)
                        while r is SELF:
                            _preempt()
                            r = body(f)
                        return r
                    return run_loop
                if not pad:
                    if arity == 0:
                        return lambda args: body([])
                    return lambda args: body(list(args))
                if arity == 0:
                    return lambda args: body(pad[:])

                def run(args):
                    return body([*args, *pad])
                return run

            def run(args):
                return body([*captured, *args, *pad])
            return run

        return factory, [o for o, _ in cap_pairs], arity

    def compile_body(self, body, tail: bool):
        if body is None:
            return lambda f: None
        if type(body) is A.Block:
            return self.compile_block(body, tail)
        return self.compile_expr(body, tail)

    def make_closure(self, node, name: str, clauses, self_name: Optional[str] = None):
        """Compile a closure (or nested fn) and return ev(f) -> Function."""
        ctx = self.ctx
        used = set()
        for cl in clauses:
            names_used(cl.body if cl.body is not None else cl, used)
            if cl.guard is not None:
                names_used(cl.guard, used)
            for p in cl.params:
                names_used(p, used)
        captures = []
        for n in sorted(used):
            s = ctx.lookup(n) if ctx is not None else None
            if s is not None:
                captures.append((n, s))
        factory, outer_slots, arity = self.compile_function(name, clauses, captures=captures)
        self_idx = None
        if self_name is not None:
            for i, (n, _) in enumerate(captures):
                if n == self_name:
                    self_idx = i
        if not captures:
            fn_const = Function(name, arity, factory(None))
            return lambda f: fn_const

        def ev(f):
            captured = [f[s] for s in outer_slots]
            fn = Function(name, arity, None)
            if self_idx is not None:
                captured[self_idx] = fn
            fn.run = factory(captured)
            return fn
        return ev

    # ------------------------------------------------------------ blocks and statements

    def compile_block(self, block: A.Block, tail: bool = False):
        ctx = self.ctx
        ctx.push()
        try:
            stmts = [s for s in block.stmts]
            evs = []
            n = len(stmts)
            for i, st in enumerate(stmts):
                last = i == n - 1
                evs.append(self.compile_stmt(st, tail and last, last))
        finally:
            ctx.pop()
        evs = [e for e in evs if e is not None]
        if not evs:
            return lambda f: None
        if len(evs) == 1:
            return evs[0]
        if len(evs) == 2:
            a, b = evs

            def ev2(f):
                a(f)
                return b(f)
            return ev2
        if len(evs) == 3:
            a, b, c = evs

            def ev3(f):
                a(f)
                b(f)
                return c(f)
            return ev3
        init = tuple(evs[:-1])
        last_ev = evs[-1]

        def evn(f):
            for e in init:
                e(f)
            return last_ev(f)
        return evn

    def compile_stmt(self, st, tail: bool, last: bool):
        t = type(st)
        if t is A.Let:
            return self.compile_let(st, last)
        if t is A.Return:
            return self.compile_return(st)
        if t is A.FnDef:
            return self.compile_nested_fn(st)
        if t in (A.StructDef, A.SumTypeDef, A.TypeAlias, A.InterfaceDef, A.ImplDef,
                 A.ActorDef, A.ServiceDef, A.SupervisorDef, A.ModuleDef, A.Import,
                 A.FromImport):
            return None   # items inside blocks are ignored, as upstream
        return self.compile_expr(st, tail)

    def compile_let(self, st: A.Let, last: bool):
        value = self.compile_expr(st.value)
        p = st.pattern
        if type(p) is A.PName:
            s = self.ctx.declare(p.name)

            def ev(f):
                v = f[s] = value(f)
                return v
            return ev
        if type(p) is A.PWild:
            return value
        m = self.compile_pattern(p, param=True)
        span = st.span

        def ev_pat(f):
            v = value(f)
            if not m(v, f):
                raise MeshPanic("let pattern did not match", span)
            return v
        return ev_pat

    def compile_return(self, st: A.Return):
        if st.value is None:
            def ev_unit(f):
                raise ReturnSignal(None)
            return ev_unit
        value = self.compile_expr(st.value, tail=True)

        def ev(f):
            raise ReturnSignal(value(f))
        return ev

    def compile_nested_fn(self, st: A.FnDef):
        # a named fn in a block: a closure bound to its name, able to call itself
        s = self.ctx.declare(st.name)
        make = self.make_closure(st, st.name, [st], self_name=st.name)

        def ev(f):
            f[s] = make(f)
            return None
        return ev

    # ------------------------------------------------------------ expressions

    def compile_expr(self, node, tail: bool = False):
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:
            raise self.error(f"unsupported expression {type(node).__name__}", node)
        return method(node, tail)

    def c_IntLit(self, node, tail):
        v = wrap_int(node.value)
        return lambda f: v

    def c_FloatLit(self, node, tail):
        v = float(node.value)
        return lambda f: v

    def c_BoolLit(self, node, tail):
        v = node.value
        return lambda f: v

    def c_UnitLit(self, node, tail):
        return lambda f: None

    def c_AtomLit(self, node, tail):
        v = node.name
        return lambda f: v

    def c_StringLit(self, node, tail):
        parts = node.parts
        if all(isinstance(p, str) for p in parts):
            s = "".join(parts)
            return lambda f: s
        pieces = []
        for p in parts:
            if isinstance(p, str):
                if p:
                    pieces.append((True, p))
            else:
                pieces.append((False, self.compile_expr(p)))
        if len(pieces) == 1 and not pieces[0][0]:
            e = pieces[0][1]

            def ev1(f):
                v = e(f)
                return v if type(v) is str else display(v)
            return ev1
        items = tuple(pieces)

        def ev(f):
            out = []
            for is_text, p in items:
                if is_text:
                    out.append(p)
                else:
                    v = p(f)
                    out.append(v if type(v) is str else display(v))
            return "".join(out)
        return ev

    def c_Name(self, node, tail):
        name = node.name
        ctx = self.ctx
        if ctx is not None:
            s = ctx.lookup(name)
            if s is not None:
                return lambda f: f[s]
        v = self.resolve_global(name, node)
        if type(v) is Cell:
            read, span = v.read, node.span
            return lambda f: read(name, span)
        val = value_of(v, name)
        return lambda f: val

    def c_SelfRef(self, node, tail):
        s = self.ctx.lookup("self") if self.ctx else None
        if s is None:
            raise self.error("`self` is only available inside impl methods", node)
        return lambda f: f[s]

    def resolve_global(self, name: str, node):
        v = self.program.lookup(self.ns, name)
        if v is None:
            raise self.error(f"undefined variable `{name}`", node, code="E0004")
        return v

    # ---- operators

    def c_BinOp(self, node, tail):
        op = node.op
        if op == "and":
            a = self.compile_expr(node.left)
            b = self.compile_expr(node.right)
            return lambda f: a(f) and b(f)
        if op == "or":
            a = self.compile_expr(node.left)
            b = self.compile_expr(node.right)
            return lambda f: a(f) or b(f)
        if op == "..":
            a = self.compile_expr(node.left)
            b = self.compile_expr(node.right)
            return lambda f: MeshRange(a(f), b(f))
        span = node.span
        if op in _FAST_OPS:
            return self.fast_binop(op, node.left, node.right, span)
        a = self.compile_expr(node.left)
        b = self.compile_expr(node.right)
        fn = _BINOPS[op]
        if op in ("/", "%"):
            def ev_checked(f):
                try:
                    return fn(a(f), b(f))
                except MeshPanic as e:
                    raise with_span(e, span)
            return ev_checked
        return lambda f: fn(a(f), b(f))

    def operand(self, node):
        """How to fetch an operand: ("slot", index) for a local variable,
        ("const", value) for a literal, ("ev", closure) otherwise."""
        t = type(node)
        if t is A.Name and self.ctx is not None:
            s = self.ctx.lookup(node.name)
            if s is not None:
                return "slot", s
        if t is A.IntLit:
            return "const", wrap_int(node.value)
        if t is A.FloatLit:
            return "const", float(node.value)
        if t is A.StringLit and all(isinstance(p, str) for p in node.parts):
            return "const", "".join(node.parts)
        return "ev", self.compile_expr(node)

    def fast_binop(self, op, left, right, span):
        xk, xv = self.operand(left)
        yk, yv = self.operand(right)
        factory = _fast_factory(op, xk, yk)
        return factory(xv, yv, _BINOPS[op], wrap_int)

    def c_UnaryOp(self, node, tail):
        a = self.compile_expr(node.operand)
        if node.op == "not":
            return lambda f: not a(f)
        if type(node.operand) in (A.IntLit, A.FloatLit):
            v = ops.neg(node.operand.value if type(node.operand) is A.FloatLit
                        else wrap_int(node.operand.value))
            return lambda f: v
        neg = ops.neg
        return lambda f: neg(a(f))

    def c_Pipe(self, node, tail):
        right = node.right
        if type(right) is A.Call:
            return self.compile_call(A.Call(node.span, right.callee, [node.left] + right.args), tail)
        return self.compile_call(A.Call(node.span, right, [node.left]), tail)

    # ---- collections and literals

    def c_ListLit(self, node, tail):
        items = [self.compile_expr(e) for e in node.items]
        if not items:
            empty = MeshList.from_iterable(())
            return lambda f: empty
        from_iter = MeshList.from_iterable
        return lambda f: from_iter([e(f) for e in items])

    def c_MapLit(self, node, tail):
        entries = [(self.compile_expr(k), self.compile_expr(v)) for k, v in node.entries]
        from_pairs = MeshMap.from_pairs
        return lambda f: from_pairs([(k(f), v(f)) for k, v in entries])

    def c_TupleLit(self, node, tail):
        items = [self.compile_expr(e) for e in node.items]
        if len(items) == 2:
            a, b = items
            return lambda f: (a(f), b(f))
        return lambda f: tuple([e(f) for e in items])

    def c_StructLit(self, node, tail):
        st = self.program.lookup_type(self.ns, node.type_name)
        if not isinstance(st, StructType):
            raise self.error(f"unknown struct `{node.type_name}`", node, code="E0010")
        given = {}
        for fname, e in node.fields:
            if fname not in st.field_index:
                raise self.error(f"struct `{st.name}` has no field `{fname}`", node, code="E0009")
            given[fname] = self.compile_expr(e)
        missing = [fn for fn in st.fields if fn not in given]
        if missing:
            raise self.error(f"missing field `{missing[0]}` in struct `{st.name}`", node, code="E0009")
        evs = [given[fn] for fn in st.fields]
        return lambda f: Struct(st, [e(f) for e in evs])

    def c_StructUpdate(self, node, tail):
        base = self.compile_expr(node.base)
        names = tuple(name for name, _e in node.fields)
        vals = [self.compile_expr(e) for _name, e in node.fields]
        span = node.span
        update = ops.struct_update

        def ev(f):
            b = base(f)
            return update(b, names, [v(f) for v in vals], span)
        return ev

    def c_Index(self, node, tail):
        base = self.compile_expr(node.base)
        index = self.compile_expr(node.index)
        span = node.span
        at = ops.index

        def ev(f):
            b = base(f)
            return at(b, index(f), span)
        return ev

    # ---- control flow

    def c_Block(self, node, tail):
        return self.compile_block(node, tail)

    def c_If(self, node, tail):
        c = node.cond
        if type(c) is A.BinOp and c.op in _CMP_OPS:
            # `if x < k do`: the comparison is fused into the branch
            xk, xv = self.operand(c.left)
            yk, yv = self.operand(c.right)
            then = self.compile_block(node.then, tail)
            orelse = self.compile_expr(node.orelse, tail) if node.orelse is not None else None
            return _fused_if(c.op, xk, yk)(xv, yv, _BINOPS[c.op], then, orelse)
        cond = self.compile_expr(node.cond)
        then = self.compile_block(node.then, tail)
        if node.orelse is None:
            return lambda f: then(f) if cond(f) else None
        orelse = self.compile_expr(node.orelse, tail)
        return lambda f: then(f) if cond(f) else orelse(f)

    def c_Case(self, node, tail):
        scrut = self.compile_expr(node.scrutinee)
        arms = self.compile_arms(node.arms, tail)
        span = node.span
        if len(arms) == 2 and arms[0][1] is None and arms[1][1] is None:
            (m1, _, b1), (m2, _, b2) = arms

            def ev2(f):
                v = scrut(f)
                if m1(v, f):
                    return b1(f)
                if m2(v, f):
                    return b2(f)
                raise MeshPanic("non-exhaustive match", span)
            return ev2

        def ev(f):
            v = scrut(f)
            for m, g, b in arms:
                if m(v, f) and (g is None or g(f) is True):
                    return b(f)
            raise MeshPanic("non-exhaustive match", span)
        return ev

    def compile_arms(self, arms, tail):
        out = []
        ctx = self.ctx
        for arm in arms:
            ctx.push()
            try:
                m = self.compile_pattern(arm.pattern)
                g = self.compile_expr(arm.guard) if arm.guard is not None else None
                b = self.compile_expr(arm.body, tail)
            finally:
                ctx.pop()
            out.append((m, g, b))
        return tuple(out)

    def c_While(self, node, tail):
        cond = self.compile_expr(node.cond)
        self.ctx.loop_depth += 1
        try:
            body = self.compile_block(node.body)
        finally:
            self.ctx.loop_depth -= 1
        has_break = contains(node.body, (A.Break,), _loop_stop())
        has_continue = contains(node.body, (A.Continue,), _loop_stop())
        preempt = self.program.preempt_hook()
        if not (has_break or has_continue):
            def ev(f):
                while cond(f):
                    body(f)
                    preempt()
                return None
            return ev

        def ev_ctl(f):
            while cond(f):
                try:
                    body(f)
                except ContinueSignal:
                    pass
                except BreakSignal:
                    break
                preempt()
            return None
        return ev_ctl

    def c_Break(self, node, tail):
        if self.ctx is None or self.ctx.loop_depth == 0:
            raise self.error("`break` outside of a loop", node, code="E0032",
                             help="`break` can only be used inside `for` or `while`, "
                                  "and not inside a closure")

        def ev(f):
            raise BREAK
        return ev

    def c_Continue(self, node, tail):
        if self.ctx is None or self.ctx.loop_depth == 0:
            raise self.error("`continue` outside of a loop", node, code="E0033",
                             help="`continue` can only be used inside `for` or `while`, "
                                  "and not inside a closure")

        def ev(f):
            raise CONTINUE
        return ev

    def c_For(self, node, tail):
        ctx = self.ctx
        it = node.iterable
        is_range = type(it) is A.BinOp and it.op == ".."
        if is_range:
            lo = self.compile_expr(it.left)
            hi = self.compile_expr(it.right)
            src = None
        else:
            src = self.compile_expr(it)
        ctx.push()
        ctx.loop_depth += 1
        try:
            slots = [ctx.declare(n) for n in node.names]
            filt = self.compile_expr(node.filter) if node.filter is not None else None
            body = self.compile_block(node.body)
        finally:
            ctx.loop_depth -= 1
            ctx.pop()
        has_ctl = contains(node.body, (A.Break, A.Continue), _loop_stop()) or (
            node.filter is not None and contains(node.filter, (A.Break, A.Continue), _loop_stop()))
        destructure = node.destructure
        span = node.span
        program = self.program
        from_iter = MeshList.from_iterable

        def elements(f):
            if is_range:
                return range(lo(f), hi(f))
            return program.iterate(src(f), span, destructure)

        if len(slots) == 1 and not destructure:
            s0 = slots[0]

            def bind(f, x):
                f[s0] = x
        else:
            def bind(f, x):
                if type(x) is not tuple:
                    x = (x,)
                for s, v in zip(slots, x):
                    f[s] = v

        preempt = program.preempt_hook()
        if not has_ctl:
            if filt is None:
                if len(slots) == 1 and not destructure:
                    s0 = slots[0]

                    def ev_simple(f):
                        out = []
                        app = out.append
                        for x in elements(f):
                            f[s0] = x
                            app(body(f))
                            preempt()
                        return from_iter(out)
                    return ev_simple

            def ev(f):
                out = []
                for x in elements(f):
                    bind(f, x)
                    if filt is not None and filt(f) is not True:
                        continue
                    out.append(body(f))
                    preempt()
                return from_iter(out)
            return ev

        def ev_ctl(f):
            out = []
            for x in elements(f):
                bind(f, x)
                try:
                    if filt is not None and filt(f) is not True:
                        continue
                    out.append(body(f))
                except ContinueSignal:
                    pass
                except BreakSignal:
                    break
                preempt()
            return from_iter(out)
        return ev_ctl

    def c_Try(self, node, tail):
        inner = self.compile_expr(node.expr)
        convert = self.error_converter(self.ctx.ret_type if self.ctx is not None else None)
        span = node.span

        try_fail = ops.try_fail

        def ev(f):
            v = inner(f)
            if type(v) is Variant and (v.info is OK or v.info is SOME):
                return v.args[0]
            raise ReturnSignal(try_fail(v, convert, span))
        return ev

    def error_converter(self, ret):
        """For `?` in a function declared `-> T!E` (ret): convert an error of
        another type into E with the user's `impl From<X> for E`."""
        if ret is None or type(ret) is not A.TName or ret.name != "Result" or len(ret.args) != 2:
            return None
        target = ret.args[1]
        if type(target) is not A.TName:
            return None
        program, ns = self.program, self.ns

        def convert(e):
            tinfo = program.lookup_type(ns, target.name)
            if tinfo is None:
                return e
            if program.runtime_type_name(e) == tinfo.name:
                return e
            fn = tinfo.from_impls.get(program.runtime_type_name(e))
            return fn(e) if fn is not None else e
        return convert

    # ---- closures

    def c_Closure(self, node, tail):
        return self.make_closure(node, "<closure>", node.clauses)

    # ---- calls

    def c_Call(self, node, tail):
        return self.compile_call(node, tail)

    def c_Field(self, node, tail):
        static = self.static_member(node)
        if static is not None:
            v = static
            if self.program.is_stdlib_constant(v):
                const = call_value(v, ())
                return lambda f: const
            val = value_of(v, getattr(v, "name", node.name))
            return lambda f: val
        base = self.compile_expr(node.base)
        name = node.name
        span = node.span
        field = self.program.field

        def ev(f):
            return field(base(f), name, span)
        return ev

    def is_local(self, name: str) -> bool:
        return self.ctx is not None and self.ctx.lookup(name) is not None

    def static_member(self, node: A.Field, is_local=None):
        """`Module.f`, `Type.Variant`, `Svc.start`, `Type.from_json`... resolved
        at compile time when the base is a name that is not a local variable
        (is_local: how to tell, for another code generator)."""
        if is_local is None:
            is_local = self.is_local
        base = node.base
        if type(base) is A.Name:
            if is_local(base.name):
                return None
            return self.program.qualified(self.ns, base.name, node.name, node)
        if type(base) is A.Field:
            # A.B.f : nested module path
            parts = []
            b = base
            while type(b) is A.Field:
                parts.append(b.name)
                b = b.base
            if type(b) is A.Name and not is_local(b.name):
                parts.append(b.name)
                path = ".".join(reversed(parts))
                return self.program.qualified(self.ns, path, node.name, node, silent=True)
        return None

    def compile_call(self, node: A.Call, tail: bool):
        callee = node.callee
        span = node.span
        target = None
        if type(callee) is A.Name:
            if self.ctx is None or self.ctx.lookup(callee.name) is None:
                target = self.resolve_global(callee.name, callee)
        elif type(callee) is A.Field:
            target = self.static_member(callee)
            if target is None:
                args = [self.compile_expr(a) for a in node.args]
                return self.compile_method_call(callee, args, span, tail)
        if target is not None:
            target = specialise_call(self.program, node, target)
            fast = self.generated_call(target, [self.operand(a) for a in node.args], span, tail)
            if fast is not None:
                return fast
            args = [self.compile_expr(a) for a in node.args]
            return self.call_known(target, args, span, tail, callee)
        args = [self.compile_expr(a) for a in node.args]
        fn_ev = self.compile_expr(callee)
        return self.call_dynamic(fn_ev, args, span, tail)

    def generated_call(self, target, operands, span, tail):
        """Calls whose target is known at compile time, generated as one Python
        function each with the arguments inlined (a local variable is read
        straight from the frame): self tail calls, calls of known Mesh
        functions, natives and constructors. None: use call_known."""
        t = type(target)
        if t is Function:
            fn = target
            if tail and self.ctx is not None and fn is self.ctx.self_fn:
                return _generate("self_tail", operands, {})
            if tail:
                return _generate("tail", operands, {"fn": fn})
            return _generate("call", operands, {"fn": fn})
        if t is VariantInfo:
            return _generate("variant", operands, {"info": target})
        if t in (Cell, ServiceInfo, SupervisorInfo, ModuleRef) or isinstance(target, TypeInfo):
            return None
        if callable(target):
            return _generate("native", operands, {"native": target, "span": span})
        return None

    def call_known(self, target, args, span, tail, callee_node):
        """Known targets that generated_call does not handle."""
        if type(target) is Cell:
            cell = target
            return self.call_dynamic(lambda f: cell.value, args, span, tail)
        name = getattr(target, "name", None) or getattr(callee_node, "name", "?")
        raise MeshCompileError(f"`{name}` cannot be called", span)

    def call_dynamic(self, fn_ev, args, span, tail):
        if tail:
            def tev(f):
                fn = fn_ev(f)
                a = tuple([x(f) for x in args])
                if type(fn) is Function:
                    return TailCall(fn, a)
                try:
                    return call_value(fn, a)
                except MeshPanic as e:
                    raise with_span(e, span)
            return tev

        def ev(f):
            fn = fn_ev(f)
            try:
                return call_value(fn, tuple([x(f) for x in args]))
            except MeshPanic as e:
                raise with_span(e, span)
        return ev

    def compile_method_call(self, callee: A.Field, args, span, tail):
        base = self.compile_expr(callee.base)
        name = callee.name
        program = self.program

        def ev(f):
            recv = base(f)
            a = [x(f) for x in args]
            try:
                return program.call_method(recv, name, a, span)
            except MeshPanic as e:
                raise with_span(e, span)
        return ev

    # ---- concurrency forms

    def c_Spawn(self, node, tail):
        args = [self.compile_expr(a) for a in node.args]
        program = self.program
        span = node.span

        def ev(f):
            vals = [a(f) for a in args]
            try:
                return program.spawn(vals[0], tuple(vals[1:]))
            except MeshPanic as e:
                raise with_span(e, span)
        return ev

    def c_Send(self, node, tail):
        args = [self.compile_expr(a) for a in node.args]
        program = self.program
        if len(args) != 2:
            raise self.error("send takes a pid and a message", node, code="E0003")
        p, m = args
        return lambda f: program.send(p(f), m(f))

    def c_Link(self, node, tail):
        args = [self.compile_expr(a) for a in node.args]
        program = self.program
        return lambda f: program.link(args[0](f))

    def c_SelfPid(self, node, tail):
        program = self.program
        return lambda f: program.self_pid()

    def c_Receive(self, node, tail):
        arms = self.compile_arms(node.arms, tail)
        after = self.compile_expr(node.after) if node.after is not None else None
        after_body = self.compile_expr(node.after_body, tail) if node.after_body is not None else None
        program = self.program

        def ev(f):
            def match(msg):
                for i, (m, g, _b) in enumerate(arms):
                    if m(msg, f) and (g is None or g(f) is True):
                        return i
                return _NO_MATCH
            timeout = after(f) if after is not None else None
            r = program.receive(match, timeout)
            if type(r) is not int:
                return after_body(f) if after_body is not None else None
            return arms[r][2](f)
        return ev

    # ------------------------------------------------------------ patterns

    def bind_slot(self, name: str) -> int:
        if self.or_slots is not None and name in self.or_slots:
            s = self.or_slots[name]
            self.ctx.scope.names[name] = s
            return s
        return self.ctx.declare(name)

    def compile_pattern(self, p, param: bool = False):
        """Returns m(value, frame) -> bool, binding names into the frame."""
        t = type(p)
        ctx = self.ctx
        if t is A.PWild:
            return lambda v, f: True
        if t is A.PName:
            if not param:
                info = self.program.lookup_variant(self.ns, p.name)
                if info is not None and info.arity == 0:
                    return lambda v, f: type(v) is Variant and v.info is info
            s = self.bind_slot(p.name)

            def bind(v, f):
                f[s] = v
                return True
            return bind
        if t is A.PLit:
            lit = p.value
            if p.kind == "int":
                lit = wrap_int(lit)
                return lambda v, f: type(v) is int and v == lit
            if p.kind == "float":
                lit = float(lit)
            if p.kind == "nil":
                return lambda v, f: v is None
            if p.kind == "bool":
                return lambda v, f: v is lit
            return lambda v, f: v == lit
        if t is A.PTuple:
            subs = [self.compile_pattern(x) for x in p.items]
            n = len(subs)
            if n == 1:
                return subs[0]

            def mtuple(v, f):
                if type(v) is not tuple or len(v) != n:
                    return False
                for m, x in zip(subs, v):
                    if not m(x, f):
                        return False
                return True
            return mtuple
        if t is A.PConstructor:
            info = self.program.lookup_variant(self.ns, p.name, p.type_name)
            if info is None:
                raise self.error(f"unknown constructor `{p.name}`", p, code="E0004")
            if not p.args:
                return lambda v, f: type(v) is Variant and v.info is info
            subs = [self.compile_pattern(x) for x in p.args]
            if len(subs) == 1:
                s0 = subs[0]
                return lambda v, f: type(v) is Variant and v.info is info and s0(v.args[0], f)

            def mctor(v, f):
                if type(v) is not Variant or v.info is not info:
                    return False
                for m, x in zip(subs, v.args):
                    if not m(x, f):
                        return False
                return True
            return mctor
        if t is A.PCons:
            h = self.compile_pattern(p.head)
            tl = self.compile_pattern(p.tail)

            def mcons(v, f):
                if not isinstance(v, MeshList):
                    return False
                ht = v.uncons()
                if ht is None:
                    return False
                return h(ht[0], f) and tl(ht[1], f)
            return mcons
        if t is A.POr:
            before = dict(ctx.scope.names)
            first = self.compile_pattern(p.alts[0])
            bound = {n: s for n, s in ctx.scope.names.items() if before.get(n) != s}
            saved, self.or_slots = self.or_slots, bound
            try:
                alts = [first] + [self.compile_pattern(x) for x in p.alts[1:]]
            finally:
                self.or_slots = saved
            return lambda v, f: any(m(v, f) for m in alts)
        if t is A.PAs:
            inner = self.compile_pattern(p.pattern)
            s = self.bind_slot(p.name)

            def mas(v, f):
                if inner(v, f):
                    f[s] = v
                    return True
                return False
            return mas
        raise self.error(f"unsupported pattern {t.__name__}", p)


from ..runtime import NO_MATCH as _NO_MATCH, preempt as _preempt  # noqa: E402
from .values import set_preempt as _set_preempt  # noqa: E402

_set_preempt(_preempt)


SELF = object()   # returned by a self tail call after it rebound the parameters

_GEN_CACHE: dict = {}


def _generate(kind: str, operands, consts: dict):
    """Build (once per shape, cached) and instantiate a call closure."""
    srcs = []
    env = dict(consts)
    for i, (k, v) in enumerate(operands):
        if k == "slot":
            srcs.append(f"f[{v}]")
        elif k == "const":
            env[f"K{i}"] = v
            srcs.append(f"K{i}")
        else:
            env[f"A{i}"] = v
            srcs.append(f"A{i}(f)")
    tup = "(" + "".join(a + ", " for a in srcs) + ")"
    if kind == "self_tail":
        lines = []
        moves = [(i, a) for i, a in enumerate(srcs) if a != f"f[{i}]"]
        for i, a in moves:
            lines.append(f"v{i} = {a}")
        for i, _a in moves:
            lines.append(f"f[{i}] = v{i}")
        lines.append("return SELF")
    elif kind == "tail":
        lines = [f"return TailCall(fn, {tup})"]
    elif kind == "call":
        lines = ["_preempt()", f"r = fn.run({tup})", "while type(r) is TailCall:",
                 "    r = _bounce(r)", "return r"]
    elif kind == "variant":
        lines = [f"return Variant(info, {tup})"]
    else:
        lines = ["try:", f"    return native({', '.join(srcs)})", "except MeshPanic as e:",
                 "    raise with_span(e, span)"]
    params = sorted(env)
    body = "\n".join("        " + line for line in lines)
    src = f"def factory({', '.join(params)}):\n    def ev(f):\n{body}\n    return ev\n"
    fac = _GEN_CACHE.get(src)
    if fac is None:
        ns = {"SELF": SELF, "TailCall": TailCall, "Variant": Variant, "MeshPanic": MeshPanic,
              "with_span": with_span, "_bounce": _bounce, "_preempt": _preempt}
        exec(compile(src, f"<mesh {kind} call>", "exec"), ns)
        fac = _GEN_CACHE[src] = ns["factory"]
    return fac(**env)


def _positional_run(pyfn):
    def run(args):
        return pyfn(*args)
    return run


def _bounce(r):
    _preempt()
    g = r.func
    if type(g) is Function:
        return g.run(r.args)
    return call_value(g, r.args)


_FAST_OPS = frozenset(["+", "-", "*", "<", ">", "<=", ">=", "==", "!="])
_FAST_CACHE: dict = {}

_ARITH_TEMPLATE = """
def factory(X, Y, slow, wrap):
    def ev(f):
        x = {x}
        y = {y}
        if type(x) is int:
            r = x {op} y
            if -9223372036854775808 <= r <= 9223372036854775807:
                return r
            return wrap(r)
        if type(x) is float:
            return x {op} y
        return slow(x, y)
    return ev
"""

# Int, Float and String compare natively; user types go through their
# Eq/Ord impls (ops.*); `!=` on floats is ordered (NaN != NaN is false).
_CMP_TEMPLATE = """
def factory(X, Y, slow, wrap):
    def ev(f):
        x = {x}
        y = {y}
        t = type(x)
        if t is int or t is str{extra}:
            return x {op} y
        return slow(x, y)
    return ev
"""


_CMP_OPS = frozenset(["<", ">", "<=", ">=", "==", "!="])

_IF_TEMPLATE = """
def factory(X, Y, slow, THEN, ELSE):
    def ev(f):
        x = {x}
        y = {y}
        t = type(x)
        if (x {op} y) if (t is int or t is str{extra}) else slow(x, y):
            return THEN(f)
        return {orelse}
    return ev
"""


def _fused_if(op, xk, yk):
    key = ("if", op, xk, yk)
    fac = _FAST_CACHE.get(key)
    if fac is None:
        src = {"slot": "f[X]", "const": "X", "ev": "X(f)"}
        extra = "" if op == "!=" else " or t is float"
        if op in ("==", "!="):
            extra += " or t is bool"
        codes = {}
        for has_else in (True, False):
            code = _IF_TEMPLATE.format(x=src[xk], y=src[yk].replace("X", "Y"), op=op,
                                       extra=extra, orelse="ELSE(f)" if has_else else "None")
            ns: dict = {}
            exec(compile(code, f"<mesh if {op}>", "exec"), ns)
            codes[has_else] = ns["factory"]
        fac = _FAST_CACHE[key] = lambda X, Y, slow, THEN, ELSE: codes[ELSE is not None](
            X, Y, slow, THEN, ELSE)
    return fac


def _fast_factory(op, xk, yk):
    key = (op, xk, yk)
    fac = _FAST_CACHE.get(key)
    if fac is None:
        src = {"slot": "f[X]", "const": "X", "ev": "X(f)"}
        x = src[xk]
        y = src[yk].replace("X", "Y")
        if op in ("+", "-", "*"):
            code = _ARITH_TEMPLATE.format(x=x, y=y, op=op)
        else:
            extra = "" if op == "!=" else " or t is float"
            if op in ("==", "!="):
                extra += " or t is bool"
            code = _CMP_TEMPLATE.format(x=x, y=y, op=op, extra=extra)
        ns: dict = {}
        exec(compile(code, f"<mesh fast {op}>", "exec"), ns)
        fac = _FAST_CACHE[key] = ns["factory"]
    return fac


_BINOPS: dict[str, Callable] = {
    "+": ops.add, "-": ops.sub, "*": ops.mul, "/": ops.div, "%": ops.rem,
    "==": ops.eq, "!=": ops.ne, "<": ops.lt, ">": ops.gt, "<=": ops.le, ">=": ops.ge,
    "<>": ops.concat,
}
