"""The type checker's caches: the stdlib environment snapshot
(types/envcache.py) gives exactly the checker a fresh build gives."""
from __future__ import annotations

import pytest

from mesh_interp.errors import render
from mesh_interp.source import SourceFile
from mesh_interp.syntax.parser import parse
from mesh_interp.types import check_program, envcache, load_stdlib
from mesh_interp.types.checker import Checker
from mesh_interp.types.ty import show

PROGRAMS = [
    # errors whose messages name type variables (?N): the numbering must match
    'fn id(x) = x\nfn main() do\n  let f = fn x -> x end\n  let y :: Int = f\n  println("${y}")\nend\n',
    'fn main() do\n  let xs = List.map([1, 2], fn x -> x + 1 end)\n  let s :: String = xs\nend\n',
    'fn main() do\n  let m = Map.new()\n  let m2 = Map.put(m, "a", 1)\n  let v :: String = Map.get(m2, "a")\nend\n',
    # fine programs using several stdlib modules, traits and Option/Result
    '''struct P do
  x :: Int
end deriving(Eq, Display)

fn f(o :: Option<Int>) -> Result<Int, String> do
  case o do
    Some(n) -> Ok(n)
    None -> Err("none")
  end
end

fn main() do
  let p = P { x: String.length("abc") }
  println("${p} ${f(Some(1))} ${Math.abs(-3)} ${List.length([1, 2])}")
  let r = case f(None) do
    Ok(_) -> 1
    Err(_) -> 2
  end
  println("${r}")
end
''',
    # warnings
    'fn main() do\n  let x = 1\n  case x do\n    _ -> 1\n    1 -> 2\n  end\nend\n',
]


def outcome(result, module):
    facts = []
    for item in module.items:
        t = result.types.get(item, {}).get("type")
        facts.append(None if t is None else show(t))
    return ([render(e, colour=False) for e in result.errors],
            [render(w, colour=False) for w in result.warnings], facts, sorted(result.gaps))


def check_with(checker, module):
    checker.check_program([("Main", module)])
    from mesh_interp.types import CheckResult
    return CheckResult(checker.errors, checker.warnings, checker.side, checker.gaps)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MESH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("MESH_CACHE", raising=False)
    envcache._MEMO[:] = [None, None]
    yield tmp_path
    envcache._MEMO[:] = [None, None]


@pytest.mark.parametrize("text", PROGRAMS)
def test_snapshot_checker_equals_fresh_build(text, fresh_cache):
    src = SourceFile("main.mpl", text)
    module = parse(src)
    expected = outcome(check_with(Checker(load_stdlib()), module), module)
    # built and stored; then read back from disk; then from memory
    got_built = outcome(check_with(envcache.stdlib_checker(), module), module)
    assert list((fresh_cache / "check").glob("stdlib-*.pickle"))
    envcache._MEMO[:] = [None, None]
    got_disk = outcome(check_with(envcache.stdlib_checker(), module), module)
    got_memo = outcome(check_with(envcache.stdlib_checker(), module), module)
    assert expected == got_built == got_disk == got_memo
    # and through the public entry point
    assert outcome(check_program([("Main", module)]), module) == expected


def test_each_checker_is_a_private_copy(fresh_cache):
    a = envcache.stdlib_checker()
    b = envcache.stdlib_checker()
    assert a is not b and a.reg is not b.reg
    assert a.prelude["println"] is not b.prelude["println"]
    assert next(a.supply._ids) == next(b.supply._ids)


def test_damaged_snapshot_is_rebuilt(fresh_cache):
    envcache.stdlib_checker()
    [snap] = (fresh_cache / "check").glob("stdlib-*.pickle")
    snap.write_bytes(b"not a pickle")
    envcache._MEMO[:] = [None, None]
    c = envcache.stdlib_checker()
    assert "println" in c.prelude
    assert snap.read_bytes() != b"not a pickle"


def test_cache_off_still_checks(fresh_cache, monkeypatch):
    monkeypatch.setenv("MESH_CACHE", "0")
    c = envcache.stdlib_checker()
    assert "println" in c.prelude
    assert not (fresh_cache / "check").exists()


def test_key_follows_the_stdlib_text(tmp_path):
    d = tmp_path / "stdlib"
    d.mkdir()
    (d / "A.mpl").write_text("pub fn f() -> Int\n")
    files = envcache._stdlib_files(d)
    k1 = envcache._key(d, files)
    (d / "A.mpl").write_text("pub fn f() -> String\n")
    assert envcache._key(d, files) != k1
    (d / "B.mpl").write_text("")
    assert envcache._key(d, envcache._stdlib_files(d)) != envcache._key(d, files)
