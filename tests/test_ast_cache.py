"""The AST node classes (plain __slots__ classes) and the parse cache."""
from __future__ import annotations

import pickle

import pytest

from mesh_interp.source import SourceFile, Span
from mesh_interp.syntax import ast as A
from mesh_interp.syntax import cache
from mesh_interp.syntax.parser import parse as parse_uncached

SRC = SourceFile("t.mpl", "x")
SP = Span(SRC, 0, 1)

PROGRAM = '''
type Shape do
  Circle(Float)
  Rect(Float, Float)
end

struct Point do
  x :: Int
  y :: Int
end deriving(Eq)

fn area(s :: Shape) -> Float do
  case s do
    Circle(r) -> 3.14 * r * r
    Rect(w, h) -> w * h
  end
end

fn main() do
  let p = Point { x: 1, y: 2 }
  let q = %{p | y: 5}
  let xs = [1, 2, 3] |> List.map(fn x -> x * 2 end)
  println("${area(Circle(1.0))} ${q.y} ${xs}")
end
'''


def node_classes():
    return [c for c in vars(A).values()
            if isinstance(c, type) and issubclass(c, A.Node) and c is not A.Node]


def test_fields_are_the_slots_in_order():
    assert A.FnDef._fields == ("span", "name", "params", "ret", "generics", "where",
                               "guard", "body", "is_pub", "doc")
    for cls in node_classes():
        assert cls.__slots__ == cls._fields == cls.__match_args__
        assert cls._fields[0] == "span"


def test_init_parameters_are_the_fields():
    import inspect
    for cls in node_classes():
        params = list(inspect.signature(cls.__init__).parameters)[1:]
        assert tuple(params) == cls._fields, cls.__name__
        # every field is set by __init__
        node = cls(*[None] * len(cls._fields))
        for f in cls._fields:
            assert getattr(node, f, 0) is None or getattr(node, f) == [], (cls.__name__, f)


def test_constructor_positional_keyword_and_defaults():
    f = A.FnDef(SP, "f", [])
    g = A.FnDef(SP, "g", [], is_pub=True, doc="d")
    assert (f.ret, f.guard, f.body, f.is_pub, f.doc) == (None, None, None, False, None)
    assert g.is_pub and g.doc == "d"
    # a list default is a fresh list per node
    assert f.generics == [] and f.generics is not g.generics
    # an explicit None stays None (as with dataclasses)
    assert A.TName(SP, "Int", None).args is None
    with pytest.raises(TypeError):
        A.Name(SP)
    with pytest.raises(AttributeError):
        A.Name(SP, "x").other = 1


def test_identity_equality_and_repr():
    a, b = A.Name(SP, "x"), A.Name(SP, "x")
    assert a != b and a == a and len({a, b}) == 2
    assert repr(A.TName(SP, "List", [A.TName(SP, "Int")])) == (
        "TName(span=Span(start=0, end=1), name='List', "
        "args=[TName(span=Span(start=0, end=1), name='Int', args=[])])")


def test_match_args():
    match A.BinOp(SP, "+", A.IntLit(SP, 1), A.IntLit(SP, 2)):
        case A.BinOp(_, op, A.IntLit(_, 1), right):
            assert op == "+" and right.value == 2
        case _:
            pytest.fail("no match")


def test_cache_round_trip_is_identical():
    src = SourceFile("prog.mpl", PROGRAM)
    module = parse_uncached(src)
    again = cache.loads(src, cache.dumps(src, module))
    assert repr(again) == repr(module)
    # every span refers to the very SourceFile given to loads
    stack = [again]
    while stack:
        n = stack.pop()
        if isinstance(n, (list, tuple)):
            stack.extend(n)
        elif isinstance(n, A.Node):
            assert n.span.file is src
            stack.extend(getattr(n, f) for f in n._fields[1:])


def test_cache_does_not_store_the_text():
    src = SourceFile("prog.mpl", PROGRAM + "\n# a-very-distinctive-comment\n")
    assert b"a-very-distinctive-comment" not in cache.dumps(src, parse_uncached(src))


def test_cache_store_load_and_damaged_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("MESH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("MESH_CACHE", raising=False)
    src = SourceFile("prog.mpl", PROGRAM)
    assert cache.load(src) is None
    module = parse_uncached(src)
    cache.store(src, module)
    entries = list(tmp_path.glob("*.ast"))
    assert len(entries) == 1
    assert repr(cache.load(src)) == repr(module)
    # another text is another key
    assert cache.load(SourceFile("prog.mpl", PROGRAM + "\n")) is None
    # a damaged entry is ignored, not an error
    entries[0].write_bytes(b"garbage")
    assert cache.load(src) is None
    entries[0].write_bytes(pickle.dumps(("not", "an", "ast"))[:-3])
    assert cache.load(src) is None


def test_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("MESH_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MESH_CACHE", "0")
    src = SourceFile("prog.mpl", PROGRAM)
    cache.store(src, parse_uncached(src))
    assert cache.load(src) is None
    assert not list(tmp_path.iterdir())


def test_cache_dir_kinds(tmp_path, monkeypatch):
    monkeypatch.delenv("MESH_CACHE", raising=False)
    monkeypatch.setenv("MESH_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir() == tmp_path
    assert cache.cache_dir("check") == tmp_path / "check"
    monkeypatch.delenv("MESH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir("check") == tmp_path / "mesh_interp" / "check"


def test_digest_separates_parts():
    assert cache.digest("ab", "c") != cache.digest("a", "bc")
    assert cache.digest("x") == cache.digest(b"x")
