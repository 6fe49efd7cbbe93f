"""From a path on disk to a running program: find the project, parse every
module, check, load, run. The CLI and the REPL both go through here."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

from . import modules as M
from .errors import MeshError, MeshModuleError, MeshPanic, report
from .source import SourceFile

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
        raise MeshModuleError(f"'{full}' is not valid UTF-8 (byte {e.start})")
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


def typecheck(sources, program) -> bool:
    """Run the type checker when it is enabled; report; True when accepted."""
    if os.environ.get("MESH_TYPECHECK", "1") in ("0", "", "false"):
        return True
    try:
        from .types import check_program
    except ImportError:
        return True
    order = M.load_order(sources)
    result = check_program([(n, sources[n].ast) for n in order])
    for w in getattr(result, "warnings", []):
        report(w)
    for e in result.errors:
        report(e)
    if result.errors:
        return False
    program.type_table = getattr(result, "types", None)
    return True


def load_program(path: str, check: bool = True, parse_only: bool = False,
                 require_main: bool = True):
    from .eval.program import Program
    sources = parse_project(path)
    if sources is None:
        return None
    if parse_only:
        return sources
    program = Program()
    if check and not typecheck(sources, program):
        return None
    program.load_project(sources)
    if require_main:
        program.main_function()
    return program


def run_program(program) -> int:
    """Run main (and every process it starts) to the end; the exit code."""
    try:
        from . import runtime as rt
        run_main = getattr(rt, "run_main", None)
    except ImportError:
        run_main = None
    main_fn = program.main_function()
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
    except RecursionError:
        sys.stdout.flush()
        report(MeshPanic("stack overflow: recursion too deep"))
        code = EXIT_PANIC
    except MeshError as e:
        sys.stdout.flush()
        report(e)
        code = 1
    finally:
        try:
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            pass
    return code
