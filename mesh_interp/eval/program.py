"""A loaded program: module namespaces, items registered and linked, stdlib
modules loaded on demand, and the run-time services the compiled code calls
(method dispatch, iteration, processes)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ..errors import MeshCompileError, MeshModuleError, MeshPanic
from ..source import SourceFile, Span
from ..syntax import ast as A
from .. import modules as M
from . import ops
from .collections import MeshList, MeshMap, MeshSet, MeshRange
from .compiler import (Cell, Compiler, ModuleRef, ServiceInfo, SupervisorInfo, call_value)
from .format import debug, display
from .values import (BUILTIN_SUM_TYPES, Function, Struct, StructType, SumType, TypeInfo,
                     Variant, VariantInfo, SOME)

DERIVABLE = ("Eq", "Ord", "Display", "Debug", "Hash", "Json", "Row", "Schema")


def stdlib_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for cand in (here.parent / "stdlib", here / "stdlib"):
        if cand.is_dir():
            return cand
    return here.parent / "stdlib"


def _stdlib_module_names() -> frozenset:
    """The stdlib modules are the files of stdlib/ (Prelude holds the
    unqualified builtins and is not a module)."""
    return frozenset(p.stem for p in stdlib_dir().glob("*.mpl") if p.stem != "Prelude")


STDLIB_MODULE_NAMES = _stdlib_module_names()


class Namespace:
    """The names of one module (user or stdlib)."""

    def __init__(self, name: str, source: Optional[SourceFile] = None, is_stdlib: bool = False):
        self.name = name
        self.source = source
        self.is_stdlib = is_stdlib
        self.values: dict[str, Any] = {}
        self.types: dict[str, TypeInfo] = {}
        self.exports: set[str] = set()
        self.qualifiers: dict[str, "Namespace"] = {}
        self.lets: list[tuple[Cell, Any, Any]] = []   # top-level lets (extension)
        self.docs: dict[str, str] = {}
        self.decls: dict[str, A.FnDef] = {}

    def __repr__(self):
        return f"<module {self.name}>"


class Clause:
    """A function clause assembled by the loader (services, actors)."""

    def __init__(self, span, params, body, guard=None):
        self.span = span
        self.params = params
        self.body = body
        self.guard = guard


def snake_case(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Program:
    def __init__(self):
        self.modules: dict[str, Namespace] = {}        # user modules by name
        self.order: list[str] = []
        self.stdlib_modules: dict[str, Namespace] = {}
        self.builtin_types: dict[str, TypeInfo] = {
            n: TypeInfo(n) for n in ("Int", "Float", "String", "Bool", "List", "Map", "Set",
                                     "Tuple", "Range", "Unit", "Atom", "Pid")}
        for n, t in BUILTIN_SUM_TYPES.items():
            self.builtin_types[n] = t
        self.builtin_values: dict[str, Any] = {}
        for t in BUILTIN_SUM_TYPES.values():
            for v in t.variants:
                self.builtin_values[v.name] = v
        self.interfaces: dict[str, tuple[A.InterfaceDef, Namespace]] = {}
        self.trait_functions: dict[str, Any] = {}
        self.terminate_hooks: dict[int, Any] = {}
        self._runtime = None
        self._prelude: Optional[Namespace] = None
        self._noop = lambda: None

    # ------------------------------------------------------------ loading

    def load_project(self, sources: dict[str, M.ModuleSource]):
        self.order = M.load_order(sources)
        for name in self.order:
            src = sources[name]
            ns = Namespace(name, src.source)
            self.modules[name] = ns
            self.register_items(ns, src.ast.items, compile_now=True)

    def stdlib(self, name: str) -> Optional[Namespace]:
        ns = self.stdlib_modules.get(name)
        if ns is not None:
            return ns
        path = stdlib_dir() / f"{name}.mpl"
        if not path.is_file():
            return None
        from ..syntax import parse
        source = SourceFile(str(path), path.read_text(encoding="utf-8"))
        module = parse(source)
        ns = Namespace(name, source, is_stdlib=True)
        self.stdlib_modules[name] = ns
        self.register_items(ns, module.items, compile_now=False)
        return ns

    def prelude(self) -> Namespace:
        if self._prelude is None:
            self._prelude = self.stdlib("Prelude") or Namespace("Prelude", is_stdlib=True)
        return self._prelude

    # ------------------------------------------------------------ registration

    def register_items(self, ns: Namespace, items: list, compile_now: bool):
        compiler = Compiler(self, ns)
        pending: list = []
        i = 0
        n = len(items)
        while i < n:
            item = items[i]
            t = type(item)
            if t is A.FnDef:
                group = [item]
                j = i + 1
                while (j < n and type(items[j]) is A.FnDef and items[j].name == item.name
                       and len(items[j].params) == len(item.params)):
                    group.append(items[j])
                    j += 1
                self.register_fn(ns, compiler, group, pending)
                i = j
                continue
            if t is A.StructDef:
                self.register_struct(ns, item)
            elif t is A.SumTypeDef:
                self.register_sum(ns, item)
            elif t is A.InterfaceDef:
                self.interfaces[item.name] = (item, ns)
            elif t is A.ImplDef:
                self.register_impl(ns, compiler, item, pending)
            elif t is A.ActorDef:
                self.register_actor(ns, compiler, item, pending)
            elif t is A.ServiceDef:
                self.register_service(ns, compiler, item, pending)
            elif t is A.SupervisorDef:
                self.register_supervisor(ns, compiler, item)
            elif t is A.Import:
                self.do_import(ns, item)
            elif t is A.FromImport:
                self.do_from_import(ns, item)
            elif t is A.Let:
                self.register_let(ns, compiler, item)
            # type aliases, inline modules and bare expressions: nothing at run time
            i += 1
        if compile_now:
            for thunk in pending:
                thunk()

    def lazy_function(self, name: str, arity: int, compile_run) -> Function:
        """A Function whose body is compiled on its first call (or by `pending`)."""
        fn = Function(name, arity, None)

        def first_run(args):
            force()
            return fn.run(args)

        def first_py(*args):
            force()
            return fn.py(*args)
        fn.run = first_run
        fn.py = first_py

        def force():
            if fn.run is first_run:
                fn.run = run = compile_run(fn)
                if fn.py is first_py:     # not generated: call the closure body
                    fn.py = lambda *args: run(args)
        return fn, force

    def register_fn(self, ns, compiler, group: list[A.FnDef], pending):
        first = group[0]
        name = first.name
        if first.body is None and ns.is_stdlib:
            from ..natives import load_native
            try:
                native = load_native(ns.name, name)
            except LookupError:
                native = _missing_native(ns.name, name)
            ns.values[name] = native
            ns.exports.add(name)
            ns.decls[name] = first
            return
        if first.body is None:
            raise MeshCompileError(f"function `{name}` has no body", first.span)

        def compile_run(fn):
            factory, _caps, _arity = compiler.compile_function(name, group, ret_type=first.ret,
                                                               self_fn=fn)
            return factory(None)
        fn, force = self.lazy_function(name, len(first.params), compile_run)
        ns.values[name] = fn
        ns.decls[name] = first
        if first.is_pub or ns.is_stdlib:
            ns.exports.add(name)
        pending.append(force)

    def register_struct(self, ns, item: A.StructDef):
        st = StructType(item.name, [f.name for f in item.fields], ns.name, tuple(item.generics),
                        [f.type for f in item.fields])
        st.orm = item.orm
        self.apply_derives(st, item.derives, is_struct=True)
        ns.types[item.name] = st
        if item.is_pub:
            ns.exports.add(item.name)
        self.derived_statics(st)

    def register_sum(self, ns, item: A.SumTypeDef):
        st = SumType(item.name, ns.name, tuple(item.generics))
        for v in item.variants:
            names = [f.name for f in v.fields]
            st.add_variant(v.name, len(v.fields), names if any(names) else None,
                           [f.type for f in v.fields])
        self.apply_derives(st, item.derives, is_struct=False)
        ns.types[item.name] = st
        for v in st.variants:
            ns.values[v.name] = v
        if item.is_pub:
            ns.exports.add(item.name)
        self.derived_statics(st)

    def apply_derives(self, t: TypeInfo, derives, is_struct: bool):
        t.derives = derives
        if derives is None:
            t.traits = {"Debug", "Eq", "Ord", "Hash"} if is_struct else {"Debug", "Eq", "Ord"}
        else:
            t.traits = set(derives)

    def derived_statics(self, t: TypeInfo):
        """Static functions a derive provides (`T.from_json`, `T.from_row`, ...)."""
        try:
            from ..natives import derived
        except ImportError:
            return
        derived.install(self, t)

    def resolve_impl_type(self, ns, name: str) -> Optional[TypeInfo]:
        t = self.lookup_type(ns, name)
        if t is None:
            t = self.builtin_types.get(name.split(".")[-1])
        return t

    def register_impl(self, ns, compiler, item: A.ImplDef, pending):
        tinfo = self.resolve_impl_type(ns, item.for_type)
        if tinfo is None:
            raise MeshCompileError(f"unknown type `{item.for_type}` in impl", item.span, code="E0010")
        trait = item.trait.split(".")[-1]
        tinfo.traits.add(trait)
        defined = set()
        for m in item.methods:
            defined.add(m.name)
            self.install_method(ns, compiler, tinfo, trait, item, m, pending)
        iface = self.interfaces.get(trait)
        if iface is not None:
            idef, ins = iface
            icomp = Compiler(self, ins)
            for m in idef.methods:
                if m.body is not None and m.name not in defined:
                    self.install_method(ins, icomp, tinfo, trait, item, m, pending)

    def install_method(self, ns, compiler, tinfo, trait, item, m: A.FnDef, pending):
        group = [m]

        def compile_run(fn):
            factory, _c, _a = compiler.compile_function(f"{tinfo.name}.{m.name}", group, ret_type=m.ret)
            return factory(None)
        fn, force = self.lazy_function(m.name, len(m.params), compile_run)
        pending.append(force)
        has_self = bool(m.params) and type(m.params[0].pattern) is A.PName and \
            m.params[0].pattern.name == "self"
        if has_self:
            tinfo.methods[m.name] = fn
            self.register_trait_function(m.name)
        else:
            tinfo.statics[m.name] = fn
            if trait == "From" and item.trait_args:
                src = item.trait_args[0]
                src_name = src.name if type(src) is A.TName else "Tuple"
                tinfo.from_impls[src_name.split(".")[-1]] = fn
                src_info = self.resolve_impl_type(ns, src_name)
                if src_info is not None:
                    src_info.methods["into"] = fn

    def register_trait_function(self, name: str):
        """Trait methods are callable as plain functions: `describe(x)`."""
        if name in self.trait_functions:
            return
        program = self

        def dispatch(recv, *args):
            return program.call_method(recv, name, list(args), None)
        self.trait_functions[name] = dispatch

    def register_actor(self, ns, compiler, item: A.ActorDef, pending):
        clause = Clause(item.span, item.params, item.body)

        def compile_run(fn):
            factory, _c, _a = compiler.compile_function(item.name, [clause], self_fn=fn)
            return factory(None)
        fn, force = self.lazy_function(item.name, len(item.params), compile_run)
        pending.append(force)
        ns.values[item.name] = fn
        ns.exports.add(item.name)
        if item.terminate is not None:
            tclause = Clause(item.terminate.span, [], item.terminate)

            def compile_term(fn):
                factory, _c, _a = compiler.compile_function(item.name + ".terminate", [tclause])
                return factory(None)
            tfn, tforce = self.lazy_function(item.name + ".terminate", 0, compile_term)
            pending.append(tforce)
            self.terminate_hooks[id(fn)] = tfn

    def register_service(self, ns, compiler, item: A.ServiceDef, pending):
        info = ServiceInfo(item.name)
        init = item.init
        if init is not None:
            def compile_init(fn):
                factory, _c, _a = compiler.compile_function(item.name + ".init", [init], ret_type=init.ret)
                return factory(None)
            init_fn, f1 = self.lazy_function(item.name + ".init", len(init.params), compile_init)
            pending.append(f1)
        else:
            init_fn = Function(item.name + ".init", 0, lambda args: None)
        handlers = {}
        program = self
        for h in item.handlers:
            state_param = A.Param(h.span, A.PName(h.span, h.state_name) if h.state_name
                                  else A.PWild(h.span))
            clause = Clause(h.span, [state_param] + list(h.params), h.body)

            def compile_handler(fn, clause=clause, h=h):
                factory, _c, _a = compiler.compile_function(f"{item.name}.{h.name}", [clause])
                return factory(None)
            hfn, force = self.lazy_function(f"{item.name}.{h.name}", len(clause.params), compile_handler)
            pending.append(force)
            sname = snake_case(h.name)
            handlers[sname] = (h.kind, hfn)
            if h.kind == "call":
                def call(pid, *args, _n=sname):
                    return program.runtime().service_call(pid, _n, args)
                info.members[sname] = call
            else:
                def cast(pid, *args, _n=sname):
                    return program.runtime().service_cast(pid, _n, args)
                info.members[sname] = cast

        def start(*args):
            return program.runtime().start_service(init_fn, args, handlers)
        info.members["start"] = start
        ns.values[item.name] = info
        ns.exports.add(item.name)

    def register_supervisor(self, ns, compiler, item: A.SupervisorDef):
        children = []
        for c in item.children:
            start_ev = None
            if c.start is not None:
                start_ev = compiler.compile_expr(c.start)
            children.append((c, start_ev))

        def spec():
            out = []
            for c, start_ev in children:
                start_val = start_ev([]) if start_ev is not None else None

                def start_fn(v=start_val):
                    return call_value(v, ()) if v is not None else None
                out.append((c.name, start_fn, c.restart or "permanent",
                            c.shutdown if c.shutdown is not None else 5000))
            return {"strategy": item.strategy or "one_for_one",
                    "max_restarts": item.max_restarts if item.max_restarts is not None else 3,
                    "max_seconds": item.max_seconds if item.max_seconds is not None else 5,
                    "children": out}
        ns.values[item.name] = SupervisorInfo(item.name, spec)

    def register_let(self, ns, compiler, item: A.Let):
        # Extension: upstream never runs top-level lets; we evaluate them before main.
        if type(item.pattern) is not A.PName:
            return
        cell = Cell()
        ns.values[item.pattern.name] = cell
        ns.lets.append((cell, compiler, item.value))

    def run_module_lets(self):
        for name in self.order:
            ns = self.modules[name]
            for cell, compiler, expr in ns.lets:
                # compiled as the body of a nullary function: it gets a frame
                factory, _c, _a = compiler.compile_function(
                    "<top-level let>", [Clause(expr.span, [], expr)])
                cell.value = call_value(Function("<top-level let>", 0, factory(None)), ())
                cell.ready = True

    # ------------------------------------------------------------ imports

    def do_import(self, ns, item: A.Import):
        path = ".".join(item.path)
        target = self.modules.get(path)
        if target is None:
            if item.path[-1] in STDLIB_MODULE_NAMES or path in STDLIB_MODULE_NAMES:
                return
            raise MeshModuleError(f"module `{path}` not found", item.span, code="E0031")
        ns.qualifiers[item.path[-1]] = target
        self.bind_public_types(ns, target)

    def bind_public_types(self, ns, target: Namespace):
        for tname, t in target.types.items():
            if tname in target.exports:
                ns.types[tname] = t
                if isinstance(t, SumType):
                    for v in t.variants:
                        ns.values[v.name] = v

    def do_from_import(self, ns, item: A.FromImport):
        path = ".".join(item.path)
        target = self.modules.get(path)
        if target is None:
            first = item.path[0]
            if first in STDLIB_MODULE_NAMES:
                std = self.stdlib(first)
                for n in item.names:
                    v = std.values.get(n) if std is not None else None
                    if v is None:
                        raise MeshModuleError(f"`{n}` is not exported by module `{path}`",
                                              item.span, code="E0034")
                    ns.values[n] = v
                    ns.values[f"{first.lower()}_{n}"] = v
                return
            raise MeshModuleError(f"module `{path}` not found", item.span, code="E0031")
        self.bind_public_types(ns, target)
        for n in item.names:
            if n in target.types:
                if n not in target.exports:
                    raise MeshModuleError(f"`{n}` is private in module `{path}`", item.span,
                                          code="E0035", help="add `pub` to make it accessible")
                t = target.types[n]
                ns.types[n] = t
                if isinstance(t, SumType):
                    for v in t.variants:
                        ns.values[v.name] = v
                continue
            v = target.values.get(n)
            if v is None:
                avail = ", ".join(sorted(target.exports))
                raise MeshModuleError(f"`{n}` is not exported by module `{path}`", item.span,
                                      code="E0034", help=f"available: {avail}" if avail else None)
            if n not in target.exports:
                raise MeshModuleError(f"`{n}` is private in module `{path}`", item.span,
                                      code="E0035", help="add `pub` to make it accessible")
            ns.values[n] = v

    # ------------------------------------------------------------ name resolution

    def lookup(self, ns: Namespace, name: str):
        v = ns.values.get(name)
        if v is not None:
            return v
        v = self.builtin_values.get(name)
        if v is not None:
            return v
        v = self.trait_functions.get(name)
        if v is not None:
            return v
        p = self.prelude()
        if p is not ns:
            v = p.values.get(name)
            if v is not None:
                return v
        return None

    def lookup_type(self, ns: Namespace, name: str) -> Optional[TypeInfo]:
        t = ns.types.get(name)
        if t is not None:
            return t
        if "." in name:
            head, _, last = name.rpartition(".")
            q = ns.qualifiers.get(head.split(".")[-1])
            if q is not None and last in q.types:
                return q.types[last]
            return ns.types.get(last) or self.builtin_types.get(last)
        return self.builtin_types.get(name)

    def lookup_variant(self, ns: Namespace, name: str, type_name: Optional[str] = None):
        if type_name is not None:
            t = self.lookup_type(ns, type_name)
            if isinstance(t, SumType):
                return t.variant_by_name.get(name)
            return None
        v = ns.values.get(name)
        if type(v) is VariantInfo:
            return v
        v = self.builtin_values.get(name)
        if type(v) is VariantInfo:
            return v
        return None

    def qualified(self, ns: Namespace, base: str, member: str, node, silent: bool = False):
        """Resolve `Base.member` statically, or None when Base is a value."""
        v = ns.values.get(base)
        if isinstance(v, ServiceInfo):
            m = v.members.get(member)
            if m is None:
                raise MeshCompileError(f"service `{base}` has no function `{member}`", node.span,
                                       code="E0030")
            return m
        if v is not None and not isinstance(v, (ModuleRef,)):
            return None   # a value (function, cell...): dynamic access
        q = ns.qualifiers.get(base)
        if q is not None:
            if member in q.values and member in q.exports:
                return q.values[member]
            if member in q.values:
                raise MeshCompileError(f"`{member}` is private in module `{q.name}`", node.span,
                                       code="E0004", help="add `pub` to make it accessible")
            for t in q.types.values():
                if isinstance(t, SumType) and member in t.variant_by_name:
                    return t.variant_by_name[member]
            raise MeshCompileError(f"module `{q.name}` has no function `{member}`", node.span,
                                   code="E0030")
        t = self.lookup_type(ns, base)
        if t is not None and (base in ns.types or base in BUILTIN_SUM_TYPES):
            if isinstance(t, SumType) and member in t.variant_by_name:
                return t.variant_by_name[member]
            s = t.statics.get(member)
            if s is not None:
                return s
            if member in t.methods:
                return t.methods[member]
        if base in STDLIB_MODULE_NAMES:
            std = self.stdlib(base)
            if std is not None:
                fn = std.values.get(member)
                if fn is None:
                    fn = std.values.get(member + "_")   # keyword names: Node.self -> self_
                if fn is not None:
                    return fn
            bt = self.builtin_types.get(base)
            if bt is not None:
                s = bt.statics.get(member) or bt.methods.get(member)
                if s is not None:
                    return s
            raise MeshCompileError(f"module `{base}` has no function `{member}`", node.span,
                                   code="E0030")
        if t is not None and base in ns.types:
            raise MeshCompileError(f"type `{base}` has no function `{member}`", node.span,
                                   code="E0030")
        if silent:
            return None
        if base[:1].isupper() and self.lookup(ns, base) is None:
            raise MeshCompileError(f"undefined variable `{base}`", node.span, code="E0004")
        return None

    def is_stdlib_constant(self, v) -> bool:
        """`Math.pi`: a zero-parameter stdlib function named without a call."""
        for ns in self.stdlib_modules.values():
            for name, decl in ns.decls.items():
                if ns.values.get(name) is v:
                    return not decl.params and decl.ret is not None and name.islower() \
                        and "constant" in (decl.doc or "").lower()
        return False

    # ------------------------------------------------------------ dynamic dispatch

    def type_info_of(self, v) -> Optional[TypeInfo]:
        t = type(v)
        if t is Struct:
            return v.type
        if t is Variant:
            return v.info.type
        name = _PY_TYPE_NAMES.get(t)
        if name is not None:
            return self.builtin_types.get(name)
        return None

    def runtime_type_name(self, v) -> str:
        info = self.type_info_of(v)
        if info is not None:
            return info.name
        return ops.type_name(v)

    def call_method(self, recv, name: str, args: list, span):
        t = type(recv)
        if t is Struct:
            i = recv.type.field_index.get(name)
            if i is not None:
                return call_value(recv.values[i], tuple(args))
        info = self.type_info_of(recv)
        if info is not None:
            m = info.methods.get(name)
            if m is not None:
                return call_value(m, (recv, *args))
        modname = _PY_TYPE_MODULES.get(t)
        if modname is not None:
            std = self.stdlib(modname)
            if std is not None:
                fn = std.values.get(name)
                if fn is not None:
                    return call_value(fn, (recv, *args))
        generic = _GENERIC_METHODS.get(name)
        if generic is not None:
            return generic(recv, *args)
        raise MeshPanic(f"no method `{name}` on type {self.runtime_type_name(recv)}", span)

    def field(self, b, name: str, span):
        """`b.name` where b is a value (not a module or type)."""
        if type(b) is Struct:
            i = b.type.field_index.get(name)
            if i is not None:
                return b.values[i]
        return self.method_value(b, name, span)

    def method_value(self, recv, name: str, span):
        raise MeshPanic(f"type {self.runtime_type_name(recv)} has no field `{name}`", span)

    def iterate(self, v, span, destructure: bool = True):
        t = type(v)
        if t is MeshMap:
            return v.items() if destructure else v.keys()
        if t is MeshList or t is MeshSet or t is MeshRange or t is range:
            return v
        info = self.type_info_of(v)
        if info is not None:
            it = info.methods.get("iter")
            if it is not None:
                return self.iterate(call_value(it, (v,)), span)
            nxt = info.methods.get("next")
            if nxt is not None:
                return _user_iterator(v, nxt)
        if hasattr(v, "__iter__"):
            return v
        raise MeshPanic(f"cannot iterate over a value of type {self.runtime_type_name(v)}", span)

    # ------------------------------------------------------------ processes

    def runtime(self):
        if self._runtime is None:
            from .. import runtime as rt
            self._runtime = rt
        return self._runtime

    def preempt_hook(self):
        try:
            from ..runtime import preempt
        except ImportError:
            return self._noop
        return preempt

    def spawn(self, target, args: tuple):
        rt = self.runtime()
        if isinstance(target, SupervisorInfo):
            return rt.start_supervisor(target.spec_fn())
        hook = self.terminate_hooks.get(id(target))
        if hook is not None:
            return rt.spawn(target, args, on_exit=lambda: call_value(hook, ()))
        return rt.spawn(target, args)

    def send(self, pid, msg):
        self.runtime().send(pid, msg)
        return None

    def link(self, pid):
        self.runtime().link(pid)
        return None

    def self_pid(self):
        return self.runtime().self_pid()

    def receive(self, match, timeout):
        rt = self.runtime()
        return rt.receive(match, timeout)

    # ------------------------------------------------------------ entry

    def main_function(self) -> Function:
        ns = self.modules.get("Main")
        fn = ns.values.get("main") if ns is not None else None
        if type(fn) is not Function:
            where = Path(ns.source.path).name if ns is not None and ns.source else "main.mpl"
            span = Span(ns.source, 0, 0) if ns is not None and ns.source else None
            raise MeshCompileError(f"no `main` function found in {where}", span,
                                   help="define `fn main() do ... end`")
        return fn


def _user_iterator(it, nxt):
    while True:
        r = call_value(nxt, (it,))
        if type(r) is Variant and r.info is SOME:
            yield r.args[0]
        else:
            return


def _missing_native(module: str, name: str):
    def missing(*args):
        raise MeshPanic(f"`{module}.{name}` is not implemented yet")
    return missing


def _to_json(v):
    from ..natives import json as J
    return J.encode(v)


def _hash(v):
    from ..natives.prelude import hash_value
    return hash_value(v)


_GENERIC_METHODS = {
    "to_string": display,
    "inspect": debug,
    "eq": ops.eq,
    "lt": ops.lt,
    "compare": ops.compare,
    "hash": _hash,
    "to_json": _to_json,
}

_PY_TYPE_NAMES = {int: "Int", float: "Float", str: "String", bool: "Bool",
                  MeshList: "List", MeshMap: "Map", MeshSet: "Set", MeshRange: "Range",
                  tuple: "Tuple"}
_PY_TYPE_MODULES = {str: "String", MeshList: "List", MeshMap: "Map", MeshSet: "Set",
                    MeshRange: "Range", int: "Int", float: "Float"}
