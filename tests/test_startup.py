"""Start-up: what `mesh run` of a small program imports, and the argument
fast path of the CLI (the same namespace argparse gives)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO_ROOT
from mesh_interp import cli

HEAVY = ("aiohttp", "asyncio", "prompt_toolkit", "pygments", "asyncpg", "greenlet",
         "argparse", "ssl")
# with warm caches the parser (and what it uses) is not loaded either
WARM_ONLY = ("parsimonious", "hashlib", "mesh_interp.syntax.parser", "mesh_interp.types.checker")


@pytest.mark.parametrize("argv", [
    ["run", "x.mpl"], ["check", "x.mpl"], ["run", "dir/main.mpl"], ["check", "some dir"],
])
def test_plain_args_are_argparse_args(argv):
    fast = cli._plain_args(argv)
    assert fast is not None
    assert vars(fast) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    [], ["run"], ["run", "-x"], ["run", "--help"], ["run", ""], ["run", "a", "b"],
    ["run", "x.mpl", "--timeout", "3"], ["check", "--parse-only", "x"], ["parse", "x"],
    ["repl"], ["migrate", "up"],
])
def test_anything_else_goes_to_argparse(argv):
    assert cli._plain_args(argv) is None


def test_hello_imports_nothing_heavy(tmp_path):
    prog = tmp_path / "hello.mpl"
    prog.write_text('fn main() do\n  println("Hello")\nend\n')
    code = (
        "import sys, json\n"
        "from mesh_interp.cli import main\n"
        f"rc = main(['run', {str(prog)!r}])\n"
        "sys.stdout.flush()\n"
        "print(json.dumps([rc, sorted(sys.modules)]))\n")
    env = {"MESH_CACHE_DIR": str(tmp_path / "cache")}
    import os
    full_env = dict(os.environ, **env)
    for _ in range(2):      # cold caches, then warm ones
        p = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=full_env,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        out = p.stdout.splitlines()
        assert out[0] == "Hello"
        rc, modules = json.loads(out[-1])
        assert rc == 0
        loaded = {m.split(".")[0] for m in modules} | set(modules)
        assert not loaded & set(HEAVY), loaded & set(HEAVY)
        if _ == 1:
            assert not loaded & set(WARM_ONLY), loaded & set(WARM_ONLY)
