"""`mesh run | check | parse | repl`: argument handling and exit codes, nothing else.

Exit codes: 0 success; 1 a compile-time error (syntax, module, type); 101 a
run-time panic in the main process (as the reference's Rust runtime);
124 `--timeout` expired; 130 interrupted.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

EXIT_COMPILE = 1
EXIT_PANIC = 101
EXIT_TIMEOUT = 124
EXIT_INTERRUPT = 130

# The evaluator recurses on the Python stack for non-tail Mesh calls; run it
# in a thread with a large stack and a matching recursion limit, so deep
# recursion ends in a Mesh "stack overflow" panic instead of a crash.
STACK_BYTES = 1024 * 1024 * 1024
RECURSION_LIMIT = 400_000


def build_parser():
    import argparse
    p = argparse.ArgumentParser(
        prog="mesh",
        description="mesh_interp: run, check and explore Mesh programs without a native toolchain.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run a Mesh program (FILE.mpl or a project folder)",
                         description="Run a Mesh program. A file named main.mpl runs its whole "
                                     "project folder; any other .mpl file runs on its own.")
    run.add_argument("file", help="the program: path/to/main.mpl, a project folder, or FILE.mpl")
    run.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                     help="stop the program after this many seconds (exit 124)")
    run.add_argument("--no-check", action="store_true", help="skip the type checker")

    chk = sub.add_parser("check", help="type-check a program without running it")
    chk.add_argument("file")
    chk.add_argument("--parse-only", action="store_true", help="only check the syntax")

    prs = sub.add_parser("parse", help="parse a file; exit 0 when it parses")
    prs.add_argument("file")
    prs.add_argument("--ast", action="store_true", help="print the AST")

    sub.add_parser("repl", help="start the interactive REPL")

    mig = sub.add_parser("migrate", help="apply PostgreSQL migrations (DATABASE_URL)",
                         description="mesh migrate [up|down|status] [DIR] | "
                                     "mesh migrate generate NAME [DIR]")
    mig.add_argument("args", nargs="*", help="action (up, down, status, generate NAME) and DIR")
    return p


def main(argv=None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:       # Ctrl-C while starting up: no traceback
        _flush_and_exit(EXIT_INTERRUPT)


def _plain_args(argv):
    """`run FILE` and `check FILE`, the common cases, read without argparse
    (importing it and its gettext/locale set-up costs milliseconds at every
    start): the namespace argparse would give, or None for anything else."""
    if len(argv) != 2 or argv[0] not in ("run", "check") or not argv[1] \
            or argv[1].startswith("-"):
        return None
    from types import SimpleNamespace
    if argv[0] == "run":
        return SimpleNamespace(command="run", file=argv[1], timeout=None, no_check=False)
    return SimpleNamespace(command="check", file=argv[1], parse_only=False)


def _main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _plain_args(argv)
    if args is None:
        parser = build_parser()
        if not argv:
            if sys.stdin.isatty():
                return _repl()
            parser.print_help()
            return 2
        args = parser.parse_args(argv)
    if args.command == "run":
        return _run(args)
    if args.command == "check":
        return _check(args)
    if args.command == "parse":
        return _parse(args)
    if args.command == "repl":
        return _repl()
    if args.command == "migrate":
        from .migrate import main as migrate_main
        return migrate_main(args.args)
    parser.print_help()
    return 2


def _in_big_thread(fn):
    """Run fn() in a thread with a large stack; return its result."""
    result = {}

    def target():
        try:
            result["value"] = fn()
        except BaseException as e:  # delivered to the caller's thread
            result["error"] = e

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(RECURSION_LIMIT)
    old_size = threading.stack_size()
    try:
        threading.stack_size(STACK_BYTES)
    except (ValueError, RuntimeError):
        pass
    t = threading.Thread(target=target, name="mesh-main", daemon=True)
    t.start()
    threading.stack_size(old_size)
    try:
        while t.is_alive():
            t.join(0.25)
    except KeyboardInterrupt:
        # The evaluator thread cannot be interrupted safely from here: keep
        # what the program printed and leave at once, with no traceback.
        _flush_and_exit(EXIT_INTERRUPT)
    finally:
        sys.setrecursionlimit(old_limit)
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _run(args) -> int:
    from .driver import load_program, run_program
    from .errors import MeshError, report

    if args.timeout is not None:
        _arm_timeout(args.timeout)
    try:
        # parsing, checking and compiling recurse on deeply nested code:
        # they get the same big stack as the program
        program = _in_big_thread(lambda: load_program(args.file, check=not args.no_check))
    except MeshError as e:
        report(e)
        return EXIT_COMPILE
    if program is None:
        return EXIT_COMPILE
    from .runtime import signals
    signals.install()       # SIGTERM/SIGINT: graceful shutdown (runtime/signals.py)
    try:
        return _in_big_thread(lambda: run_program(program))
    except KeyboardInterrupt:
        return EXIT_INTERRUPT


def _flush_and_exit(code: int):
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _arm_timeout(seconds: float):
    def expire():
        sys.stdout.flush()
        sys.stderr.write(f"error: the program ran longer than --timeout {seconds:g}s\n")
        sys.stderr.flush()
        os._exit(EXIT_TIMEOUT)
    t = threading.Timer(seconds, expire)
    t.daemon = True
    t.start()


def _check(args) -> int:
    from .driver import check_project
    from .errors import MeshError, report
    try:
        accepted = _in_big_thread(lambda: check_project(args.file, parse_only=args.parse_only))
    except MeshError as e:
        report(e)
        return EXIT_COMPILE
    return 0 if accepted else EXIT_COMPILE


def _parse(args) -> int:
    from .errors import MeshError, report
    from .source import SourceFile
    from .syntax.parser import parse
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        sys.stderr.write(f"error: cannot read {path}: {e}\n")
        return EXIT_COMPILE
    try:
        module = parse(SourceFile(str(path), text))
    except MeshError as e:
        report(e)
        return EXIT_COMPILE
    if args.ast:
        for item in module.items:
            print(item)
    return 0


def _repl() -> int:
    try:
        from .repl.app import run_repl
    except ImportError:
        sys.stderr.write("error: the REPL is not available in this build\n")
        return 2
    return run_repl()
