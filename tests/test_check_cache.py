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


# ---------------------------------------------------------------- the run-time check result

from mesh_interp.types import resultcache  # noqa: E402

SIDE_TABLE_PROGRAM = '''struct Acc do
  n :: Int
end

type AppError do
  Bad(String)
end

impl From<String> for AppError do
  fn from(s :: String) -> AppError do
    Bad(s)
  end
end

interface Shape do
  fn area(self) -> Float
end

struct Sq do
  s :: Float
end

impl Shape for Sq do
  fn area(self) -> Float do
    self.s * self.s
  end
end

fn parse(s :: String) -> Result<Int, String> do
  if String.length(s) > 0 do
    Ok(String.length(s))
  else
    Err("empty")
  end
end

fn run(s :: String) -> Result<Int, AppError> do
  let n = parse(s)?
  Ok(n + 1)
end

fn main() do
  let m = Map.new() |> Map.put("a", 1)
  let z = Map.get(m, "zzz")
  let sq = Sq { s: 2.0 }
  println("${z} ${sq.area()} ${"abc".length()}")
  case run("") do
    Ok(n) -> println("${n}")
    Err(_) -> println("err")
  end
  case 1 do
    _ -> println("x")
    2 -> println("y")
  end
end
'''


def _sources(root):
    return driver.parse_project(str(root / "main.mpl"))


def _positions(sources, table):
    """The side table with nodes replaced by (module, position) and types shown."""
    from mesh_interp import modules as M
    order = M.load_order(sources)
    where = {}
    for m, name in enumerate(order):
        for i, n in enumerate(resultcache._walk(sources[name].ast)):
            where.setdefault(id(n), (m, i))

    def plain(v):
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, tuple):
            return tuple(plain(x) for x in v)
        if type(v).__module__.endswith("types.ty"):
            return ("type", show(v))
        return v
    return {where[id(k)]: plain(v) for k, v in table.items()}


def test_run_check_result_round_trips(fresh_cache, tmp_path, capsys, monkeypatch):
    from mesh_interp.eval.program import Program
    root = tmp_path / "p"
    project(root, {"main.mpl": SIDE_TABLE_PROGRAM, "util.mpl": UTIL})
    s1 = _sources(root)
    p1 = Program()
    assert driver.typecheck(s1, p1)
    err1 = capsys.readouterr().err
    assert "warning" in err1
    [entry] = (fresh_cache / "check").glob("typecheck-*.pickle")
    facts = _positions(s1, p1.type_table)
    kinds = {k for v in facts.values() for k in v}
    assert {"type", "map_get_zero", "from", "impl", "stdlib"} <= kinds
    # the second time the checker is not used at all
    import mesh_interp.types as T
    monkeypatch.setattr(T, "check_program", no_load)
    s2 = _sources(root)
    p2 = Program()
    assert driver.typecheck(s2, p2)
    assert capsys.readouterr().err == err1
    assert _positions(s2, p2.type_table) == facts
    # every key is a node of the new trees
    ids = {id(n) for name in s2 for n in resultcache._walk(s2[name].ast)}
    assert all(id(k) in ids for k in p2.type_table)
    # a changed module is checked again
    (root / "util.mpl").write_text(UTIL + "\n")
    s3 = _sources(root)
    with pytest.raises(AssertionError):
        driver.typecheck(s3, Program())


def test_run_uses_the_cached_result_end_to_end(tmp_path):
    from conftest import run_mesh
    root = tmp_path / "p"
    project(root, {"main.mpl": SIDE_TABLE_PROGRAM, "util.mpl": UTIL})
    env = {"MESH_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    runs = [run_mesh("run", str(root / "main.mpl"), env=env) for _ in range(2)]
    off = run_mesh("run", str(root / "main.mpl"), env={**env, "MESH_CACHE": "0"})
    assert runs[0].returncode == runs[1].returncode == off.returncode == 0
    assert runs[0].stdout == runs[1].stdout == off.stdout == "0 4 3\nerr\nx\n"
    assert runs[0].stderr == runs[1].stderr == off.stderr
    assert list((tmp_path / "cache" / "check").glob("typecheck-*.pickle"))


def test_rejected_programs_are_not_cached(fresh_cache, tmp_path, capsys):
    from mesh_interp.eval.program import Program
    root = tmp_path / "p"
    project(root, {"main.mpl": 'fn main() do\n  let x :: Int = "no"\nend\n'})
    for _ in range(2):
        assert not driver.typecheck(_sources(root), Program())
        assert "E0001" in capsys.readouterr().err
    assert not list((fresh_cache / "check").glob("typecheck-*"))


def test_damaged_check_result_is_ignored(fresh_cache, tmp_path, capsys):
    from mesh_interp.eval.program import Program
    root = tmp_path / "p"
    project(root, {"main.mpl": SIDE_TABLE_PROGRAM})
    p1 = Program()
    s1 = _sources(root)
    assert driver.typecheck(s1, p1)
    err = capsys.readouterr().err
    facts = _positions(s1, p1.type_table)
    [entry] = (fresh_cache / "check").glob("typecheck-*.pickle")
    good = entry.read_bytes()
    for junk in (b"", b"junk", good[:-20], good.replace(b"typecheck-result-1", b"typecheck-result-0")):
        entry.write_bytes(junk)
        s = _sources(root)
        p = Program()
        assert driver.typecheck(s, p)
        assert capsys.readouterr().err == err
        assert _positions(s, p.type_table) == facts
