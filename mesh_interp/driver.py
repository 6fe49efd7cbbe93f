"""From a path on disk to a running program: find the project, parse every
module, check, load, run. The CLI and the REPL both go through here."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

from . import modules as M
from .errors import MeshCompileError, MeshError, MeshModuleError, MeshPanic, report
from .source import SourceFile, Span

EXIT_PANIC = 101


def find_project(path: str) -> tuple[Path, list[Path]]:
    """(root, files relative to root). A folder or a `main.mpl` is a whole
    project; any other file is a one-module program."""
    p = Path(path)
    if p.is_dir():
        if not (p / "main.mpl").is_file():
            raise MeshModuleError(f"No 'main.mpl' found in '{path}'. Mesh projects must have "
                                  f"a main.mpl entry point.")
        return p, M.discover(p)
    if not p.is_file():
        raise MeshModuleError(f"cannot read '{path}': no such file")
    if p.name == "main.mpl":
        return p.parent, M.discover(p.parent)
    return p.parent, [Path(p.name)]


def read_source(root: Path, rel: Path, display_root: Optional[Path] = None) -> SourceFile:
    full = root / rel
    try:
        data = full.read_bytes()
    except OSError as e:
        raise MeshModuleError(f"cannot read '{full}': {e.strerror}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        # point at the first bad byte: decode the file leniently just to
        # show the line (each bad sequence becomes one U+FFFD)
        shown = SourceFile(str(full), data.decode("utf-8", "replace"))
        at = len(data[:e.start].decode("utf-8"))
        raise MeshModuleError(f"source file is not valid UTF-8 (byte 0x{data[e.start]:02x} "
                              f"at offset {e.start})", Span(shown, at, at + 1))
    shown = str(full)
    return SourceFile(shown, text)


def parse_project(path: str) -> Optional[dict[str, M.ModuleSource]]:
    from .syntax import parse
    root, files = find_project(path)
    single = len(files) == 1 and files[0].name != "main.mpl"
    sources: dict[str, M.ModuleSource] = {}
    failed = False
    for rel in files:
        src = read_source(root, rel)
        name = "Main" if single else M.module_name_for(rel)
        try:
            module = parse(src)
        except MeshError as e:
            report(e)
            failed = True
            continue
        ms = M.ModuleSource(name, root / rel, src, module, M.import_paths(module))
        sources[name] = ms
    if failed:
        return None
    if "Main" not in sources:
        raise MeshModuleError(f"No 'main.mpl' found in '{root}'")
    return sources


def typecheck(sources, program, reported: Optional[list] = None) -> bool:
    """Run the type checker when it is enabled; report; True when accepted.
    The warnings reported are also appended to `reported` when given."""
    if os.environ.get("MESH_TYPECHECK", "1") in ("0", "", "false"):
        return True
    order = M.load_order(sources)
    # an accepted program's warnings and side table are cached (types/resultcache.py)
    from .types import resultcache
    modules = [(n, sources[n]) for n in order]
    entry = resultcache.entry_path(modules)
    hit = resultcache.load(entry, modules) if entry is not None else None
    if hit is not None:
        warnings, types = hit
        errors = []
    else:
        try:
            from .types import check_program
        except ImportError:
            return True
        result = check_program([(n, sources[n].ast) for n in order])
        warnings = getattr(result, "warnings", [])
        errors = result.errors
        types = getattr(result, "types", None)
        if not errors and entry is not None and types is not None:
            resultcache.store(entry, modules, warnings, types)
    for w in warnings:
        report(w)
        if reported is not None:
            reported.append(w)
    for e in errors:
        report(e)
    if errors:
        return False
    program.type_table = types
    return True


def _deepest_statement(sources) -> Optional[Span]:
    """The span of the top-level statement (or item) holding the most deeply
    nested node of the project; found without recursion."""
    from .syntax import ast as A
    Node = A.Node
    best, best_depth = None, -1
    for ms in sources.values():
        if ms.ast is None:
            continue
        # (node, depth, the statement it belongs to)
        stack = [(item, 1, item) for item in ms.ast.items]
        while stack:
            node, depth, top = stack.pop()
            if depth > best_depth and getattr(node, "span", None) is not None:
                best, best_depth = top, depth
            for f in node._fields:
                v = getattr(node, f)
                kids = v if isinstance(v, (list, tuple)) else (v,)
                for k in kids:
                    if isinstance(k, tuple):
                        kids2 = k
                    else:
                        kids2 = (k,)
                    for c in kids2:
                        if isinstance(c, Node):
                            # a statement of an outermost block becomes the "top"
                            t = c if (type(node) is A.Block and top is not None
                                      and type(top) is not A.Block and _is_item(top)) else top
                            stack.append((c, depth + 1, t))
    return getattr(best, "span", None)


def _is_item(node) -> bool:
    from .syntax import ast as A
    return type(node) in (A.FnDef,) or type(node).__name__.endswith("Def")


def load_program(path: str, check: bool = True, parse_only: bool = False,
                 require_main: bool = True, reported: Optional[list] = None):
    """Parse, check and compile a program; None when an error was reported.
    `reported` collects the warnings reported on the way.

    The cyclic garbage collector is paused meanwhile: loading builds many
    objects that live on (trees, types, closures) and little cyclic garbage,
    and each collection would scan all of them again (as the parser does)."""
    import gc
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_program(path, check, parse_only, require_main, reported)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load_program(path, check, parse_only, require_main, reported):
    from .eval.program import Program
    sources = parse_project(path)
    if sources is None:
        return None
    if parse_only:
        return sources
    program = Program()
    try:
        if check and not typecheck(sources, program, reported):
            return None
        program.load_project(sources)
    except RecursionError:
        raise MeshCompileError("expression nested too deeply to compile",
                               _deepest_statement(sources)) from None
    if require_main:
        try:
            program.main_function()
        except MeshError as e:
            # "no main function": a whole-file error; point at the file
            if e.span is None and "Main" in sources:
                e.span = Span(sources["Main"].source, 0, 0)
            raise
    return program


# ---------------------------------------------------------------- mesh check

def check_project(path: str, parse_only: bool = False) -> bool:
    """`mesh check`: parse, type-check and compile without running; report
    the diagnostics; True when the program is accepted.

    An accepted program's outcome (the warnings it reported) is cached in
    the `check` cache folder under a key made of the path, module name and
    text of every file of the project and of the interpreter's version
    (syntax/cache.py `interpreter_stamp`): when nothing changed, the same
    warnings are reported again without parsing, checking or compiling. A
    rejected program is never cached, and any change to a file (or to the
    set of files) is a different key, so everything is checked again."""
    if parse_only:
        return load_program(path, check=True, parse_only=True) is not None
    entry = _outcome_entry(path)
    if entry is not None and _outcome_replay(*entry):
        return True
    reported: list = []
    # nothing runs: the closure compiler alone finds the compile errors, and
    # writing Python source for every function would only cost time
    from .eval import pygen
    pygen_was, pygen.ENABLED = pygen.ENABLED, False
    try:
        program = load_program(path, check=True, reported=reported)
    finally:
        pygen.ENABLED = pygen_was     # callers in the same process still get pygen
    if program is None:
        return False
    if entry is not None:
        _outcome_store(entry[0], entry[1], reported)
    return True


_OUTCOME_VERSION = "check-outcome-1"


def _outcome_entry(path: str):
    """(cache file, [(display path, text) of every file]) or None when the
    outcome cannot be cached (caching off, checker off, unreadable files)."""
    if os.environ.get("MESH_TYPECHECK", "1") in ("0", "", "false"):
        return None
    from .syntax import cache
    folder = cache.cache_dir("check")
    if folder is None:
        return None
    try:
        root, files = find_project(path)
    except MeshError:
        return None     # reported by the real run
    single = len(files) == 1 and files[0].name != "main.mpl"
    parts = [_OUTCOME_VERSION, cache.interpreter_stamp(), str(len(files))]
    texts = []
    for rel in files:
        full = root / rel
        try:
            data = full.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        name = "Main" if single else M.module_name_for(rel)
        parts += [str(full), name, data]
        texts.append((str(full), text))
    return folder / f"outcome-{cache.digest(*parts)}.marshal", texts


def _outcome_replay(entry: Path, texts) -> bool:
    """Report the cached warnings again; False when there is no usable entry."""
    import marshal
    from . import errors
    try:
        with open(entry, "rb") as f:
            data = marshal.loads(f.read())
        if type(data) is not tuple or len(data) != 2 or data[0] != _OUTCOME_VERSION:
            return False
        diags = []
        files = {}
        for kind, message, where, code, help_, notes in data[1]:
            cls = getattr(errors, kind)
            if not (isinstance(cls, type) and issubclass(cls, errors.MeshError)):
                return False
            span = None
            if where is not None:
                index, shown, start, end = where
                src = files.get((index, shown))
                if src is None:
                    src = files[(index, shown)] = SourceFile(shown, texts[index][1])
                span = Span(src, start, end)
            diags.append(cls(message, span, code=code, help=help_, notes=list(notes)))
    except Exception:
        return False
    for d in diags:
        report(d)
    return True


def _outcome_store(entry: Path, texts, reported) -> None:
    import marshal
    from . import errors
    from .syntax import cache
    out = []
    for d in reported:
        kind = type(d).__name__
        if getattr(errors, kind, None) is not type(d):
            return
        where = None
        if d.span is not None:
            f = d.span.file
            index = next((i for i, (shown, text) in enumerate(texts)
                          if shown == f.path and text == f.text), None)
            if index is None:
                index = next((i for i, (_, text) in enumerate(texts) if text == f.text), None)
            if index is None:
                return      # a diagnostic outside the project's files: not cached
            where = (index, f.path, d.span.start, d.span.end)
        try:
            notes = tuple(str(n) for n in d.notes)
        except TypeError:
            return
        out.append((kind, str(d.message), where, d.code, d.help, notes))
    try:
        data = marshal.dumps((_OUTCOME_VERSION, tuple(out)))
    except ValueError:
        return
    cache.write_atomic(entry, data)


def run_program(program) -> int:
    """Run main (and every process it starts) to the end; the exit code."""
    try:
        from . import runtime as rt
        from .runtime import scheduler as _sched
        run_main = getattr(rt, "run_main", None)
    except ImportError:
        run_main = _sched = None
    main_fn = program.main_function()
    spans = _function_spans(program)
    if _sched is not None:
        # a stack overflow in any process is reported at the Mesh function
        # that overflowed, not as a bare "recursion too deep"
        outer = _sched._panic_reporter

        def reporter(exc, pid):
            if isinstance(exc, RecursionError):
                exc = overflow_panic(exc, spans)
            outer(exc, pid)
        rt.set_panic_reporter(reporter)
    try:
        program.run_module_lets()
        if run_main is not None:
            code = run_main(main_fn, ())
        else:
            main_fn()
            code = 0
    except MeshPanic as e:
        sys.stdout.flush()
        report(e)
        code = EXIT_PANIC
    except RecursionError as e:
        sys.stdout.flush()
        report(overflow_panic(e, spans))
        code = EXIT_PANIC
    except MeshError as e:
        sys.stdout.flush()
        report(e)
        code = 1
    finally:
        if _sched is not None:
            rt.set_panic_reporter(outer)
        try:
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            pass
    return code


def _function_spans(program) -> dict:
    """id(Function) -> (name, span of its definition), for user functions."""
    spans = {}
    for ns in getattr(program, "modules", {}).values():
        if getattr(ns, "is_stdlib", True):
            continue
        decls = getattr(ns, "decls", {})
        for name, fn in ns.values.items():
            d = decls.get(name)
            if d is not None and getattr(d, "span", None) is not None:
                spans[id(fn)] = (name, d.span)
    return spans


def overflow_panic(exc: BaseException, spans: dict) -> MeshPanic:
    """A MeshPanic for a RecursionError, located at the innermost user
    function found on the overflowing stack (the closure evaluator's call
    frames hold the called Function in a local `fn`, Function.__call__ in
    `self`; a function compiled to Python is known by its code object)."""
    from .eval.pygen import code_owner
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for fr in reversed(frames[-2000:]):
        owner = code_owner(fr.f_code)
        if owner is not None:
            name, span = owner
            return MeshPanic(f"stack overflow: recursion too deep in `{name}`", span,
                             help="make the recursive call a tail call, or recurse less deeply")
        try:
            loc = fr.f_locals
        except Exception:
            continue
        for key in ("fn", "self"):
            hit = spans.get(id(loc.get(key)))
            if hit is not None:
                name, span = hit
                return MeshPanic(f"stack overflow: recursion too deep in `{name}`", span,
                                 help="make the recursive call a tail call, or recurse less deeply")
    return MeshPanic("stack overflow: recursion too deep")
