"""eval/pygen.py: whole Mesh functions compiled to Python source.

Every case runs twice, with the generator (the default) and with the
closure compiler only (MESH_PYGEN=0), and both must print exactly the
expected output; each case also checks in-process that its functions were
really generated (a fallback to closures would make the test vacuous).
"""
from __future__ import annotations

import textwrap

import pytest

from conftest import run_mesh

CASES = {
    "shadowing_in_blocks": ("""
        fn main() do
          let x = 1
          let y = if x > 0 do
            let x = 5
            x * 2
          else
            0
          end
          let x = x + 1
          println("${x} ${y}")
        end
        """, "2 10\n"),
    "closures_capture_by_value_in_a_loop": ("""
        fn build(i, n, acc) do
          if i == n do
            acc
          else
            build(i + 1, n, List.append(acc, fn () -> i * 10 end))
          end
        end

        fn main() do
          let fs = build(0, 3, [])
          let vals = List.map(fs, fn f -> f() end)
          println("${vals}")
        end
        """, "[0, 10, 20]\n"),
    "evaluation_order_with_a_case_argument": ("""
        fn say(s, v) do
          println(s)
          v
        end

        fn add3(a, b, c) = a + b + c

        fn main() do
          let r = add3(say("a", 1), case say("b", 2) do
            2 -> say("c", 20)
            _ -> 0
          end, say("d", 300))
          println("${r}")
        end
        """, "a\nb\nc\nd\n321\n"),
    "multi_clause_patterns_and_guards": ("""
        type Shape do
          Circle(Int)
          Rect(Int, Int)
          Empty
        end

        fn area(Circle(r)) = 3 * r * r
        fn area(Rect(w, h)) when w == h = w * w
        fn area(Rect(w, h)) = w * h
        fn area(Empty) = 0

        fn first_two(xs) do
          case xs do
            a :: b :: _ -> a + b
            a :: _ -> a
            _ -> -1
          end
        end

        fn main() do
          println("${area(Circle(2))} ${area(Rect(3, 3))} ${area(Rect(2, 5))} ${area(Empty)}")
          println("${first_two([4, 5, 6])} ${first_two([7])} ${first_two([])}")
          let t = (1, "x")
          let (n, s) = t
          println("${n}${s}")
          let kind = case 3 do
            1 | 2 -> "small"
            _ -> "big"
          end
          println(kind)
        end
        """, "12 9 10 0\n9 7 -1\n1x\nbig\n"),
    "tail_calls_self_and_to_others": ("""
        fn count(i, acc) do
          if i == 0 do acc else count(i - 1, acc + 2) end
        end

        fn twice(i) = count(i, 0) * 2

        fn pick(flag, i) do
          if flag do count(i, 1) else twice(i) end
        end

        fn main() do
          println("${count(500000, 0)} ${pick(true, 3)} ${pick(false, 3)}")
        end
        """, "1000000 7 12\n"),
    "nested_named_fn_recursion": ("""
        fn main() do
          fn go(n, acc) do
            if n == 0 do acc else go(n - 1, acc + n) end
          end
          fn fact(n) do
            if n <= 1 do 1 else n * fact(n - 1) end
          end
          println("${go(100000, 0)} ${fact(10)}")
        end
        """, "5000050000 3628800\n"),
    "for_while_break_continue": ("""
        fn main() do
          let squares = for x in 1..6 do
            x * x
          end
          let evens = for x in [1, 2, 3, 4, 5, 6] when x % 2 == 0 do
            x
          end
          let upto = for x in 1..100 do
            if x > 3 do
              break
            end
            x
          end
          let m = %{"a" => 1, "b" => 2}
          let pairs = for {k, v} in m do
            "${k}=${v}"
          end
          println("${squares} ${evens} ${upto} ${pairs}")
        end
        """, "[1, 4, 9, 16, 25] [2, 4, 6] [1, 2, 3] [a=1, b=2]\n"),
    "try_operator": ("""
        fn parse(s :: String) -> Int!String do
          case String.to_int(s) do
            Some(n) -> Ok(n)
            None -> Err("bad: ${s}")
          end
        end

        fn sum2(a :: String, b :: String) -> Int!String do
          let x = parse(a)?
          let y = parse(b)?
          Ok(x + y)
        end

        fn main() do
          println("${sum2("1", "2")} ${sum2("1", "z")}")
        end
        """, "Ok(3) Err(bad: z)\n"),
    "int_wraps_and_float_rules": ("""
        fn main() do
          let big = 9223372036854775807
          let nan = 0.0 / 0.0
          println("${big + 1} ${-7 / 2} ${-7 % 3} ${7 / 2} ${1.5 * 2.0}")
          println("${nan == nan} ${nan != nan} ${1 < 2} ${"a" < "b"}")
        end
        """, "-9223372036854775808 -3 -1 3 3\nfalse false true true\n"),
    "receive_with_guards_and_after": ("""
        actor printer(left :: Int) do
          let line = receive do
            (tag, n) when n > 10 -> "${tag}: big ${n}"
            (tag, n) -> "${tag}: small ${n}"
          after 2000 -> "gave up"
          end
          println(line)
          if left > 1 do
            printer(left - 1)
          else
            let last = receive do
              x -> "unexpected"
            after 20 -> "quiet"
            end
            println(last)
            self()
          end
        end

        fn main() do
          let p = spawn(printer, 2)
          send(p, ("a", 3))
          send(p, ("b", 30))
        end
        """, "a: small 3\nb: big 30\nquiet\n"),
    "map_put_in_place_never_changes_a_visible_map": ("""
        fn fill(m, i, n) do
          if i == n do m else fill(Map.put(m, i, i * i), i + 1, n) end
        end

        fn fill_saving(m, i, saved) do
          if i == 3 do
            (m, saved)
          else
            fill_saving(Map.put(m, i, i), i + 1, m)
          end
        end

        fn fill_keeping(m, i, kept) do
          let k = m
          if i == 3 do
            (m, kept)
          else
            fill_keeping(Map.put(m, i, i), i + 1, List.append(kept, k))
          end
        end

        fn add(m, k) = Map.put(m, k, 1)

        fn main() do
          let base = fill(Map.new(), 0, 3)
          let bigger = fill(base, 3, 5)
          println("${Map.size(base)} ${Map.size(bigger)}")
          let (last, saved) = fill_saving(Map.new(), 0, Map.new())
          println("${Map.size(last)} ${Map.size(saved)}")
          let (m, kept) = fill_keeping(Map.new(), 0, [])
          println("${Map.size(m)} ${List.map(kept, fn x -> Map.size(x) end)}")
          let a = add(base, 100)
          let f = fn () -> Map.size(base) end
          let b = add(base, 200)
          println("${Map.size(a)} ${Map.size(b)} ${f()} ${Map.size(base)} ${Map.get(bigger, 4)}")
        end
        """, "3 5\n3 2\n3 [0, 1, 2]\n4 4 3 3 16\n"),
}


def _write(tmp_path, name, src):
    path = tmp_path / f"{name}.mpl"
    path.write_text(textwrap.dedent(src).lstrip())
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_and_closure_paths_agree(tmp_path, name):
    src, expected = CASES[name]
    path = _write(tmp_path, name, src)
    for flag in ("1", "0"):
        r = run_mesh("run", str(path), env={"MESH_PYGEN": flag})
        assert (r.returncode, r.stdout) == (0, expected), (flag, r.stderr)


@pytest.mark.parametrize("name", sorted(CASES))
def test_functions_are_generated(tmp_path, name):
    """Every top-level function of the case compiles to Python (no fallback)."""
    from mesh_interp import driver
    from mesh_interp.eval import pygen
    from mesh_interp.eval.values import Function
    if not pygen.ENABLED:
        pytest.skip("MESH_PYGEN=0 in this environment")
    src, _expected = CASES[name]
    program = driver.load_program(str(_write(tmp_path, name, src)))
    ns = program.modules["Main"]
    fns = [v for v in ns.values.values() if type(v) is Function and v.py is not None]
    assert fns
    for fn in fns:
        fn.py  # compiled at load (compile_now)
        assert pygen.code_owner(fn.py.__code__) is not None, fn.name


def test_a_panic_in_generated_code_points_at_the_call(tmp_path):
    path = _write(tmp_path, "panic", """
        fn div(a, b) = a / b

        fn main() do
          let x = 10
          println("${div(x, 0)}")
        end
        """)
    for flag in ("1", "0"):
        r = run_mesh("run", str(path), env={"MESH_PYGEN": flag})
        assert r.returncode == 101
        assert "attempt to divide by zero" in r.stderr
        assert "panic.mpl:1:" in r.stderr, (flag, r.stderr)


def test_a_native_panic_is_located_at_its_call(tmp_path):
    path = _write(tmp_path, "native", """
        fn main() do
          let xs = [1, 2]
          let a = List.length(xs)
          let b = List.get(xs, 5)
          println("${a} ${b}")
        end
        """)
    outs = []
    for flag in ("1", "0"):
        r = run_mesh("run", str(path), env={"MESH_PYGEN": flag})
        assert r.returncode == 101, r.stderr
        assert "native.mpl:4:" in r.stderr, (flag, r.stderr)
        outs.append(r.stderr)
    assert outs[0] == outs[1]


def test_deep_recursion_is_a_located_overflow(tmp_path):
    path = _write(tmp_path, "deep", """
        fn down(n) do
          if n == 0 do 0 else 1 + down(n - 1) end
        end

        fn main() do
          println("${down(100000000)}")
        end
        """)
    r = run_mesh("run", str(path))
    assert r.returncode == 101
    assert "stack overflow: recursion too deep in `down`" in r.stderr
    assert "deep.mpl:1:" in r.stderr


def test_put_owned_updates_in_place_only_when_unshared():
    from mesh_interp.eval.collections import EMPTY_MAP

    def unshared():
        m = EMPTY_MAP.put(1, 1)
        return m.put_owned(2, 2) is m, m

    def shared():
        m = EMPTY_MAP.put(1, 1)
        other = m
        r = m.put_owned(2, 2)
        return r is m, other

    same, m = unshared()
    assert same and len(m) == 2 and m.put(3, 3) is not m and len(m) == 2
    same, other = shared()
    assert not same and len(other) == 1


def test_the_loop_in_the_map_benchmark_puts_in_place():
    """The self tail call `fill(Map.put(m, ...), ...)` is generated with
    put_owned (the benchmark's speed depends on it), the lookup loop not."""
    from mesh_interp import driver
    from mesh_interp.eval.collections import MeshMap
    from conftest import REPO_ROOT
    program = driver.load_program(str(REPO_ROOT / "bench/programs/map_ops.mpl"))
    ns = program.modules["Main"]
    consts = ns.values["fill"].py.__globals__.values()
    assert any(v is MeshMap.put_owned for v in consts)
    assert not any(v is MeshMap.put_owned for v in ns.values["lookup"].py.__globals__.values())
