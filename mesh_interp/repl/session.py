"""The evaluation state of a REPL session, and the thread it runs in.

One long-lived evaluation thread (with a big stack, like `mesh run`) runs
the process runtime: its main Mesh process is the session's job loop. The
prompt thread hands it jobs (evaluate this input, type that expression, load
that file) and waits for the answer. Between jobs the main process waits on
the runtime's asyncio hub, so actors and services started by one input keep
running — and answering calls — while the user types the next one.

Definitions live in one persistent `Namespace("Main")`, fed to the existing
`Program.register_items`; `let` bindings become Cells in that namespace;
expressions are compiled as zero-argument functions with the module's
Compiler. The type checker sees the session's accumulated definitions plus
the new input (each expression wrapped in a `fn __repl_N() do … end`, as the
reference REPL does) and gives the result types; when it cannot, a type is
inferred from the run-time value.

Ctrl-C: `interrupt()` (any thread) asks the hub to kill the main process
with a private exit reason; the resulting ProcessExit unwinds the running
input wherever it is (a busy loop yields to the hub every few thousand
reductions; a blocked receive or service call is woken). As a last resort,
if the input does not yield (a long native call), an asynchronous exception
is raised in the evaluation thread.
"""
from __future__ import annotations

import ctypes
import queue
import sys
import threading
import traceback
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import MeshError, MeshPanic, MeshParseError, MeshTypeError, MeshWarning
from ..source import SourceFile
from ..syntax import ast as A
from . import types_view as TV

STACK_BYTES = 1024 * 1024 * 1024
RECURSION_LIMIT = 400_000
REPL_FILE = "<repl>"

# Item kinds that define something and persist for the session.
DEF_TYPES = (A.FnDef, A.StructDef, A.SumTypeDef, A.TypeAlias, A.InterfaceDef, A.ImplDef,
             A.ActorDef, A.ServiceDef, A.SupervisorDef, A.ModuleDef, A.Import, A.FromImport)


class Interrupted(KeyboardInterrupt):
    """Raised asynchronously in the evaluation thread (last-resort Ctrl-C)."""


@dataclass
class Output:
    """One line of a result: kind is value | binding | defined | info | error | warning."""
    kind: str
    text: str = ""
    type: Optional[str] = None
    error: Optional[MeshError] = None


@dataclass
class _Job:
    fn: Callable[[], Any]
    future: Future = field(default_factory=Future)
    cancelled: bool = False


_STOP = object()
_EXIT = object()


# ---------------------------------------------------------------- AST helpers

def pattern_names(p, out=None) -> list:
    out = [] if out is None else out
    t = type(p)
    if t is A.PName:
        if not p.name[:1].isupper():
            out.append(p.name)
    elif t is A.PTuple:
        for x in p.items:
            pattern_names(x, out)
    elif t is A.PConstructor:
        for x in p.args or ():
            pattern_names(x, out)
    elif t is A.PCons:
        pattern_names(p.head, out)
        pattern_names(p.tail, out)
    elif t is A.POr:
        if p.alts:
            pattern_names(p.alts[0], out)
    elif t is A.PAs:
        pattern_names(p.pattern, out)
        out.append(p.name)
    return out


def defined_names(item) -> list[str]:
    """The names an item (re)defines in the session."""
    t = type(item)
    if t in (A.FnDef, A.StructDef, A.SumTypeDef, A.TypeAlias, A.InterfaceDef, A.ActorDef,
             A.ServiceDef, A.SupervisorDef, A.ModuleDef):
        return [item.name]
    if t is A.Let:
        return pattern_names(item.pattern)
    return []


def item_key(item):
    """Identity of a definition for replacement: same key = same definition."""
    t = type(item)
    if t is A.ImplDef:
        return ("impl", item.trait, item.for_type)
    if t is A.Import:
        return ("import", tuple(item.path))
    if t is A.FromImport:
        return ("from", tuple(item.path), tuple(item.names))
    return None


def is_catch_all(clause: A.FnDef) -> bool:
    return clause.guard is None and all(type(p.pattern) in (A.PName, A.PWild)
                                        for p in clause.params)


def src_text(node) -> str:
    s = node.span
    return s.file.text[s.start:s.end]


def _wrap(expr, name: str) -> A.FnDef:
    sp = expr.span
    return A.FnDef(sp, name, [], None, body=A.Block(sp, [expr]))


# ---------------------------------------------------------------- the session

class Session:
    """The REPL's state. Public methods may be called from any thread; those
    that evaluate run on the evaluation thread and block until done."""

    def __init__(self, typecheck: Optional[bool] = None):
        import os
        if typecheck is None:
            typecheck = os.environ.get("MESH_REPL_TYPECHECK", "1") not in ("0", "false", "")
        self.typecheck = typecheck
        self._jobs: "queue.Queue" = queue.Queue()
        self._thread: Optional[threading.Thread] = None
        self._loop = None
        self._wait_future = None
        self._running: Optional[_Job] = None
        self._main_proc = None
        self._interrupt_reason = None
        self._counter = 0
        self.last_load: Optional[str] = None
        self.exit_code: Optional[int] = None
        self._new_program()

    # ------------------------------------------------------------ state

    def _new_program(self):
        from ..eval.program import Namespace, Program
        self.program = Program()
        self.ns = Namespace("Main", SourceFile(REPL_FILE, ""))
        self.program.modules["Main"] = self.ns
        self.program.order = ["Main"]
        self.items: list = []            # accepted definitions and lets (for the checker)
        self.module_asts: list = []      # [(name, ast.Module)] of loaded project modules
        self._last_fn_input: Optional[list] = None   # clauses of the previous fn-only input
        self.types: dict[str, str] = {}  # name -> type text of definitions and lets

    # ------------------------------------------------------------ the evaluation thread

    def start(self):
        if self._thread is not None:
            return self
        started = threading.Event()

        def target():
            sys.setrecursionlimit(RECURSION_LIMIT)
            from .. import runtime as rt
            try:
                self.exit_code = rt.run_main(self._main, (started,))
            finally:
                started.set()
                self._fail_pending()

        old = threading.stack_size()
        try:
            threading.stack_size(STACK_BYTES)
        except (ValueError, RuntimeError):
            pass
        try:
            self._thread = threading.Thread(target=target, name="mesh-repl", daemon=True)
            self._thread.start()
        finally:
            threading.stack_size(old)
        started.wait()
        return self

    def _fail_pending(self):
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if isinstance(job, _Job) and not job.future.done():
                job.future.set_exception(RuntimeError("the REPL session has ended"))

    def _main(self, started: threading.Event):
        """The main Mesh process: run jobs until told to stop."""
        from .. import runtime as rt
        from ..runtime import scheduler as S
        self._loop = rt.loop()                       # start the hub now
        self._main_proc = rt.current()
        self._interrupt_reason = S.Crash("interrupted")
        rt.set_panic_reporter(None)
        started.set()
        while True:
            job = self._next_job()
            if job is _STOP:
                return
            if job is _EXIT:
                from ..errors import MeshExit
                raise MeshExit(0)
            self._running = job
            if job.cancelled:             # Ctrl-C before it started
                self._running = None
                job.future.set_exception(Interrupted())
                continue
            try:
                result = job.fn()
            except S.ProcessExit as e:
                self._clear_kill()
                job.future.set_exception(RuntimeError(f"interrupted ({S.reason_text(e.reason)})"))
            except BaseException as e:   # noqa: BLE001 - delivered to the waiting thread
                from ..errors import MeshExit
                if isinstance(e, MeshExit):
                    job.future.set_exception(e)
                    raise
                if isinstance(e, (S._Shutdown,)) or type(e).__name__ == "GreenletExit":
                    job.future.set_exception(RuntimeError("the REPL session has ended"))
                    raise
                job.future.set_exception(e)
            else:
                job.future.set_result(result)
            finally:
                self._running = None

    def _next_job(self):
        from .. import runtime as rt
        from ..runtime import scheduler as S
        while True:
            try:
                return self._jobs.get_nowait()
            except queue.Empty:
                pass
            fut = self._loop.create_future()
            self._wait_future = fut

            async def wait():
                return await fut
            try:
                rt.await_coroutine(wait())
            except S.ProcessExit as e:
                # an exit signal from a linked process: the session survives it
                self._clear_kill()
                if e.reason is not self._interrupt_reason:
                    sys.stderr.write(f"** the REPL process received an exit signal: "
                                     f"{S.reason_text(e.reason)}\n")
                    sys.stderr.flush()
            except BaseException as e:
                if type(e).__name__ == "CancelledError":
                    continue
                raise
            finally:
                self._wait_future = None

    def _wake(self):
        fut = self._wait_future
        if fut is not None and not fut.done():
            fut.set_result(None)

    def _clear_kill(self):
        p = self._main_proc
        if p is not None:
            p.kill = None

    def submit(self, fn: Callable[[], Any]) -> Future:
        return self._submit(fn).future

    def _submit(self, fn: Callable[[], Any]) -> _Job:
        if self._thread is None:
            self.start()
        job = _Job(fn)
        if not self._thread.is_alive():
            job.future.set_exception(RuntimeError("the REPL session has ended"))
            return job
        self._jobs.put(job)
        loop = self._loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._wake)
            except RuntimeError:
                pass
        return job

    def call(self, fn: Callable[[], Any], on_interrupt: Optional[Callable[[], None]] = None):
        """Run fn on the evaluation thread and wait for it. Ctrl-C while
        waiting interrupts the evaluation (and keeps waiting for it to stop)."""
        job = self._submit(fn)
        fut = job.future
        while True:
            try:
                return fut.result(timeout=0.05)
            except KeyboardInterrupt:
                if fut.done():
                    raise                # interrupted before it started
                self.interrupt(job)
                if on_interrupt is not None:
                    on_interrupt()
            except TimeoutError:
                continue

    def interrupt(self, job: Optional[_Job] = None) -> bool:
        """Stop the input being evaluated (from any thread), or `job` whether
        it has started yet or not. True if there was one."""
        if job is not None:
            job.cancelled = True
        else:
            job = self._running
        loop = self._loop
        if job is None or loop is None:
            return False
        try:
            loop.call_soon_threadsafe(self._interrupt_on_hub, job)
        except RuntimeError:
            return False
        # last resort: an input that never yields to the hub (a long native call)
        t = threading.Timer(1.5, self._interrupt_async, (job,))
        t.daemon = True
        t.start()
        return True

    def _interrupt_on_hub(self, job):
        from ..runtime import scheduler as S
        main = self._main_proc
        if self._running is not job or main is None or not main.alive:
            return
        if main.kill is None:
            S._kill(main, self._interrupt_reason)

    def _interrupt_async(self, job):
        from ..runtime import scheduler as S
        if self._running is not job or self._thread is None:
            return
        if S._st.current is not self._main_proc:
            return
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread.ident),
                                                    ctypes.py_object(Interrupted))

    def close(self, wait_for_processes: bool = False, timeout: float = 5.0):
        """End the session. wait_for_processes: let running processes finish
        (as at the end of `mesh run`); otherwise stop them at once."""
        t = self._thread
        if t is None or not t.is_alive():
            return
        self._jobs.put(_STOP if wait_for_processes else _EXIT)
        if self._loop is not None:
            try:
                self._loop.call_soon_threadsafe(self._wake)
            except RuntimeError:
                pass
        t.join(None if wait_for_processes else timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------ public operations

    def evaluate(self, text: str) -> list[Output]:
        return self.call(lambda: self._evaluate_text(text))

    def type_of(self, text: str) -> list[Output]:
        return self.call(lambda: self._type_of(text))

    def load(self, path: str) -> list[Output]:
        return self.call(lambda: self._load(path))

    def reload(self) -> list[Output]:
        if self.last_load is None:
            return [Output("error", "nothing to reload: use :load FILE first")]
        return self.load(self.last_load)

    def reset(self) -> list[Output]:
        return self.call(self._reset)

    def warm_up(self) -> Future:
        """Parse the stdlib for the checker in the background (first use is slow)."""
        def warm():
            try:
                from ..types import load_stdlib
                load_stdlib()
            except Exception:
                pass
            for name in ("Prelude",):
                self.program.stdlib(name)
        return self.submit(warm)

    # ------------------------------------------------------------ evaluation (eval thread)

    def _evaluate_text(self, text: str, path: str = REPL_FILE) -> list[Output]:
        src = SourceFile(path, text)
        try:
            from ..syntax.parser import parse
            module = parse(src)
        except MeshError as e:
            return [Output("error", error=e)]
        return self._run_items(module.items, src)

    def _run_items(self, items: list, src: SourceFile, quiet: bool = False) -> list[Output]:
        out: list[Output] = []
        if not items:
            return out
        items = self._merge_clauses(items)
        # ---- type check
        wrappers: dict[int, A.FnDef] = {}
        result = None
        if self._checker_available():
            result, errors, warnings = self._check(items, wrappers)
            for w in warnings:
                if w.span is not None and w.span.file is src:
                    out.append(Output("warning", error=w))
            errors = [e for e in errors if e.span is None or e.span.file is src]
            if errors and self.typecheck:
                out.extend(Output("error", error=e) for e in errors)
                return out
        # ---- run, item by item (definitions that follow each other together)
        i = 0
        n = len(items)
        try:
            while i < n:
                item = items[i]
                if isinstance(item, DEF_TYPES):
                    j = i
                    while j < n and isinstance(items[j], DEF_TYPES):
                        j += 1
                    group = items[i:j]
                    self._define(group)
                    if not quiet:
                        out.extend(self._describe(group, result))
                    i = j
                    continue
                if type(item) is A.Let:
                    o = self._eval_let(item, result, wrappers.get(id(item)))
                    if not quiet:
                        out.append(o)
                elif type(item) is A.Return:
                    raise MeshError("`return` outside of a function", item.span)
                else:
                    o = self._eval_expr(item, result, wrappers.get(id(item)))
                    if o is not None and not quiet:
                        out.append(o)
                i += 1
        except BaseException as e:
            o = self._error_output(e)
            if o is None:
                raise
            out.append(o)
        return out

    def _error_output(self, e: BaseException) -> Optional[Output]:
        from ..errors import MeshExit
        from ..runtime import scheduler as S
        if isinstance(e, MeshExit):
            return None                      # the program asked to stop: end the session
        if isinstance(e, MeshError):
            return Output("error", error=e)
        if isinstance(e, RecursionError):
            return Output("error", error=MeshPanic("stack overflow: recursion too deep"))
        if isinstance(e, S.ProcessExit):
            self._clear_kill()
            if e.reason is self._interrupt_reason:
                return Output("interrupted", "Interrupted.")
            return Output("error", error=MeshPanic(
                f"the REPL process received an exit signal: {S.reason_text(e.reason)}"))
        if isinstance(e, Interrupted):
            self._clear_kill()
            return Output("interrupted", "Interrupted.")
        if isinstance(e, Exception):
            tb = "".join(traceback.format_exception(e))
            return Output("error", f"internal error: {type(e).__name__}: {e}\n{tb}")
        return None

    # ---- multi-clause functions entered one clause per input

    def _merge_clauses(self, items: list) -> list:
        """`fn f(0) = 1` then `fn f(n) = ...` as two inputs: the second adds a
        clause when the first one left cases open (its last clause is not a
        catch-all); otherwise a new definition replaces the old one."""
        fns = [it for it in items if type(it) is A.FnDef]
        prev = self._last_fn_input
        if fns and len(fns) == len(items) and prev:
            name, arity = fns[0].name, len(fns[0].params)
            if all(f.name == name and len(f.params) == arity for f in fns) and \
                    prev[0].name == name and len(prev[0].params) == arity and \
                    not is_catch_all(prev[-1]) and self.ns.decls.get(name) is prev[0]:
                return list(prev) + fns
        return items

    # ---- type checking

    def _checker_available(self) -> bool:
        try:
            from ..types import check_program  # noqa: F401
            return True
        except Exception:
            return False

    def _check(self, items: list, wrappers: dict):
        from ..types import check_program
        new_names = set()
        new_keys = set()
        for it in items:
            new_names.update(defined_names(it))
            k = item_key(it)
            if k is not None:
                new_keys.add(k)
        merged_first = items[0] if items and type(items[0]) is A.FnDef else None
        check_items = [it for it in self.items
                       if not (set(defined_names(it)) & new_names) and item_key(it) not in new_keys
                       and it is not merged_first]
        for it in items:
            if isinstance(it, DEF_TYPES):
                check_items.append(it)
            elif type(it) is A.Let:
                self._counter += 1
                w = _wrap(it.value, f"__repl_let_{self._counter}")
                wrappers[id(it)] = w
                check_items.append(w)
                check_items.append(it)
            elif type(it) is A.Return:
                continue
            else:
                self._counter += 1
                w = _wrap(it, f"__repl_{self._counter}")
                wrappers[id(it)] = w
                check_items.append(w)
        span = items[0].span
        module = A.Module(span, check_items)
        try:
            result = check_program(self.module_asts + [("Main", module)])
        except Exception:
            return None, [], []
        return result, list(result.errors), list(getattr(result, "warnings", []))

    def _type_text(self, result, node, ret: bool) -> Optional[str]:
        if result is None or node is None:
            return None
        info = result.types.get(node)
        if not info or info.get("type") is None:
            return None
        t = info["type"]
        if ret:
            from ..types.ty import TFun, prune
            t = prune(t)
            if type(t) is not TFun:
                return None
            t = t.ret
        return TV.show_type(t)

    # ---- definitions

    def _define(self, group: list):
        """Register definitions in the session namespace; all or nothing."""
        snap = self._snapshot()
        try:
            self.program.register_items(self.ns, group, compile_now=True)
        except BaseException:
            self._restore(snap)
            raise
        new_names = set()
        new_keys = set()
        for it in group:
            new_names.update(defined_names(it))
            k = item_key(it)
            if k is not None:
                new_keys.add(k)
        first = group[0]
        self.items = [it for it in self.items
                      if not (set(defined_names(it)) & new_names) and item_key(it) not in new_keys
                      and it is not first]
        # keep clauses already in the session (a merged multi-clause fn) once
        for it in group:
            if it not in self.items:
                self.items.append(it)
        fns = [it for it in group if type(it) is A.FnDef]
        self._last_fn_input = fns if fns and len(fns) == len(group) else None

    def _snapshot(self):
        ns, p = self.ns, self.program
        infos = list(ns.types.values()) + list(p.builtin_types.values())
        return (dict(ns.values), dict(ns.types), set(ns.exports), dict(ns.qualifiers),
                dict(ns.decls), dict(p.interfaces), dict(p.trait_functions),
                [(t, dict(t.methods), dict(t.statics), set(t.traits), dict(t.from_impls))
                 for t in infos])

    def _restore(self, snap):
        ns, p = self.ns, self.program
        (values, types, exports, quals, decls, ifaces, traits, infos) = snap
        ns.values, ns.types, ns.exports, ns.qualifiers, ns.decls = \
            values, types, exports, quals, decls
        p.interfaces, p.trait_functions = ifaces, traits
        for t, m, s, tr, fi in infos:
            t.methods, t.statics, t.traits, t.from_impls = m, s, tr, fi

    def _describe(self, group: list, result) -> list[Output]:
        out = []
        seen = set()
        for it in group:
            t = type(it)
            if t is A.FnDef:
                if it.name in seen:
                    continue
                seen.add(it.name)
                ty = self._type_text(result, it, ret=False)
                if ty:
                    self.types[it.name] = ty
                out.append(Output("defined", f"{it.name}", ty))
            elif t is A.StructDef:
                out.append(Output("defined", f"struct {it.name}"))
            elif t is A.SumTypeDef:
                out.append(Output("defined", f"type {it.name}"))
            elif t is A.TypeAlias:
                out.append(Output("defined", f"type {it.name} = {src_text(it.type)}"))
            elif t is A.InterfaceDef:
                out.append(Output("defined", f"interface {it.name}"))
            elif t is A.ImplDef:
                out.append(Output("defined", f"impl {it.trait} for {it.for_type}"))
            elif t is A.ActorDef:
                ty = self._type_text(result, it, ret=False)
                out.append(Output("defined", f"actor {it.name}", ty))
            elif t is A.ServiceDef:
                out.append(Output("defined", f"service {it.name}"))
            elif t is A.SupervisorDef:
                out.append(Output("defined", f"supervisor {it.name}"))
            elif t is A.ModuleDef:
                out.append(Output("defined", f"module {it.name}"))
            elif t is A.Import:
                out.append(Output("info", f"import {'.'.join(it.path)}"))
            elif t is A.FromImport:
                out.append(Output("info", f"from {'.'.join(it.path)} import {', '.join(it.names)}"))
        return out

    # ---- lets and expressions

    def _compile_thunk(self, body_stmts: list, span):
        from ..eval.compiler import Compiler
        from ..eval.program import Clause
        from ..eval.values import Function
        compiler = Compiler(self.program, self.ns)
        clause = Clause(span, [], A.Block(span, body_stmts))
        factory, _caps, _arity = compiler.compile_function("repl", [clause])
        # Function.__call__ trampolines tail calls and preempts on every
        # bounce (so a tail-recursive loop can be interrupted)
        return Function("repl", 0, factory(None))

    def _eval_expr(self, expr, result, wrapper) -> Optional[Output]:
        run = self._compile_thunk([expr], expr.span)
        value = run()
        ty = self._type_text(result, wrapper, ret=True)
        if value is None and (ty is None or ty == "()"):
            return None
        return Output("value", self.show_value(value), ty or TV.runtime_type(value, self.program))

    def _eval_let(self, let: A.Let, result, wrapper) -> Output:
        from ..eval.compiler import Cell
        sp = let.span
        names = pattern_names(let.pattern)
        if type(let.pattern) is A.PName:
            run = self._compile_thunk([let.value], sp)
            value = run()
            values = [value]
        else:
            tmp = "__repl_v"
            stmts = [A.Let(sp, A.PName(sp, tmp), None, let.value),
                     A.Let(sp, let.pattern, None, A.Name(sp, tmp)),
                     A.TupleLit(sp, [A.Name(sp, tmp)] + [A.Name(sp, n) for n in names])]
            run = self._compile_thunk(stmts, sp)
            packed = run()
            value, values = packed[0], list(packed[1:])
        for n, v in zip(names, values):
            cell = Cell()
            cell.value = v
            cell.ready = True
            self.ns.values[n] = cell
        ty = self._type_text(result, wrapper, ret=True) or TV.runtime_type(value, self.program)
        if type(let.pattern) is A.PName:
            self.types[let.pattern.name] = ty
        # the let joins the session's definitions (for the checker)
        self.items = [it for it in self.items if not (set(defined_names(it)) & set(names))]
        self.items.append(let)
        self._last_fn_input = None
        label = src_text(let.pattern)
        return Output("binding", f"{label} = {self.show_value(value)}", ty)

    def show_value(self, v) -> str:
        from ..eval.format import debug
        try:
            return debug(v)
        except RecursionError:
            return "<too deep to show>"

    # ---- :type

    def _type_of(self, text: str) -> list[Output]:
        src = SourceFile(REPL_FILE, text)
        try:
            from ..syntax.parser import parse
            module = parse(src)
        except MeshError as e:
            return [Output("error", error=e)]
        items = module.items
        if len(items) != 1 or isinstance(items[0], DEF_TYPES + (A.Let, A.Return)):
            if len(items) == 1 and type(items[0]) is A.FnDef:
                pass
            else:
                return [Output("error", "Usage: :type <expression>")]
        item = items[0]
        if not self._checker_available():
            return [Output("error", "the type checker is not available")]
        if type(item) is A.FnDef:
            # `:type fn f(x) = ...`: the type of a definition, without defining it
            result, errors, _w = self._check([item], {})
            errors = [e for e in errors if e.span is None or e.span.file is src]
            if errors:
                return [Output("error", error=e) for e in errors]
            ty = self._type_text(result, item, ret=False)
            return [Output("type", text.strip(), ty or "?")]
        wrappers: dict = {}
        result, errors, _w = self._check([item], wrappers)
        errors = [e for e in errors if e.span is None or e.span.file is src]
        if errors:
            return [Output("error", error=e) for e in errors]
        ty = self._type_text(result, wrappers.get(id(item)), ret=True)
        if ty is None:
            # a plain name the checker knows as a definition of the session
            if type(item) is A.Name and item.name in self.types:
                ty = self.types[item.name]
            else:
                return [Output("error", "cannot infer the type of this expression")]
        return [Output("type", text.strip(), ty)]

    # ---- :load / :reset

    def _load(self, path: str) -> list[Output]:
        from .. import driver
        from .. import modules as M
        from ..eval.program import Namespace
        p = Path(path).expanduser()
        try:
            if p.is_dir() or p.name == "main.mpl":
                sources = self._parse_project(str(p))
                if sources is None:
                    return [Output("error", f"Failed to load '{path}'")]
                order = M.load_order(sources)
                outs: list[Output] = []
                for name in order:
                    if name == "Main":
                        continue
                    ms = sources[name]
                    ns = Namespace(name, ms.source)
                    self.program.modules[name] = ns
                    if name not in self.program.order:
                        self.program.order.insert(len(self.program.order) - 1, name)
                    self.program.register_items(ns, ms.ast.items, compile_now=True)
                    self.module_asts = [(n, a) for n, a in self.module_asts if n != name]
                    self.module_asts.append((name, ms.ast))
                for name in order:
                    if name != "Main":
                        for cell, compiler, expr in self.program.modules[name].lets:
                            cell.value = compiler.compile_expr(expr)([])
                            cell.ready = True
                main = sources["Main"]
                outs = self._run_items(main.ast.items, main.source, quiet=True)
            else:
                if not p.is_file():
                    return [Output("error", f"Failed to read '{path}': no such file")]
                try:
                    text = p.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as e:
                    return [Output("error", f"Failed to read '{path}': {e}")]
                src = SourceFile(str(p), text)
                from ..syntax.parser import parse
                try:
                    module = parse(src)
                except MeshError as e:
                    return [Output("error", error=e)]
                self._last_fn_input = None
                outs = self._run_items(module.items, src, quiet=True)
        except MeshError as e:
            return [Output("error", error=e)]
        self.last_load = str(path)
        self._last_fn_input = None
        errors = [o for o in outs if o.kind in ("error", "interrupted")]
        if errors:
            return outs + [Output("error", f"Failed to load '{path}'")]
        return outs + [Output("info", f"Loaded '{path}'")]

    def _parse_project(self, path: str):
        from .. import driver
        from ..errors import render
        import io
        buf = io.StringIO()
        old = sys.stderr
        sys.stderr = buf       # driver.parse_project reports parse errors itself
        try:
            sources = driver.parse_project(path)
        finally:
            sys.stderr = old
        if sources is None:
            sys.stderr.write(buf.getvalue())
        return sources

    def _reset(self) -> list[Output]:
        from .. import runtime as rt
        from ..runtime import scheduler as S
        main = self._main_proc
        for proc in list(S._st.live.values()):
            if proc is not main and proc.alive:
                rt.exit(proc.pid, S.KILL)
        self.last_load = None
        self._new_program()
        return [Output("info", "Session reset. All definitions cleared.")]

    # ------------------------------------------------------------ introspection (any thread)

    def scope_names(self) -> list[str]:
        """Names usable unqualified: session definitions, prelude, variants,
        types, stdlib modules, user modules."""
        from ..eval.program import STDLIB_MODULE_NAMES
        from ..eval.compiler import Cell
        p = self.program
        names = set()
        for n in list(self.ns.values):
            if not n.startswith("__"):
                names.add(n)
        names.update(self.ns.types)
        names.update(self.ns.qualifiers)
        names.update(p.builtin_values)
        names.update(p.builtin_types)
        names.update(p.trait_functions)
        names.update(STDLIB_MODULE_NAMES)
        names.update(n.split(".")[-1] for n in p.modules if n != "Main")
        try:
            prelude = p.prelude()
            names.update(n for n in prelude.exports if not n.startswith("_"))
        except Exception:
            pass
        return sorted(names)

    def module_members(self, base: str) -> Optional[list[str]]:
        """Members of `base.`: a stdlib module (from its declarations), a user
        module, a service, a sum type's variants or a type's static functions."""
        from ..eval.compiler import ServiceInfo
        from ..eval.program import STDLIB_MODULE_NAMES
        from ..eval.values import SumType
        p = self.program
        v = self.ns.values.get(base)
        if isinstance(v, ServiceInfo):
            return sorted(v.members)
        q = self.ns.qualifiers.get(base)
        if q is None:
            for name, mod in p.modules.items():
                if name != "Main" and (name == base or name.split(".")[-1] == base):
                    q = mod
        if q is not None:
            out = set(n for n in q.exports if n in q.values)
            for t in q.types.values():
                if isinstance(t, SumType):
                    out.update(x.name for x in t.variants)
            return sorted(out)
        t = p.lookup_type(self.ns, base)
        if t is not None and (base in self.ns.types or base in p.builtin_types):
            out = set(t.statics)
            if isinstance(t, SumType):
                out.update(x.name for x in t.variants)
            if base in STDLIB_MODULE_NAMES:
                out.update(self._stdlib_members(base))
            return sorted(out)
        if base in STDLIB_MODULE_NAMES:
            return self._stdlib_members(base)
        return None

    def _stdlib_members(self, base: str) -> list[str]:
        try:
            ns = self.program.stdlib(base)
        except Exception:
            return []
        if ns is None:
            return []
        out = set()
        for name in ns.decls:
            if name.startswith("_"):
                continue
            out.add(name[:-1] if name.endswith("_") else name)
        return sorted(out)

    def value_of(self, dotted: str):
        """The current value of `name` or `name.field.field` (no calls), or None."""
        from ..eval.compiler import Cell
        from ..eval.values import Struct
        parts = dotted.split(".")
        v = self.ns.values.get(parts[0])
        if type(v) is not Cell or not v.ready:
            return None
        v = v.value
        for f in parts[1:]:
            if type(v) is not Struct or f not in v.type.field_index:
                return None
            v = v.get(f)
        return v

    def value_members(self, dotted: str) -> Optional[list[str]]:
        """Fields and methods of a session value (`p.` completes `p`'s fields)."""
        from ..eval.values import Struct
        v = self.value_of(dotted)
        if v is None:
            return None
        out = []
        if type(v) is Struct:
            out.extend(v.type.fields)
        info = self.program.type_info_of(v)
        if info is not None:
            out.extend(sorted(info.methods))
        return out

    def doc(self, name: str) -> Optional[str]:
        """Documentation of a stdlib or session name from its `##` comments."""
        from ..eval.program import STDLIB_MODULE_NAMES
        name = name.strip()
        p = self.program
        if "." in name:
            base, _, member = name.rpartition(".")
            base = base.split(".")[-1]
            if base in STDLIB_MODULE_NAMES:
                ns = p.stdlib(base)
                if ns is not None:
                    d = ns.decls.get(member) or ns.decls.get(member + "_")
                    if d is not None:
                        return _fn_doc(f"{base}.", d)
            mod = self.ns.qualifiers.get(base)
            if mod is not None and member in mod.decls:
                return _fn_doc(f"{base}.", mod.decls[member])
            return None
        if name in STDLIB_MODULE_NAMES:
            ns = p.stdlib(name)
            if ns is None:
                return None
            return _module_doc(name, ns)
        d = self.ns.decls.get(name)
        if d is not None:
            text = _fn_doc("", d)
            ty = self.types.get(name)
            return text if not ty else text + f"\n  :: {ty}"
        prelude = p.prelude()
        d = prelude.decls.get(name)
        if d is not None:
            return _fn_doc("", d)
        return None


def _decl_head(d: A.FnDef) -> str:
    text = d.span.file.text[d.span.start:d.span.end]
    head = text.split("\n", 1)[0].rstrip()
    if head.endswith(" do"):
        head = head[:-3]
    return head


def _fn_doc(prefix: str, d: A.FnDef) -> str:
    head = _decl_head(d)
    if head.startswith("pub "):
        head = head[4:]
    if prefix and head.startswith("fn "):
        head = "fn " + prefix + head[3:]
    doc = (d.doc or "").strip()
    return head + ("\n\n" + _indent(doc) if doc else "\n\n  (no documentation)")


def _module_doc(name: str, ns) -> str:
    lines = []
    text = ns.source.text if ns.source is not None else ""
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("##!"):
            lines.append(s[3:].strip())
        elif s and not s.startswith("#"):
            break
    out = [f"module {name}"]
    if lines:
        out.append("")
        out.append(_indent(" ".join(lines)))
    out.append("")
    for fname, d in ns.decls.items():
        first = (d.doc or "").strip().split("\n")[0]
        shown = fname[:-1] if fname.endswith("_") else fname
        out.append(f"  {shown:<20} {first}" if first else f"  {shown}")
    return "\n".join(out)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.split("\n"))
