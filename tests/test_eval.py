"""The evaluator, program by program: each case is a small Mesh program of our
own and the exact output (and exit code) the language defines for it."""
from __future__ import annotations

import textwrap

import pytest

from mesh_interp.driver import load_program, run_program


def run(tmp_path, capsys, source: str):
    path = tmp_path / "prog.mpl"
    path.write_text(textwrap.dedent(source).lstrip("\n"))
    program = load_program(str(path), check=False)
    assert program is not None, capsys.readouterr().err
    code = run_program(program)
    out = capsys.readouterr()
    return code, out.out, out.err


CASES = {
    "let_and_shadowing": ("""
        fn main() do
          let x = 1
          let x = x + 1
          println("${x}")
        end
        """, "2\n"),
    "block_scope_restores_outer": ("""
        fn main() do
          let x = 1
          if true do
            let x = 50
            println("${x}")
          end
          println("${x}")
        end
        """, "50\n1\n"),
    "closure_captures_by_value": ("""
        fn make(n) do
          fn(x) -> x + n end
        end
        fn main() do
          let add5 = make(5)
          let add7 = make(7)
          println("${add5(1)} ${add7(1)}")
        end
        """, "6 8\n"),
    "closures_in_loop_capture_each_value": ("""
        fn main() do
          let fs = for i in 0..3 do
            fn() -> i * 10 end
          end
          println("${List.map(fs, fn f -> f() end)}")
        end
        """, "[0, 10, 20]\n"),
    "pipes": ("""
        fn double(x) = x * 2
        fn main() do
          let r = [1, 2, 3] |> List.map(fn x -> x + 1 end) |> List.map(double)
          println("${r}")
          println("${5 |> double}")
          println("${5 |> fn n -> n * 3 end}")
        end
        """, "[4, 6, 8]\n10\n15\n"),
    "multiline_pipe": ("""
        fn main() do
          let total = [1, 2, 3, 4]
            |> List.filter(fn x -> x > 1 end)
            # a comment between stages
            |> List.length()
          println("${total}")
        end
        """, "3\n"),
    "if_else_chain": ("""
        fn sign(n) do
          if n < 0 do
            "neg"
          else if n == 0 do
            "zero"
          else
            "pos"
          end
        end
        fn main() do
          println(sign(-3) <> sign(0) <> sign(9))
        end
        """, "negzeropos\n"),
    "if_without_else_is_unit": ("""
        fn main() do
          let v = if false do 1 end
          println("${v}")
        end
        """, "()\n"),
    "case_with_guards_and_literals": ("""
        fn classify(n) do
          case n do
            0 -> "zero"
            x when x < 0 -> "negative"
            1 | 2 | 3 -> "small"
            _ -> "big"
          end
        end
        fn main() do
          println("${classify(0)} ${classify(-4)} ${classify(2)} ${classify(40)}")
        end
        """, "zero negative small big\n"),
    "string_patterns": ("""
        fn greet(lang) do
          case lang do
            "fr" -> "bonjour"
            "es" -> "hola"
            other -> "hello (${other})"
          end
        end
        fn main() do
          println(greet("fr") <> " " <> greet("de"))
        end
        """, "bonjour hello (de)\n"),
    "cons_patterns": ("""
        fn sum(xs) do
          case xs do
            h :: t -> h + sum(t)
            _ -> 0
          end
        end
        fn main() do
          println("${sum([1, 2, 3, 4])}")
        end
        """, "10\n"),
    "nested_constructor_and_as_patterns": ("""
        type Shape do
          Circle(Float)
          Rect(Float, Float)
        end
        fn describe(o) do
          case o do
            Some(Circle(r)) -> "circle ${r}"
            Some(Rect(w, h) as s) -> "rect ${w}x${h}"
            None -> "nothing"
          end
        end
        fn main() do
          println(describe(Some(Circle(1.5))))
          println(describe(Some(Rect(2.0, 3.0))))
          println(describe(None))
        end
        """, "circle 1.5\nrect 2x3\nnothing\n"),
    "qualified_variants": ("""
        type Light do
          Red
          Green
        end
        fn name(Light.Red) = "red"
        fn name(Light.Green) = "green"
        fn main() do
          println(name(Light.Red) <> " " <> name(Green))
        end
        """, "red green\n"),
    "tuple_patterns_and_let_destructuring": ("""
        fn swap(p) do
          case p do
            (a, b) -> (b, a)
          end
        end
        fn main() do
          let (x, y) = swap((1, 2))
          println("${x} ${y}")
        end
        """, "2 1\n"),
    "multi_clause_with_guards": ("""
        fn fact(0) = 1
        fn fact(n) when n > 0 = n * fact(n - 1)
        fn main() do
          println("${fact(10)}")
        end
        """, "3628800\n"),
    "multi_clause_closure": ("""
        fn main() do
          let f = fn 0 -> "zero" | n when n < 0 -> "neg" | _ -> "pos" end
          println(f(0) <> f(-1) <> f(5))
        end
        """, "zeronegpos\n"),
    "for_comprehension_filters_break_continue": ("""
        fn main() do
          let evens = for x in [1, 2, 3, 4, 5, 6] when x % 2 == 0 do x * 10 end
          println("${evens}")
          let r = for x in 0..10 do
            if x == 2 do
              continue
            end
            if x == 5 do
              break
            end
            x
          end
          println("${r}")
          let m = %{"a" => 1, "b" => 2}
          let pairs = for {k, v} in m do "${k}=${v}" end
          println("${pairs}")
          let keys = for k in m do k end
          println("${keys}")
        end
        """, "[20, 40, 60]\n[0, 1, 3, 4]\n[a=1, b=2]\n[a, b]\n"),
    "while_with_break": ("""
        fn main() do
          let counter = 0
          while true do
            println("once")
            break
          end
          println("${counter}")
        end
        """, "once\n0\n"),
    "early_return": ("""
        fn find_first_big(xs) do
          for x in xs do
            if x > 10 do
              return x
            end
          end
          -1
        end
        fn main() do
          println("${find_first_big([1, 20, 30])} ${find_first_big([1])}")
        end
        """, "20 -1\n"),
    "try_operator_result_and_option": ("""
        fn half(n :: Int) -> Int!String do
          if n % 2 == 0 do
            Ok(n / 2)
          else
            Err("odd: ${n}")
          end
        end
        fn quarter(n :: Int) -> Int!String do
          let h = half(n)?
          half(h)
        end
        fn first_plus_one(xs :: List<Int>) -> Int? do
          let h = List.find(xs, fn x -> x > 0 end)?
          Some(h + 1)
        end
        fn show(r) do
          case r do
            Ok(v) -> "ok ${v}"
            Err(e) -> "err ${e}"
          end
        end
        fn main() do
          println(show(quarter(8)))
          println(show(quarter(6)))
          println("${first_plus_one([0, 4])} ${first_plus_one([0])}")
        end
        """, "ok 2\nerr odd: 3\nSome(5) None\n"),
    "structs_and_update": ("""
        struct Point do
          x :: Int
          y :: Int
        end
        fn main() do
          let p = Point { x: 1, y: 2 }
          let q = %{p | y: 20}
          println("${p.x} ${p.y} ${q.y}")
          println("${q}")
        end
        """, "1 2 20\nPoint { x: 1, y: 20 }\n"),
    "integer_semantics": ("""
        fn main() do
          println("${7 / -2} ${-7 / 2} ${-7 % 3} ${7 % -3}")
          println("${9223372036854775807 + 1}")
          println("${0 - 9223372036854775807 - 1 - 1}")
        end
        """, "-3 -3 -1 1\n-9223372036854775808\n9223372036854775807\n"),
    "float_display": ("""
        fn main() do
          println("${1.0 + 3.0} ${0.1 + 0.2} ${2.5e-3} ${1.0e21} ${-3.5}")
        end
        """, "4 0.30000000000000004 0.0025 1000000000000000000000 -3.5\n"),
    "collection_display": ("""
        fn main() do
          let m = Map.put(Map.put(Map.new(), "b", 1), "a", 2)
          println("${[[1, 2], [3]]} ${m} ${["x", "y"]}")
          println("${Set.add(Set.add(Set.new(), 3), 1)}")
        end
        """, "[[1, 2], [3]] %{b => 1, a => 2} [x, y]\n#{3, 1}\n"),
    "nested_interpolation": ("""
        fn main() do
          let name = "mesh"
          println("outer ${"inner ${name}"} ${String.length(name)}")
        end
        """, "outer inner mesh 4\n"),
    "keyword_arguments": ("""
        fn greet(opts) = Map.get(opts, "name")
        fn main() do
          println(greet(name: "Ann"))
        end
        """, "Ann\n"),
    "method_dot_syntax": ("""
        fn main() do
          println("${"hello".length()} ${[3, 1, 2].reverse()}")
          println("${42.to_string()}")
        end
        """, "5 [2, 1, 3]\n42\n"),
    "traits_and_default_methods": ("""
        struct Dog do
          name :: String
        end
        interface Speaker do
          fn speak(self) -> String
          fn twice(self) -> String do
            self.speak() <> self.speak()
          end
        end
        impl Speaker for Dog do
          fn speak(self) -> String do
            "woof(${self.name})"
          end
        end
        fn main() do
          let d = Dog { name: "rex" }
          println(d.speak())
          println(d.twice())
          println(speak(d))
        end
        """, "woof(rex)\nwoof(rex)woof(rex)\nwoof(rex)\n"),
    "from_conversion_in_try": ("""
        struct AppError do
          msg :: String
        end
        impl From<String> for AppError do
          fn from(s :: String) -> AppError do
            AppError { msg: "wrapped: " <> s }
          end
        end
        fn inner() -> Int!String do
          Err("boom")
        end
        fn outer() -> Int!AppError do
          let v = inner()?
          Ok(v + 1)
        end
        fn main() do
          case outer() do
            Ok(v) -> println("${v}")
            Err(e) -> println(e.msg)
          end
        end
        """, "wrapped: boom\n"),
    "operator_traits": ("""
        struct V do
          x :: Int
        end
        impl Add for V do
          type Output = V
          fn add(self, other :: V) -> V do
            V { x: self.x + other.x }
          end
        end
        fn main() do
          let v = V { x: 1 } + V { x: 2 }
          println("${v.x}")
        end
        """, "3\n"),
    "deriving_display_and_ordering": ("""
        struct P do
          a :: Int
          b :: String
        end deriving(Eq, Ord, Display)
        fn main() do
          let p = P { a: 1, b: "x" }
          let q = P { a: 2, b: "y" }
          println("${p} ${p < q} ${p == q}")
        end
        """, "P(1, x) true false\n"),
    "nested_named_function": ("""
        fn main() do
          fn sq(x) = x * x
          println("${sq(7)}")
        end
        """, "49\n"),
    "tail_call_a_million_deep": ("""
        fn loop(n, acc) do
          if n == 0 do
            acc
          else
            loop(n - 1, acc + 1)
          end
        end
        fn main() do
          println("${loop(1000000, 0)}")
        end
        """, "1000000\n"),
    "mutual_tail_recursion": ("""
        fn is_even(n) do
          if n == 0 do
            true
          else
            is_odd(n - 1)
          end
        end
        fn is_odd(n) do
          if n == 0 do
            false
          else
            is_even(n - 1)
          end
        end
        fn main() do
          println("${is_even(300001)}")
        end
        """, "false\n"),
    "tail_call_param_swap": ("""
        fn swap_loop(a, b, n) do
          if n == 0 do
            "${a} ${b}"
          else
            swap_loop(b, a, n - 1)
          end
        end
        fn main() do
          println(swap_loop(1, 2, 3))
        end
        """, "2 1\n"),
    "fib": ("""
        fn fib(n) do
          if n < 2 do
            n
          else
            fib(n - 1) + fib(n - 2)
          end
        end
        fn main() do
          println("${fib(20)}")
        end
        """, "6765\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_program(name, tmp_path, capsys):
    source, expected = CASES[name]
    code, out, err = run(tmp_path, capsys, source)
    assert (code, out) == (0, expected), err


PANICS = {
    "non_exhaustive_case": ("""
        fn main() do
          let x = 3
          case x do
            1 -> println("one")
          end
        end
        """, "non-exhaustive match", 3),
    "division_by_zero": ("""
        fn main() do
          let z = 0
          println("${10 / z}")
        end
        """, "divide by zero", 3),
    "list_index_out_of_bounds": ("""
        fn main() do
          println("${List.get([1], 5)}")
        end
        """, "mesh_list_get: index 5 out of bounds (len 1)", 2),
    "function_clause": ("""
        fn only_zero(0) = "zero"
        fn main() do
          println(only_zero(1))
        end
        """, "non-exhaustive match", 1),
}


@pytest.mark.parametrize("name", sorted(PANICS))
def test_panic_reports_location(name, tmp_path, capsys):
    source, message, line = PANICS[name]
    code, out, err = run(tmp_path, capsys, source)
    assert code == 101
    assert message in err
    assert f"prog.mpl:{line}:" in err


def test_deep_recursion_is_a_mesh_error(tmp_path):
    import subprocess
    import sys
    path = tmp_path / "deep.mpl"
    path.write_text(textwrap.dedent("""
        fn down(n) do
          if n == 0 do
            0
          else
            1 + down(n - 1)
          end
        end
        fn main() do
          println("${down(5000)}")
          println("${down(100000000)}")
        end
        """))
    r = subprocess.run([sys.executable, "-m", "mesh_interp", "run", str(path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 101
    assert r.stdout == "5000\n"
    assert "stack overflow" in r.stderr
    assert "Traceback" not in r.stderr


def test_compile_errors_have_locations(tmp_path, capsys):
    from mesh_interp.errors import MeshError
    path = tmp_path / "bad.mpl"
    path.write_text("fn main() do\n  continue\nend\n")
    with pytest.raises(MeshError) as info:
        load_program(str(path), check=False)
    assert info.value.code == "E0033"
    assert info.value.span.line == 2
