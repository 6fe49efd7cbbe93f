"""Natives of the core modules, called directly (Mesh functions = Python lambdas)."""
import io as pyio
import math
import os
import subprocess
import sys

import pytest

from mesh_interp.errors import MeshPanic
from mesh_interp.eval import values as V
from mesh_interp.eval.collections import MeshIter, MeshList, MeshMap, MeshSet
from mesh_interp.eval.format import display
from mesh_interp.natives import load_native, native_module
from mesh_interp.natives import (env as Env, file as File, float as Float, int as Int, io as IO,
                                 iter as Iter, json as Json, list as List, map as Map,
                                 math as Math, prelude as P, queue as Queue, range as Range,
                                 set as Set, string as String, tuple as Tuple)

L = MeshList.from_iterable


def panics(msg, f, *args):
    with pytest.raises(MeshPanic) as e:
        f(*args)
    assert e.value.message == msg


# ---------------------------------------------------------------- loader

def test_load_native_resolution():
    assert load_native("String", "length") is String.length
    assert load_native("Prelude", "map") is P.map_
    assert load_native("List", "any") is List.any_
    assert load_native("String", "from") is String.from_
    assert load_native("JSON", "parse") is load_native("Json", "parse")
    assert load_native("IO", "eprintln") is IO.eprintln
    with pytest.raises(LookupError):
        load_native("String", "char_at")
    with pytest.raises(LookupError):
        load_native("Nope", "x")
    with pytest.raises(LookupError):
        load_native("String", "_re")


def test_startup_does_not_import_json():
    code = ("import sys; from mesh_interp.natives import load_native;"
            "load_native('Prelude', 'println'); load_native('String', 'length');"
            "load_native('List', 'map'); load_native('Map', 'get');"
            "print('json' in sys.modules, 'mesh_interp.natives.json' in sys.modules)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": root})
    assert out.stdout.strip() == "False False", out.stderr


def test_every_declared_native_exists():
    import glob
    import re
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    count = 0
    for path in glob.glob(os.path.join(root, "stdlib", "*.mpl")):
        module = os.path.basename(path)[:-4]
        for line in open(path, encoding="utf-8"):
            m = re.match(r"pub fn (\w+)", line)
            if m and not re.search(r"\)\s*(->\s*[^=]*)?=\s", line):
                load_native(module, m.group(1))
                count += 1
    assert count > 100


# ---------------------------------------------------------------- prelude / IO

def test_println_print(capsys):
    P.println("hi")
    P.print_("a")
    P.print_("b")
    out = capsys.readouterr().out
    assert out == "hi\nab"


def test_eprintln(capsys):
    IO.eprintln("oops")
    assert capsys.readouterr().err == "oops\n"


def test_read_line(monkeypatch):
    class FakeStdin:
        def __init__(self, data):
            self.buffer = pyio.BytesIO(data)
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"first\r\nsecond\n\xff\xfe\n"))
    assert IO.read_line() == V.ok("first")
    assert IO.read_line() == V.ok("second")
    assert IO.read_line() == V.err("stream did not contain valid UTF-8")
    assert IO.read_line() == V.ok("")          # EOF


def test_prelude_list_functions():
    xs = L([1, 2, 3])
    assert P.map_(xs, lambda x: x * 2) == L([2, 4, 6])
    assert P.filter_(xs, lambda x: x != 2) == L([1, 3])
    assert P.reduce(xs, 10, lambda a, x: a + x) == 16
    assert P.head(xs) == 1 and P.tail(xs) == L([2, 3])
    panics("mesh_list_head: empty list", P.head, L([]))
    assert P.default() == 0


def test_compare():
    assert P.compare(1, 2) is V.LESS and P.compare(2, 2) is V.EQUAL and P.compare(3.5, 1.0) is V.GREATER
    assert P.compare("a", "b") is V.LESS
    t = V.StructType("P", ["x"])
    assert P.compare(V.Struct(t, [2]), V.Struct(t, [1])) is V.GREATER
    t.methods["lt"] = lambda a, b: a.get("x") > b.get("x")     # reversed order
    assert P.compare(V.Struct(t, [2]), V.Struct(t, [1])) is V.LESS


def test_hash_value():
    # FNV-1a of one zero byte / of 8 zero bytes, as signed 64-bit
    assert P.hash_value(False) == V.wrap_int(0xAF63BD4C8601B7DF)
    assert P.hash_value(0) == P.hash_value(0) and P.hash_value(1) != P.hash_value(2)
    assert P.hash_value("") == V.wrap_int(0xCBF29CE484222325)


# ---------------------------------------------------------------- String

def test_string_functions():
    S = String
    assert S.length("café") == 4
    assert S.slice("hello", 1, 3) == "el" and S.slice("abc", -5, 100) == "abc"
    assert S.slice("abc", 2, 1) == "" and S.slice("héllo", 1, 2) == "é"
    assert S.contains("abc", "") and S.contains("abc", "bc") and not S.contains("abc", "x")
    assert S.starts_with("abc", "ab") and S.ends_with("abc", "bc")
    assert S.trim("\t\n hi \u00a0\u3000") == "hi"
    assert S.trim("\x1fhi\x1f") == "\x1fhi\x1f"            # not Rust whitespace
    assert S.to_upper("straße") == "STRASSE" and S.to_lower("ÀB") == "àb"
    assert S.replace("a-b-c", "-", "+") == "a+b+c" and S.replace("abc", "", "-") == "-a-b-c-"
    assert S.split("a,,b,", ",") == L(["a", "", "b", ""])
    assert S.split("", ",") == L([""]) and S.split("abc", "") == L(["", "a", "b", "c", ""])
    assert S.join(L(["a", "b"]), ", ") == "a, b" and S.join(L([]), ",") == ""


@pytest.mark.parametrize("text, value", [
    ("42", 42), ("-100", -100), ("+5", 5), ("007", 7), ("  12 ", 12),
    ("9223372036854775807", 9223372036854775807), ("-9223372036854775808", -9223372036854775808),
    ("9223372036854775808", None), ("", None), ("-", None), ("1_0", None), ("0x10", None),
    ("not a number", None), ("١٢", None), ("1.5", None),
])
def test_string_to_int(text, value):
    assert String.to_int(text) == (V.NONE if value is None else V.some(value))


@pytest.mark.parametrize("text, value", [
    ("3.14", 3.14), ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0), ("-2", -2.0), (" 2.5 ", 2.5),
    ("inf", math.inf), ("-Infinity", -math.inf), ("+INF", math.inf), ("1_0", None), ("", None),
    (".", None), ("e5", None), ("1e", None), ("abc", None),
])
def test_string_to_float(text, value):
    r = String.to_float(text)
    assert r == (V.NONE if value is None else V.some(value))


def test_string_to_float_nan():
    r = String.to_float("NaN")
    assert V.is_some(r) and math.isnan(r.args[0])


def test_string_from_and_collect():
    assert String.from_(2.0) == "2" and String.from_(True) == "true" and String.from_(-3) == "-3"
    assert String.collect(Iter.from_(L(["a", "b"]))) == "ab"


# ---------------------------------------------------------------- numbers

def test_int_float():
    assert Int.to_float(3) == 3.0 and type(Int.to_float(3)) is float
    assert Float.to_int(3.99) == 3 and Float.to_int(-2.7) == -2
    assert Float.to_int(math.nan) == 0 and Float.to_int(1e300) == V.INT_MAX and Float.to_int(-1e300) == V.INT_MIN
    assert Float.from_(2) == 2.0


def test_math():
    M = Math
    assert M.abs_(-3) == 3 and M.abs_(-2.5) == 2.5 and M.abs_(V.INT_MIN) == V.INT_MIN
    assert M.min_(1, 2) == 1 and M.max_(1, 2) == 2
    assert M.min_(math.nan, 1.0) == 1.0 and M.max_(2.0, math.nan) == 2.0
    assert M.pow_(2.0, 10.0) == 1024.0 and M.pow_(10.0, 400.0) == math.inf
    assert math.isnan(M.pow_(-8.0, 1.0 / 3.0)) and M.pow_(0.0, -1.0) == math.inf
    assert M.pow_(-2.0, 2001.0) == -math.inf
    assert M.sqrt(16.0) == 4.0 and math.isnan(M.sqrt(-1.0))
    assert M.floor(-2.3) == -3 and M.ceil(-2.7) == -2 and M.floor(2.0) == 2
    assert M.round_(3.5) == 4 and M.round_(-2.5) == -3 and M.round_(0.5) == 1
    assert M.round_(2.4) == 2 and M.round_(0.49999999999999994) == 0 and M.round_(-0.4) == 0
    assert M.floor(math.nan) == 0 and M.ceil(math.inf) == V.INT_MAX
    assert M.pi() == math.pi


# ---------------------------------------------------------------- List

def test_list_module():
    xs = L([3, 1, 2])
    assert List.new() == L([]) and List.length(xs) == 3
    assert List.append(xs, 4) == L([3, 1, 2, 4]) and xs == L([3, 1, 2])
    assert List.get(xs, 0) == 3 and List.nth(xs, 2) == 2 and List.last(xs) == 2
    panics("mesh_list_get: index 5 out of bounds (len 3)", List.get, xs, 5)
    panics("mesh_list_get: index -1 out of bounds (len 3)", List.nth, xs, -1)
    panics("mesh_list_tail: empty list", List.tail, L([]))
    panics("mesh_list_last: empty list", List.last, L([]))
    assert List.concat(xs, L([9])) == L([3, 1, 2, 9]) and List.reverse(xs) == L([2, 1, 3])
    assert List.sort(xs, lambda a, b: a - b) == L([1, 2, 3])
    pairs = L([(1, "b"), (0, "a"), (1, "a")])
    assert List.sort(pairs, lambda a, b: a[0] - b[0]) == L([(0, "a"), (1, "b"), (1, "a")])  # stable
    assert List.sort(xs, lambda a, b: P.compare(b, a)) == L([3, 2, 1])
    assert List.find(xs, lambda x: x < 3) == V.some(1) and List.find(xs, lambda x: x > 9) == V.NONE
    assert List.any_(L([]), lambda x: True) is False and List.all_(L([]), lambda x: False) is True
    assert List.any_(xs, lambda x: x == 2) and not List.all_(xs, lambda x: x > 1)
    assert List.contains(L(["a", "b"]), "b") and not List.contains(xs, 7)
    assert List.zip_(xs, L(["x", "y"])) == L([(3, "x"), (1, "y")])
    assert List.flat_map(L([1, 2]), lambda x: L([x, x])) == L([1, 1, 2, 2])
    assert List.flatten(L([L([1]), L([]), L([2, 3])])) == L([1, 2, 3])
    assert List.enumerate_(L(["a", "b"])) == L([(0, "a"), (1, "b")])
    big = L([10, 20, 30, 40, 50])
    assert List.length(List.take(big, 100)) == 5 and List.length(List.drop(big, 100)) == 0
    assert List.take(big, -1) == L([]) and List.drop(big, 2) == L([30, 40, 50])
    assert List.collect(Iter.from_(big)) == big


def test_list_map_uses_callable_mesh_functions():
    f = V.Function("double", 1, lambda args: args[0] * 2)
    assert List.map(L([1, 2]), f) == L([2, 4]) if hasattr(List, "map") else True
    assert List.map_(L([1, 2]), f) == L([2, 4])


def test_list_append_100k():
    xs = List.new()
    for i in range(100_000):
        xs = List.append(xs, i)
    assert List.length(xs) == 100_000 and List.get(xs, 50_000) == 50_000


# ---------------------------------------------------------------- Map / Set

def test_map_module():
    m = Map.put(Map.put(Map.new(), "b", 1), "a", 2)
    assert Map.get(m, "a") == 2 and Map.has_key(m, "b") and not Map.has_key(m, "z")
    assert Map.keys(Map.put(m, "b", 5)) == L(["b", "a"])
    assert Map.values(m) == L([1, 2]) and Map.size(m) == 2
    assert Map.to_list(Map.delete(m, "b")) == L([("a", 2)])
    assert Map.from_list(L([(1, "x"), (1, "y")])) == MeshMap.from_pairs([(1, "y")])
    assert Map.merge(m, Map.from_list(L([("a", 9), ("c", 3)]))).items().__class__
    assert list(Map.merge(m, Map.from_list(L([("a", 9), ("c", 3)]))).items()) == [("b", 1), ("a", 9), ("c", 3)]
    col = Map.collect(Iter.enumerate_(Iter.from_(L([100, 200, 300]))))
    assert display(col) == "%{0 => 100, 1 => 200, 2 => 300}"


def test_map_get_missing_key_zero():
    assert Map.get(Map.new(), 5) == 0
    assert Map.get(Map.from_list(L([(1, 7)])), 2) == 0
    assert Map.get(Map.from_list(L([(1, 7.5)])), 2) == 0.0
    assert Map.get(Map.from_list(L([(1, True)])), 2) is False
    assert Map.get(Map.from_list(L([(1, "x")])), 2) == ""
    panics("Map.get: key not found", Map.get, Map.from_list(L([(1, L([1]))])), 2)


def test_map_put_100k():
    m = Map.new()
    for i in range(100_000):
        m = Map.put(m, i % 1000, Map.get(m, i % 1000) + 1)
    assert Map.size(m) == 1000 and Map.get(m, 999) == 100
    for i in range(20_000):
        m = Map.put(m, f"k{i}", i)
    assert Map.size(m) == 21_000


def test_set_module():
    s = Set.add(Set.add(Set.new(), 3), 1)
    assert Set.contains(s, 3) and Set.size(Set.add(s, 3)) == 2
    assert Set.to_list(Set.remove(s, 3)) == L([1])
    a, b = Set.from_list(L([1, 2, 2, 3])), Set.from_list(L([3, 4]))
    assert Set.to_list(Set.union(a, b)) == L([1, 2, 3, 4])
    assert Set.to_list(Set.intersection(a, b)) == L([3])
    assert Set.to_list(Set.difference(a, b)) == L([1, 2])
    assert Set.collect(Iter.from_(L([2, 2, 1]))) == MeshSet.from_iterable([2, 1])
    assert display(Set.from_list(L([1, 2]))) == "#{1, 2}"


# ---------------------------------------------------------------- Tuple / Range / Queue

def test_tuple_range_queue():
    t = (10, "x", 3.5)
    assert Tuple.nth(t, 1) == "x" and Tuple.first(t) == 10 and Tuple.second(t) == "x" and Tuple.size(t) == 3
    panics("mesh_tuple_nth: index 3 out of bounds (len 3)", Tuple.nth, t, 3)
    r = Range.new(1, 4)
    assert Range.length(r) == 3 and Range.to_list(r) == L([1, 2, 3]) and Range.length(Range.new(5, 1)) == 0
    assert Range.map_(r, lambda i: i * i) == L([1, 4, 9]) and Range.filter_(r, lambda i: i != 2) == L([1, 3])
    q = Queue.push(Queue.push(Queue.new(), 1), 2)
    assert Queue.size(q) == 2 and Queue.peek(q) == 1 and not Queue.is_empty(q)
    front, rest = Queue.pop(q)
    assert front == 1 and Queue.peek(rest) == 2 and Queue.is_empty(Queue.new())
    panics("mesh_queue_pop: empty queue", Queue.pop, Queue.new())
    panics("mesh_queue_peek: empty queue", Queue.peek, Queue.new())


# ---------------------------------------------------------------- Iter

def test_iter_pipeline():
    it = Iter.from_(L(range(1, 11)))
    it = Iter.filter_(Iter.map_(it, lambda x: x * 2), lambda x: x > 10)
    assert Iter.count(it) == 5
    xs = L([1, 2, 3, 4, 5])
    assert Iter.sum_(Iter.from_(xs)) == 15 and Iter.sum_(Iter.from_(L([]))) == 0
    assert Iter.any_(Iter.from_(xs), lambda x: x % 2 == 0) and not Iter.all_(Iter.from_(xs), lambda x: x % 2 == 0)
    assert Iter.reduce(Iter.from_(xs), 1, lambda a, x: a * x) == 120
    assert Iter.find(Iter.from_(xs), lambda x: x > 3) == V.some(4) and Iter.find(Iter.from_(xs), lambda x: x > 9) == V.NONE
    ten = L(range(1, 11))
    assert Iter.sum_(Iter.take(Iter.from_(ten), 3)) == 6 and Iter.sum_(Iter.skip(Iter.from_(ten), 7)) == 27
    assert Iter.count(Iter.take(Iter.from_(ten), 0)) == 0 and Iter.count(Iter.skip(Iter.from_(ten), 100)) == 0
    assert Iter.count(Iter.zip_(Iter.from_(L([1, 2])), Iter.from_(L([10, 20, 30])))) == 2
    assert List.collect(Iter.enumerate_(Iter.from_(L(["a"])))) == L([(0, "a")])
    assert Iter.sum_(Iter.from_(L([V.INT_MAX, 1]))) == V.INT_MIN


def test_iter_is_lazy():
    seen = []

    def f(x):
        seen.append(x)
        return x
    it = Iter.map_(Iter.from_(L([1, 2, 3, 4])), f)
    assert seen == []
    assert Iter.count(Iter.take(it, 2)) == 2 and seen == [1, 2]
    assert isinstance(it, MeshIter)


# ---------------------------------------------------------------- Env / File

def test_env(monkeypatch):
    monkeypatch.setenv("MESH_TEST_VAR", "v1")
    monkeypatch.delenv("MESH_TEST_UNSET", raising=False)
    assert Env.get("MESH_TEST_VAR") == V.some("v1") and Env.get("MESH_TEST_UNSET") == V.NONE


def test_file(tmp_path):
    p = str(tmp_path / "f.txt")
    assert File.exists(p) is False
    assert File.read(p) == V.err("No such file or directory (os error 2)")
    assert File.write(p, "héllo\n") == V.ok(None)
    assert File.append(p, "more") == V.ok(None)
    assert File.read(p) == V.ok("héllo\nmore")
    assert File.exists(p) and File.exists(str(tmp_path))
    assert File.read(str(tmp_path)) == V.err("Is a directory (os error 21)")
    (tmp_path / "bad.bin").write_bytes(b"\xff\xfe")
    assert File.read(str(tmp_path / "bad.bin")) == V.err("stream did not contain valid UTF-8")
    assert File.delete(p) == V.ok(None) and not File.exists(p)
    assert File.delete(p) == V.err("No such file or directory (os error 2)")
    assert File.delete(str(tmp_path)).info is V.ERR


# ---------------------------------------------------------------- JSON

def test_json_encode_helpers():
    assert Json.encode_string('he said "hi"\n') == '"he said \\"hi\\"\\n"'
    assert Json.encode_string("é\x01") == '"é\\u0001"'
    assert Json.encode_int(-5) == "-5" and Json.encode_bool(True) == "true"
    assert Json.encode_map(MeshMap.from_pairs([("b", "2"), ("a", "1")])) == '{"a":"1","b":"2"}'
    assert Json.encode_list(L(["x", "y"])) == '["x","y"]'


def test_json_encode_structural():
    t = V.StructType("Issue", ["title", "count", "score", "tags", "parent"])
    s = V.Struct(t, ["t", 3, 1.0, L(["a"]), V.NONE])
    assert Json.encode(s) == '{"count":3,"parent":null,"score":1.0,"tags":["a"],"title":"t"}'
    st = V.SumType("Shape")
    circle = st.add_variant("Circle", 1)
    assert Json.encode(circle.make(2.5)) == '{"fields":[2.5],"tag":"Circle"}'
    assert Json.encode(MeshMap.from_pairs([("z", 1), ("a", V.some(2))])) == '{"a":2,"z":1}'
    assert Json.encode(L([1e21, 1e-7, math.nan])) == "[1e21,1e-7,null]"


def test_json_parse_and_reencode():
    r = Json.parse('{"b": [1, 2.0, "x"], "a": {"k": null}, "b2": true}')
    assert r.info is V.OK
    assert Json.encode(r.args[0]) == '{"a":{"k":null},"b":[1,2.0,"x"],"b2":true}'
    assert Json.parse("") == V.err("EOF while parsing a value at line 1 column 0")
    assert Json.parse("abc") == V.err("expected value at line 1 column 1")
    assert Json.parse("[1, 2") == V.err("EOF while parsing a list at line 1 column 5")
    assert Json.parse("1 2") == V.err("trailing characters at line 1 column 3")
    assert Json.parse("NaN").info is V.ERR
    assert Json.parse('{"a":1,"a":2}').args[0].obj == {"a": 2}


def test_json_get():
    doc = '{"s":"text","n":42,"f":3.5,"one":1.0,"t":true,"z":null,"o":{"b":1,"a":[1,"x"]},"arr":[1,2]}'
    assert Json.get(doc, "s") == "text" and Json.get(doc, "n") == "42" and Json.get(doc, "f") == "3.5"
    assert Json.get(doc, "one") == "1.0" and Json.get(doc, "t") == "true" and Json.get(doc, "z") == ""
    assert Json.get(doc, "o") == '{"a":[1,"x"],"b":1}' and Json.get(doc, "arr") == "[1,2]"
    assert Json.get(doc, "missing") == "" and Json.get("not json", "s") == "" and Json.get("[1]", "0") == ""
    assert Json.get_nested(doc, "o", "b") == "1" and Json.get_nested(doc, "o", "q") == ""
    assert Json.get_nested(doc, "s", "x") == "" and Json.get_nested("{", "a", "b") == ""


def test_native_modules_are_separate_from_stdlib_names():
    # natives/io.py, json.py, math.py ... must not shadow the standard library
    import json as stdjson
    import math as stdmath
    assert stdjson.dumps([1]) == "[1]" and stdmath.sqrt(4) == 2
    assert native_module("JSON") is Json and native_module("Io") is IO
