"""The type checker's caches: the stdlib environment snapshot
(types/envcache.py) gives exactly the checker a fresh build gives."""
from __future__ import annotations

import os

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


def test_key_follows_the_stdlib_files(tmp_path):
    d = tmp_path / "stdlib"
    d.mkdir()
    (d / "A.mpl").write_text("pub fn f() -> Int\n")
    k1 = envcache._key(envcache._stat_key(d))
    assert envcache._key(envcache._stat_key(d)) == k1
    (d / "A.mpl").write_text("pub fn f() -> String\n")
    k2 = envcache._key(envcache._stat_key(d))
    assert k2 != k1
    (d / "B.mpl").write_text("")
    assert envcache._key(envcache._stat_key(d)) not in (k1, k2)


# ---------------------------------------------------------------- `mesh check` outcomes

from mesh_interp import driver  # noqa: E402
from mesh_interp.syntax import cache as syntax_cache  # noqa: E402

MAIN = '''from Util import f
fn main() do
  let x = f()
  case x do
    _ -> println("a")
    1 -> println("b")
  end
end
'''
UTIL = '''pub fn f() -> Int do
  case 1 do
    _ -> 1
    2 -> 3
  end
end
'''


def project(root, files):
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root / "main.mpl"


def check(path, capsys):
    ok = driver.check_project(str(path))
    return ok, capsys.readouterr().err


def outcomes(cache_root):
    return sorted((cache_root / "check").glob("outcome-*"))


def no_load(*a, **k):
    raise AssertionError("the program was loaded again")


def test_unchanged_project_replays_its_warnings(fresh_cache, tmp_path, capsys, monkeypatch):
    main = project(tmp_path / "p", {"main.mpl": MAIN, "util.mpl": UTIL})
    ok1, err1 = check(main, capsys)
    assert ok1 and err1.count("warning[W0001]") == 2
    assert len(outcomes(fresh_cache)) == 1
    monkeypatch.setattr(driver, "load_program", no_load)
    ok2, err2 = check(main, capsys)
    assert ok2 and err2 == err1
    # the folder form of the same project is the same key
    ok3, err3 = check(main.parent, capsys)
    assert ok3 and err3 == err1


def test_a_changed_dependency_is_checked_again(fresh_cache, tmp_path, capsys):
    main = project(tmp_path / "p", {"main.mpl": MAIN, "util.mpl": UTIL})
    assert check(main, capsys)[0]
    (tmp_path / "p" / "util.mpl").write_text(UTIL.replace("-> Int", "-> String"))
    ok, err = check(main, capsys)
    assert not ok and "error" in err
    # a rejected program is not cached: still rejected the next time
    ok, err2 = check(main, capsys)
    assert not ok and err2 == err
    assert len(outcomes(fresh_cache)) == 1
    # back to the old text: the old outcome is valid again
    (tmp_path / "p" / "util.mpl").write_text(UTIL)
    ok, err = check(main, capsys)
    assert ok and err.count("warning") == 2


def test_a_new_file_or_another_path_is_another_key(fresh_cache, tmp_path, capsys, monkeypatch):
    main = project(tmp_path / "p", {"main.mpl": MAIN, "util.mpl": UTIL})
    assert check(main, capsys)[0]
    project(tmp_path / "p", {"extra/more.mpl": "pub fn g() = 1\n"})
    assert check(main, capsys)[0]
    assert len(outcomes(fresh_cache)) == 2
    # the same files shown under another path: the messages name that path
    monkeypatch.chdir(tmp_path)
    ok, err = check("p/main.mpl", capsys)
    assert ok and "--> p/util.mpl:4:5" in err
    assert len(outcomes(fresh_cache)) == 3
    monkeypatch.setattr(driver, "load_program", no_load)
    assert check("p/main.mpl", capsys) == (ok, err)


def test_another_interpreter_is_another_key(fresh_cache, tmp_path, capsys, monkeypatch):
    main = project(tmp_path / "p", {"main.mpl": MAIN, "util.mpl": UTIL})
    assert check(main, capsys)[0]
    monkeypatch.setattr(syntax_cache, "_INTERPRETER_STAMP", "another version")
    assert check(main, capsys)[0]
    assert len(outcomes(fresh_cache)) == 2


def test_damaged_outcome_is_ignored(fresh_cache, tmp_path, capsys):
    main = project(tmp_path / "p", {"main.mpl": MAIN, "util.mpl": UTIL})
    ok, err = check(main, capsys)
    [entry] = outcomes(fresh_cache)
    for junk in (b"", b"junk", __import__("marshal").dumps(("check-outcome-1", (("os", "x", None, None, None, ()),)))):
        entry.write_bytes(junk)
        assert check(main, capsys) == (ok, err)


def test_interpreter_stamp_follows_the_sources(monkeypatch):
    monkeypatch.setattr(syntax_cache, "_INTERPRETER_STAMP", None)
    a = syntax_cache.interpreter_stamp()
    monkeypatch.setattr(syntax_cache, "_INTERPRETER_STAMP", None)
    assert syntax_cache.interpreter_stamp() == a
    # a stdlib file or a module of the interpreter with another time or size
    # is another version (seen through a patched os.stat: no file is touched)
    real_stat = os.stat
    for name in ("Prelude.mpl", "checker.py"):
        def fake_stat(path, *args, **kwargs):
            st = real_stat(path, *args, **kwargs)
            if str(path).endswith(name):
                fields = list(st) + [st.st_atime, st.st_mtime, st.st_ctime, st.st_atime_ns,
                                     st.st_mtime_ns + 1, st.st_ctime_ns]
                return os.stat_result(fields)
            return st
        monkeypatch.setattr(os, "stat", fake_stat)
        monkeypatch.setattr(syntax_cache, "_INTERPRETER_STAMP", None)
        assert syntax_cache.interpreter_stamp() != a, name
        monkeypatch.setattr(os, "stat", real_stat)


def test_no_outcome_cache_when_off(fresh_cache, tmp_path, capsys, monkeypatch):
    main = project(tmp_path / "p", {"main.mpl": MAIN, "util.mpl": UTIL})
    monkeypatch.setenv("MESH_CACHE", "0")
    assert check(main, capsys)[0]
    monkeypatch.setenv("MESH_CACHE", "1")
    monkeypatch.setenv("MESH_TYPECHECK", "0")
    ok, err = check(main, capsys)
    assert ok and err == ""
    assert not outcomes(fresh_cache)


def test_mesh_check_cached_end_to_end(tmp_path):
    from conftest import run_mesh
    main = project(tmp_path / "p", {"main.mpl": MAIN, "util.mpl": UTIL})
    env = {"MESH_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    first = run_mesh("check", str(main), env=env)
    second = run_mesh("check", str(main), env=env)
    assert first.returncode == second.returncode == 0
    assert first.stderr == second.stderr and first.stderr.count("warning") == 2
    (tmp_path / "p" / "util.mpl").write_text("pub fn f() -> Int = \"no\"\n")
    third = run_mesh("check", str(main), env=env)
    assert third.returncode == 1 and "error" in third.stderr
