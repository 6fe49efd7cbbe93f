"""Display / Debug formats (semantics.md §9, stdlib.md §1)."""
import math

import pytest

from mesh_interp.eval import values as V
from mesh_interp.eval.collections import MeshList, MeshMap, MeshQueue, MeshRange, MeshSet
from mesh_interp.eval.format import debug, display, float_to_json, float_to_str

L = MeshList.from_iterable


@pytest.mark.parametrize("x, text", [
    (2.0, "2"), (3.14, "3.14"), (0.1 + 0.2, "0.30000000000000004"),
    (1e21, "1000000000000000000000"), (1e-7, "0.0000001"), (-0.0, "-0"), (0.0, "0"),
    (100.0, "100"), (2.5e-3, "0.0025"), (-3.5, "-3.5"), (1e16, "10000000000000000"),
    (1.5e300, "15" + "0" * 299), (5e-324, "0." + "0" * 323 + "5"),
    (123456.789, "123456.789"), (math.nan, "NaN"), (math.inf, "inf"), (-math.inf, "-inf"),
    (12.0, "12"), (4.0, "4"), (42.0, "42"),
])
def test_float_display(x, text):
    assert float_to_str(x) == text
    assert display(x) == text


@pytest.mark.parametrize("x, text", [
    (3.0, "3.0"), (0.1, "0.1"), (1e21, "1e21"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"),
    (1e16, "1e16"), (1e15, "1000000000000000.0"), (123.456, "123.456"), (0.0001, "0.0001"),
    (0.00001, "0.00001"), (0.000001, "1e-6"), (-2.5, "-2.5"), (0.0, "0.0"), (-0.0, "-0.0"), (math.nan, "null"),
    (1.7976931348623157e308, "1.7976931348623157e308"),
])
def test_float_json(x, text):
    assert float_to_json(x) == text


def test_primitives():
    assert display(42) == "42" and display(-5) == "-5"
    assert display(-9223372036854775808) == "-9223372036854775808"
    assert display(True) == "true" and display(False) == "false"
    assert display("hi") == "hi" and debug("hi") == '"hi"'
    assert debug('a"b') == '"a"b"'          # no escaping
    assert debug(3) == "3" and debug(2.0) == "2" and debug(True) == "true"
    assert display(None) == "()"


def test_collections():
    assert display(L([1, 2, 3])) == "[1, 2, 3]"
    assert display(L(["hello", "world"])) == "[hello, world]"
    assert debug(L(["a"])) == "[a]"                    # inspect == Display for collections
    assert display(L([L([1, 2]), L([3])])) == "[[1, 2], [3]]"
    assert display(MeshMap.from_pairs([(0, 100), (1, 200), (2, 300)])) == "%{0 => 100, 1 => 200, 2 => 300}"
    assert display(MeshMap.from_pairs([("a", "x")])) == "%{a => x}"
    assert display(MeshSet.from_iterable([1, 2])) == "#{1, 2}"
    assert display(L([])) == "[]" and display(MeshMap()) == "%{}" and display(MeshSet()) == "#{}"
    assert display(L([1.0, 2.5])) == "[1, 2.5]"
    assert display((1, "a")) == "(1, a)"
    assert display(MeshRange(1, 4)) == "1..4"
    assert display(MeshQueue.from_iterable([1, 2])) == "Queue[1, 2]"


def test_builtin_sum_types():
    assert display(V.some(1)) == "Some(1)" and display(V.NONE) == "None"
    assert display(V.ok("x")) == "Ok(x)" and display(V.err("bad")) == "Err(bad)"
    assert display(V.LESS) == "Less" and display(V.GREATER) == "Greater"
    assert debug(V.some("s")) == "Some(s)"
    assert display(L([V.some(1), V.NONE])) == "[Some(1), None]"


def _point(derives=None):
    t = V.StructType("Point", ["x", "name"])
    t.derives = derives
    return t


def test_struct_debug_default():
    t = _point()
    p = V.Struct(t, [1, "a"])
    assert display(p) == "P" + "oint { x: 1, name: a }"
    assert debug(p) == "Point { x: 1, name: a }"
    assert display(V.Struct(V.StructType("E", []), [])) == "E {}"


def test_struct_derived_display():
    t = _point(["Display", "Debug"])
    p = V.Struct(t, [1, "a"])
    assert display(p) == "Point(1, a)"
    assert debug(p) == "Point { x: 1, name: a }"
    assert display(V.Struct(V.StructType("E", [], ), [])) == "E {}"
    e = V.StructType("E", [])
    e.derives = ["Display"]
    assert display(V.Struct(e, [])) == "E()"
    assert display(L([p, p])) == "[Point(1, a), Point(1, a)]"


def test_user_methods_take_precedence():
    t = _point()
    t.methods["to_string"] = lambda v: f"<{v.get('x')}>"
    t.methods["inspect"] = lambda v: "INSPECT"
    p = V.Struct(t, [7, "z"])
    assert display(p) == "<7>" and debug(p) == "INSPECT"
    assert display(L([p])) == "[<7>]"
    assert display(MeshMap.from_pairs([("k", p)])) == "%{k => <7>}"


def test_sum_type_formats():
    t = V.SumType("T")
    a = t.add_variant("A", 0).value
    b = t.add_variant("B", 1)
    assert display(a) == "A" and display(b.make(7)) == "B(...)"   # Debug: literal dots
    assert debug(b.make(7)) == "B(...)"
    t.derives = ["Display"]
    assert display(b.make(7)) == "B(7)" and display(L([a, b.make(1)])) == "[A, B(1)]"
    assert debug(b.make(7)) == "B(...)"


def test_nested_struct_field_uses_display():
    inner = V.StructType("In", ["v"])
    inner.derives = ["Display"]
    outer = V.StructType("Out", ["i", "xs"])
    o = V.Struct(outer, [V.Struct(inner, ["s"]), L([1, 2])])
    assert display(o) == "Out { i: In(s), xs: [1, 2] }"


def test_misc_values():
    assert display(V.Pid(3)) == "<0.3.0>"
    f = V.Function("inc", 1, lambda args: args[0] + 1)
    assert display(f) == "<fn inc/1>"
    assert display(V.Opaque("Request", object())) == "<Request>"
    assert display(V.Opaque("Json", {"b": 1, "a": [True, None]})) == '{"a":[true,null],"b":1}'
