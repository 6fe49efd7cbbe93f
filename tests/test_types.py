"""Type checker: our own must-accept / must-reject Mesh programs.

Each file in tests/typecheck_cases/{accept,reject}/ starts with a header:
  # expect: ok                 (no errors)
  # expect: E0001 line 4       (an error with that code on that line)
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from mesh_interp.source import SourceFile
from mesh_interp.syntax.parser import parse
from mesh_interp.types import check_program

CASES = Path(__file__).parent / "typecheck_cases"


def _cases(kind):
    return sorted((CASES / kind).glob("*.mpl"))


def _check(path: Path):
    text = path.read_text(encoding="utf-8")
    module = parse(SourceFile(str(path), text))
    return text, check_program([("Main", module)])


@pytest.mark.parametrize("path", _cases("accept"), ids=lambda p: p.stem)
def test_accept(path):
    text, result = _check(path)
    assert text.startswith("# expect: ok")
    assert not result.errors, "\n".join(
        f"{e.code} {e.span.location() if e.span else ''}: {e.message}" for e in result.errors)


@pytest.mark.parametrize("path", _cases("reject"), ids=lambda p: p.stem)
def test_reject(path):
    text, result = _check(path)
    m = re.match(r"# expect: (E\d{4}) line (\d+)", text)
    assert m, "bad header"
    code, line = m.group(1), int(m.group(2))
    got = [(e.code, e.span.line if e.span else None) for e in result.errors]
    assert (code, line) in got, f"expected {code} at line {line}, got {got}"


def test_multi_module_imports():
    geo = parse(SourceFile("geometry.mpl", (
        "pub struct Point do\n  x :: Int\n  y :: Int\nend\n"
        "pub fn make(x :: Int, y :: Int) -> Point do\n  Point { x: x, y: y }\nend\n"
        "fn secret() = 1\n")))
    main = parse(SourceFile("main.mpl", (
        "import Geometry\nfrom Geometry import make\n"
        "fn main() do\n  let p = Geometry.make(1, 2)\n  let q = make(3, 4)\n"
        "  let r = Point { x: 5, y: 6 }\n  println(\"${p.x + q.y + r.x}\")\nend\n")))
    result = check_program([("Geometry", geo), ("Main", main)])
    assert not result.errors, [e.message for e in result.errors]


def test_private_import_rejected():
    lib = parse(SourceFile("lib.mpl", "fn secret() = 1\npub fn open() = 2\n"))
    main = parse(SourceFile("main.mpl", "from Lib import secret\nfn main() do\n  println(\"x\")\nend\n"))
    result = check_program([("Lib", lib), ("Main", main)])
    assert [e.code for e in result.errors] == ["E0035"]


def test_side_table_map_get_and_method():
    src = ("fn main() do\n  let m = %{\"a\" => 1}\n  let v = Map.get(m, \"a\")\n"
           "  println(\"${v}\".trim())\nend\n")
    module = parse(SourceFile("main.mpl", src))
    result = check_program([("Main", module)])
    assert not result.errors
    kinds = [info.get("map_get_zero") for info in result.types.values() if "map_get_zero" in info]
    assert kinds == ["int"]
