"""Hypothesis strategies that write Mesh programs.

`programs()` draws a well-typed program from a small typed grammar (the
subset of ../shared/docs/mesh/syntax.md that the examples use: functions with
typed parameters, let, if/else, case with literal/tuple/constructor patterns,
closures, pipes, string interpolation, lists, for over lists and ranges,
structs, sum types, self recursion, a service). Most of them parse, check
and run; a few panic (division by zero, List.head of []), which is fine.

`mutated()` takes such a program and breaks it: deleted / duplicated /
inserted tokens, swapped / deleted lines, random bytes, truncation, huge
literals, deep nesting, invalid UTF-8 and odd control characters. The result
is bytes (it may not be UTF-8 any more).
"""
from __future__ import annotations

import re

from hypothesis import strategies as st

INT, FLT, STR, BOOL, LINT = "Int", "Float", "String", "Bool", "List<Int>"

KEYWORDS = ("actor after alias and break call case cast cond continue def do else end "
            "false fn for if impl import in interface let link match module monitor nil "
            "not or pub receive return self send service spawn struct supervisor "
            "terminate trait trap true type when where while with").split()
PUNCT = ["(", ")", "[", "]", "{", "}", "%{", ",", ".", ":", "::", "->", "=>", "|", "|>",
         "<>", "++", "..", "=", "==", "!=", "<", ">", "+", "-", "*", "/", "%", "?", "!",
         "\"", "${", "#", "#=", "=#", ";", "\\", "&", "@", "$", "'", "`"]

BOUNDARY_INTS = [0, 1, -1, 2, 7, 10, 255, 1000, 2 ** 31, 2 ** 62,
                 9223372036854775807, -9223372036854775807]


class Scope:
    def __init__(self, fns=(), structs=False, shapes=False):
        self.vars: dict[str, list[str]] = {INT: [], FLT: [], STR: [], BOOL: [], LINT: []}
        self.fns = list(fns)          # (name, [param types], ret type)
        self.structs = structs        # struct Pt do x :: Int  y :: Int end
        self.shapes = shapes          # type Shape do Circle(Int) Rect(Int, Int) Empty end
        self.counter = 0

    def fresh(self, prefix="v") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def child(self) -> "Scope":
        s = Scope(self.fns, self.structs, self.shapes)
        s.vars = {k: list(v) for k, v in self.vars.items()}
        s.counter = self.counter + 100
        return s


def _int_lit(draw) -> str:
    n = draw(st.one_of(st.integers(-50, 200), st.sampled_from(BOUNDARY_INTS)))
    form = draw(st.integers(0, 9))
    if n >= 0 and form == 0:
        return hex(n)
    if n >= 1000 and form == 1:
        return f"{n:_}"
    return str(n) if n >= 0 else f"({n})"


_STR_CHARS = st.sampled_from(list("abcXYZ 019_-.,:;!?#{}[]()") +
                             ["\\n", "\\t", "\\\"", "\\\\", "\\$", "é", "ß", "日本", "🙂", "\\0"])


def _str_lit(draw, scope, depth) -> str:
    parts = draw(st.lists(_STR_CHARS, max_size=8))
    if depth > 0 and draw(st.booleans()):
        k = draw(st.integers(0, len(parts)))
        inner = expr(draw, draw(st.sampled_from([INT, STR, BOOL, LINT])), scope, depth - 1)
        if "\n" not in inner:
            parts.insert(k, "${" + inner + "}")
    return '"' + "".join(parts) + '"'


def expr(draw, ty: str, scope: Scope, depth: int) -> str:
    """An expression of type `ty` (one line unless it contains a block)."""
    vars_ = scope.vars[ty]
    leaf = depth <= 0 or draw(st.integers(0, 5)) == 0
    if leaf:
        if vars_ and draw(st.booleans()):
            return draw(st.sampled_from(vars_))
        if ty == INT:
            return _int_lit(draw)
        if ty == FLT:
            return draw(st.sampled_from(["0.0", "1.5", "2.5e-3", "1.0e10", "3.14", "1e5"]))
        if ty == STR:
            return _str_lit(draw, scope, 0)
        if ty == BOOL:
            return draw(st.sampled_from(["true", "false"]))
        return "[" + ", ".join(_int_lit(draw) for _ in range(draw(st.integers(0, 4)))) + "]"
    d = depth - 1
    e = lambda t: expr(draw, t, scope, d)  # noqa: E731
    pe = lambda t: _par(e(t))  # noqa: E731  (an operand: parenthesised)
    fns = [f for f in scope.fns if f[2] == ty]
    choice = draw(st.integers(0, 11))
    if fns and choice == 0:
        name, params, _ = draw(st.sampled_from(fns))
        return f"{name}({', '.join(e(p) for p in params)})"
    if choice == 1:
        return f"if {e(BOOL)} do {e(ty)} else {pe(ty)} end"
    if choice == 2 and ty != FLT:
        return case_expr(draw, ty, scope, d)
    if choice == 3:
        x = scope.fresh("x")
        inner = scope.child()
        inner.vars[INT].append(x)
        return f"{pe(INT)} |> fn {x} -> {expr(draw, ty, inner, d)} end"
    if ty == INT:
        c = draw(st.integers(0, 12))
        if c <= 4:
            op = draw(st.sampled_from(["+", "-", "*", "/", "%", "+", "*"]))
            return f"{pe(INT)} {op} {pe(INT)}"
        if c == 5:
            return f"-{pe(INT)}"
        if c == 6:
            return f"List.length({e(LINT)})"
        if c == 7:
            return f"String.length({e(STR)})"
        if c == 8:
            acc, x = scope.fresh("acc"), scope.fresh("x")
            inner = scope.child()
            inner.vars[INT] += [acc, x]
            return f"List.reduce({e(LINT)}, {e(INT)}, fn {acc}, {x} -> {expr(draw, INT, inner, d)} end)"
        if c == 9:
            n = scope.fresh("n")
            return (f"case String.to_int({e(STR)}) do Some({n}) -> {n} None -> {e(INT)} end")
        if c == 10 and scope.structs:
            return f"(Pt {{ x: {e(INT)}, y: {e(INT)} }}).{draw(st.sampled_from(['x', 'y']))}"
        if c == 11:
            return f"List.head({e(LINT)})"
        a, b = scope.fresh("a"), scope.fresh("b")
        inner = scope.child()
        inner.vars[INT] += [a, b]
        return f"case ({e(INT)}, {e(INT)}) do ({a}, {b}) -> {expr(draw, INT, inner, d)} end"
    if ty == FLT:
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return f"{pe(FLT)} {op} {pe(FLT)}"
    if ty == STR:
        c = draw(st.integers(0, 6))
        if c <= 1:
            return f"{pe(STR)} <> {pe(STR)}"
        if c == 2:
            return _str_lit(draw, scope, d)
        if c == 3:
            return f"String.slice({e(STR)}, {e(INT)}, {e(INT)})"
        if c == 4:
            x = scope.fresh("x")
            return f'String.join(List.map({e(LINT)}, fn {x} -> "${{{x}}}" end), {e(STR)})'
        if c == 5:
            return f"String.replace({e(STR)}, {e(STR)}, {e(STR)})"
        return f"String.to_upper({e(STR)})"
    if ty == BOOL:
        c = draw(st.integers(0, 5))
        if c <= 1:
            op = draw(st.sampled_from(["<", ">", "<=", ">=", "==", "!="]))
            return f"{pe(INT)} {op} {pe(INT)}"
        if c == 2:
            return f"{pe(BOOL)} {draw(st.sampled_from(['and', 'or', '&&', '||']))} {pe(BOOL)}"
        if c == 3:
            return f"not {pe(BOOL)}"
        if c == 4:
            return f"String.contains({e(STR)}, {e(STR)})"
        return f"{pe(STR)} == {pe(STR)}"
    # List<Int>
    c = draw(st.integers(0, 6))
    x = scope.fresh("x")
    inner = scope.child()
    inner.vars[INT].append(x)
    if c == 0:
        return "[" + ", ".join(e(INT) for _ in range(draw(st.integers(0, 4)))) + "]"
    if c == 1:
        return f"List.map({e(LINT)}, fn {x} -> {expr(draw, INT, inner, d)} end)"
    if c == 2:
        return f"List.filter({e(LINT)}, fn {x} -> {expr(draw, BOOL, inner, d)} end)"
    if c == 3:
        return f"{pe(LINT)} ++ {pe(LINT)}"
    if c == 4:
        n = draw(st.integers(0, 40))
        return f"for {x} in 0..{n} do {expr(draw, INT, inner, d)} end"
    if c == 5:
        return f"for {x} in {e(LINT)} do {expr(draw, INT, inner, d)} end"
    return f"List.reverse({e(LINT)})"


def _par(x: str) -> str:
    if re.fullmatch(r'[\w.]+|\(-?\d+\)', x):
        return x
    return "(" + x + ")"


def case_expr(draw, ty, scope, d) -> str:
    if scope.shapes and draw(st.booleans()):
        r, w, h = scope.fresh("r"), scope.fresh("w"), scope.fresh("h")
        in_c, in_r = scope.child(), scope.child()
        in_c.vars[INT].append(r)
        in_r.vars[INT] += [w, h]
        shape = draw(st.sampled_from([f"Circle({expr(draw, INT, scope, d)})",
                                      f"Rect({expr(draw, INT, scope, d)}, {expr(draw, INT, scope, d)})",
                                      "Empty"]))
        arms = [f"Circle({r}) -> {expr(draw, ty, in_c, d)}",
                f"Rect({w}, {h}) -> {expr(draw, ty, in_r, d)}",
                f"Empty -> {expr(draw, ty, scope, d)}"]
        return f"case {shape} do\n" + "\n".join(arms) + "\nend"
    arms = []
    for _ in range(draw(st.integers(0, 3))):
        # (no negative literal patterns: inside brackets `1\n-3 ->` reads as `1 - 3`)
        arms.append(f"{draw(st.sampled_from([0, 1, 2, 7, 42, 255, '0xff', '1_000']))} -> "
                    f"{expr(draw, ty, scope, d)}")
    n = scope.fresh("n")
    inner = scope.child()
    inner.vars[INT].append(n)
    guard = f" when {n} > {draw(st.integers(-5, 5))}" if draw(st.booleans()) else ""
    arms.append(f"{n}{guard} -> {expr(draw, ty, inner, d)}")
    arms.append(f"_ -> {expr(draw, ty, scope, d)}")
    return f"case {expr(draw, INT, scope, d)} do\n" + "\n".join(arms) + "\nend"


def block(draw, ret: str, scope: Scope, depth: int, indent: str = "  ") -> list[str]:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 2))
        if kind <= 1:
            ty = draw(st.sampled_from([INT, STR, BOOL, LINT, INT, FLT]))
            name = scope.fresh("v")
            lines.append(f"let {name} = {expr(draw, ty, scope, depth)}")
            scope.vars[ty].append(name)
        else:
            lines.append(f'println({expr(draw, STR, scope, depth)})')
    if ret is not None:
        lines.append(expr(draw, ret, scope, depth))
    return [indent + ln for ln in "\n".join(lines).split("\n")]


PRELUDE_ITEMS = {
    "struct": "struct Pt do\n  x :: Int\n  y :: Int\nend deriving(Eq, Display)\n",
    "shape": "type Shape do\n  Circle(Int)\n  Rect(Int, Int)\n  Empty\nend deriving(Eq, Display)\n",
    "rec": ("fn down(n :: Int) -> Int do\n  if n <= 0 do\n    0\n  else\n    1 + down(n - 1)\n"
            "  end\nend\n"),
    "loop": ("fn count(n :: Int, acc :: Int) -> Int do\n  if n <= 0 do\n    acc\n  else\n"
             "    count(n - 1, acc + n)\n  end\nend\n"),
    "service": ("service Counter do\n  fn init(start :: Int) -> Int do\n    start\n  end\n"
                "  call Get() :: Int do |n|\n    (n, n)\n  end\n"
                "  cast Add(k :: Int) do |n|\n    n + k\n  end\nend\n"),
    "actor": ("actor echo(k :: Int) do\n  receive do\n    n -> println(\"echo ${n + k}\")\n"
              "  after 50 -> println(\"quiet\")\n  end\nend\n"),
}


@st.composite
def programs(draw) -> str:
    """A (mostly) well-typed Mesh program as text."""
    items = draw(st.lists(st.sampled_from(sorted(PRELUDE_ITEMS)), unique=True, max_size=4))
    scope = Scope(structs="struct" in items, shapes="shape" in items)
    out = [PRELUDE_ITEMS[k] for k in items]
    if "rec" in items:
        scope.fns.append(("down", [INT], INT))
    if "loop" in items:
        scope.fns.append(("count", [INT, INT], INT))
    depth = draw(st.integers(1, 3))
    for i in range(draw(st.integers(0, 3))):
        params = draw(st.lists(st.sampled_from([INT, STR, BOOL, LINT]), max_size=3))
        ret = draw(st.sampled_from([INT, STR, BOOL, LINT]))
        inner = Scope(scope.fns, scope.structs, scope.shapes)
        names = []
        for j, p in enumerate(params):
            names.append(f"p{j}")
            inner.vars[p].append(f"p{j}")
        sig = ", ".join(f"{n} :: {p}" for n, p in zip(names, params))
        body = block(draw, ret, inner, depth)
        out.append(f"fn f{i}({sig}) -> {ret} do\n" + "\n".join(body) + "\nend\n")
        scope.fns.append((f"f{i}", params, ret))
    main = block(draw, None, scope, depth)
    if "service" in items:
        main += ["  let c = Counter.start(1)", "  Counter.add(c, 41)",
                 '  println("counter ${Counter.get(c)}")']
    if "actor" in items:
        main += ["  let p = spawn(echo, 1)", "  send(p, 41)"]
    main.append(f'  println("done ${{{expr(draw, INT, scope, 1)}}}")')
    out.append("fn main() do\n" + "\n".join(main) + "\nend\n")
    return "\n".join(out)


# ---------------------------------------------------------------- mutations

_TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|0x[0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?|'
                    r'[A-Za-z_]\w*|::|->|=>|\|>|<>|\+\+|\.\.|==|!=|<=|>=|%\{|\$\{|\S')
_NUMBER = re.compile(r"(?<![\w.])\d[\d_]*(?:\.\d+)?")

HUGE = ["9" * 30, "9" * 400, "9223372036854775808", "-9223372036854775808",
        "0x" + "f" * 40, "0b" + "1" * 100, "1" + "0" * 4000, "1.0e400", "1e-400",
        "123456789012345678901234567890.5", "1_000_000_000_000_000_000_000"]
BAD_BYTES = [b"\xff", b"\xfe\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
             b"\x80", b"\xe2\x82", b"\x00", b"\r", b"\x0c", b"\xef\xbb\xbf", b"\t",
             b"\xe2\x80\xa8", b"\xc2\xa0"]


def _nest(draw, depth: int) -> str:
    kind = draw(st.sampled_from(["paren", "list", "if", "closure", "interp", "neg",
                                 "chain", "not", "case", "tuple", "map", "block_comment",
                                 "call"]))
    if kind == "paren":
        return "(" * depth + "1" + ")" * depth
    if kind == "list":
        return "[" * depth + "1" + "]" * depth
    if kind == "if":
        return "if true do " * depth + "1" + " else 2 end" * depth
    if kind == "closure":
        return "(fn -> " * depth + "1" + " end)()" * depth
    if kind == "interp":
        return '"${' * depth + "1" + '}"' * depth
    if kind == "neg":
        return "-" * depth + "1"
    if kind == "chain":
        return " + ".join(["1"] * depth)
    if kind == "not":
        return "not " * depth + "true"
    if kind == "case":
        return "case 1 do _ -> " * depth + "1" + " end" * depth
    if kind == "tuple":
        return "(1, " * depth + "1" + ")" * depth
    if kind == "map":
        return '%{"k" => ' * depth + "1" + "}" * depth
    if kind == "block_comment":
        return "#= " * depth + "x" + " =#" * depth + " 1"
    return "String.length(" * depth + '"x"' + ")" * depth


@st.composite
def mutated(draw, base=None) -> bytes:
    text = draw(base if base is not None else programs())
    n_mut = draw(st.integers(1, 3))
    data = text.encode("utf-8")
    for _ in range(n_mut):
        text = data.decode("utf-8", "surrogateescape")
        kind = draw(st.sampled_from([
            "delete_token", "dup_token", "insert_token", "swap_lines", "delete_line",
            "dup_line", "random_bytes", "truncate", "huge_literal", "deep_nesting",
            "bad_utf8", "replace_char", "indent"]))
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        lines = text.split("\n")
        if kind == "delete_token" and tokens:
            a, b = draw(st.sampled_from(tokens))
            text = text[:a] + text[b:]
        elif kind == "dup_token" and tokens:
            a, b = draw(st.sampled_from(tokens))
            text = text[:b] + " " + text[a:b] + text[b:]
        elif kind == "insert_token" and tokens:
            a, _ = draw(st.sampled_from(tokens))
            tok = draw(st.sampled_from(KEYWORDS + PUNCT))
            text = text[:a] + tok + " " + text[a:]
        elif kind == "swap_lines" and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == "delete_line" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "\n".join(lines)
        elif kind == "dup_line" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif kind == "truncate":
            text = text[:draw(st.integers(0, len(text)))]
        elif kind == "huge_literal":
            nums = [(m.start(), m.end()) for m in _NUMBER.finditer(text)]
            if nums:
                a, b = draw(st.sampled_from(nums))
                text = text[:a] + draw(st.sampled_from(HUGE)) + text[b:]
        elif kind == "deep_nesting":
            depth = draw(st.sampled_from([50, 200, 1000, 3000]))
            nest = _nest(draw, depth)
            i = text.rfind("fn main() do\n")
            if i >= 0:
                i += len("fn main() do\n")
                text = text[:i] + f"  let deep = {nest}\n  println(\"${{deep}}\")\n" + text[i:]
        elif kind == "replace_char" and text:
            i = draw(st.integers(0, len(text) - 1))
            c = draw(st.characters(codec="utf-8"))
            text = text[:i] + c + text[i + 1:]
        elif kind == "indent":
            text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n\n", "\n\t", " \n"])))
        data = text.encode("utf-8", "surrogateescape")
        if kind == "random_bytes":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.binary(min_size=1, max_size=12)) + data[i:]
        elif kind == "bad_utf8":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.sampled_from(BAD_BYTES)) + data[i:]
    return data
