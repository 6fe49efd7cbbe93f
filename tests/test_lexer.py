"""The Pygments lexer for Mesh (mesh_interp/repl/lexer.py)."""

from __future__ import annotations

import importlib.metadata

import pytest
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

from conftest import PROGRAMS_DIR, REPO_ROOT
from mesh_interp.repl.lexer import KEYWORDS, MeshLexer


def tokens(src: str) -> list[tuple[object, str]]:
    """Non-whitespace tokens of src (the trailing newline pygments adds dropped)."""
    return [(t, v) for t, v in MeshLexer().get_tokens(src)
            if t not in (Whitespace,) and v.strip() != ""]


def kinds(src: str) -> list[object]:
    return [t for t, _ in tokens(src)]


def token_of(src: str, text: str):
    """The token type of the first token whose text is `text`."""
    for t, v in tokens(src):
        if v == text:
            return t
    raise AssertionError(f"no token {text!r} in {tokens(src)}")


def test_metadata():
    assert MeshLexer.name == "Mesh"
    assert MeshLexer.aliases == ["mesh"]
    assert MeshLexer.filenames == ["*.mpl"]
    assert len(KEYWORDS) == 48


def test_roundtrip_text():
    src = 'fn main() do\n  println("hi ${1 + 2}")\nend\n'
    assert "".join(v for _, v in MeshLexer().get_tokens(src)) == src


@pytest.mark.parametrize("src,text,expected", [
    ("# a comment\n", "# a comment", Comment.Single),
    ("## a doc comment\n", "## a doc comment", String.Doc),
    ("##! module doc\n", "##! module doc", String.Doc),
    ("x = 1 # trailing\n", "# trailing", Comment.Single),
])
def test_line_comments(src, text, expected):
    assert token_of(src, text) is expected


def test_nested_block_comment():
    src = "#= outer #= inner =# still comment =#\nlet x = 1\n"
    toks = tokens(src)
    comment = "".join(v for t, v in toks if t in Comment)
    assert comment == "#= outer #= inner =# still comment =#"
    assert (Keyword.Declaration, "let") in toks
    assert (Number.Integer, "1") in toks


def test_multiline_block_comment():
    src = "#= line one\n   #= nested\n =# line three =#\nfn f() = 1\n"
    toks = tokens(src)
    first_code = toks.index((Keyword.Declaration, "fn"))
    assert first_code > 0
    assert all(t in Comment for t, _ in toks[:first_code])
    assert (Name.Function, "f") in toks
    assert not [v for t, v in toks if t is Error]


@pytest.mark.parametrize("word", [
    "if", "else", "case", "match", "when", "for", "in", "while", "break",
    "continue", "do", "end", "return", "receive", "after", "spawn", "send",
])
def test_control_keywords(word):
    assert token_of(f"{word} ", word) in Keyword


@pytest.mark.parametrize("word", ["true", "false", "nil"])
def test_constants(word):
    assert token_of(word, word) is Keyword.Constant


@pytest.mark.parametrize("word", ["and", "or", "not"])
def test_word_operators(word):
    assert token_of(f"a {word} b", word) is Operator.Word


def test_every_keyword_is_a_keyword_or_operator():
    for word in KEYWORDS:
        t = token_of(f"{word} x", word)
        assert t in Keyword or t is Operator.Word or t is Name.Builtin.Pseudo, (word, t)


def test_function_definitions():
    assert token_of("fn add(a, b) = a + b", "add") is Name.Function
    assert token_of("pub fn area(w :: Float) -> Float do\n w\nend", "area") is Name.Function
    assert token_of("  def helper do\n 1\nend", "helper") is Name.Function
    assert token_of("fn tick do\n 1\nend", "tick") is Name.Function
    assert token_of("fn first<T>(x :: T) -> T do x end", "first") is Name.Function
    # A closure parameter is not a function name.
    assert token_of("let f = fn x -> x end", "x") is Name
    assert token_of("actor counter(n :: Int) do\nend", "counter") is Name.Function


def test_type_names():
    assert token_of("x :: Int", "Int") is Name.Class
    assert token_of("struct Point do\nend", "Point") is Name.Class
    assert token_of("type Shape do\n Circle(Float)\nend", "Shape") is Name.Class
    assert token_of("type Shape do\n Circle(Float)\nend", "Circle") is Name.Class
    assert token_of("String.length(s)", "String") is Name.Class


def test_deriving():
    toks = tokens("end deriving(Eq, Display)")
    assert toks[0] == (Keyword, "end")
    assert toks[1] == (Keyword, "deriving")
    assert (Name.Class, "Display") in toks


def test_member_access():
    assert token_of("String.length(s)", "length") is Name.Function
    assert token_of("p.x", "x") is Name.Attribute
    # Keywords are member names after a dot.
    assert token_of("Ws.send(c, m)", "send") is Name.Function
    assert token_of("Query.where(q, :a, 1)", "where") is Name.Function


@pytest.mark.parametrize("src,expected", [
    ("42", Number.Integer),
    ("1_000_000", Number.Integer),
    ("0xFF", Number.Hex),
    ("0b1010", Number.Bin),
    ("0o755", Number.Oct),
    ("3.14", Number.Float),
    ("2.5e-3", Number.Float),
    ("1e5", Number.Float),
])
def test_numbers(src, expected):
    assert tokens(src) == [(expected, src)]


def test_range_is_not_a_float():
    assert tokens("1..5") == [(Number.Integer, "1"), (Operator, ".."), (Number.Integer, "5")]


def test_atoms():
    assert token_of("Query.order_by(q, :asc)", ":asc") is String.Symbol
    assert token_of("x :: Int", "::") is Operator


def test_string_with_interpolation():
    toks = tokens('"a ${x + 1} b"')
    assert toks[0] == (String.Double, '"')
    assert (String.Interpol, "${") in toks
    assert (Name, "x") in toks
    assert (Operator, "+") in toks
    assert (String.Interpol, "}") in toks
    assert toks[-1] == (String.Double, '"')


def test_interpolation_with_braces_and_nested_strings():
    src = '"${f(%{"k" => 1})} and ${"inner ${y}"} and ${P { x: 1 }.x}"'
    toks = tokens(src)
    assert not [v for t, v in toks if t is Error]
    assert [v for t, v in toks if t is String.Interpol] == ["${", "}", "${", "${", "}", "}", "${", "}"]
    assert toks[-1] == (String.Double, '"')


def test_escapes_and_dollar():
    toks = tokens(r'"say \"hi\" \${no} $5"')
    assert (String.Escape, r"\"") in toks
    assert (String.Escape, r"\$") in toks
    assert String.Interpol not in [t for t, _ in toks]


def test_triple_quoted_string():
    src = '"""a "quoted" ""pair"" ${x}"""'
    toks = tokens(src)
    assert toks[0] == (String.Double, '"""')
    assert toks[-1] == (String.Double, '"""')
    assert (Name, "x") in toks


def test_operators():
    src = "a |> f() <> b ++ c -> d => e :: f == g != h <= i >= j && k || l"
    ops = [v for t, v in tokens(src) if t is Operator]
    assert ops == ["|>", "<>", "++", "->", "=>", "::", "==", "!=", "<=", ">=", "&&", "||"]


def test_map_literal_and_struct_update():
    toks = tokens('%{"a" => 1}')
    assert toks[0] == (Punctuation, "%{")
    toks = tokens("%{p | x: 10}")
    assert toks[0] == (Punctuation, "%{")
    assert (Operator, "|") in toks


REALISTIC = '''\
##! A realistic program for the lexer test.
# Shapes and their areas.
#= a block comment
   #= nested =#
=#
pub type Shape do
  Circle(Float)
  Rect(w :: Float, h :: Float)
  Empty
end deriving(Eq, Display, Debug)

struct Account do
  owner :: String
  balance :: Int
end

interface Describe do
  fn describe(self) -> String
end

impl Describe for Account do
  fn describe(self) -> String do
    "${self.owner}: ${self.balance}"
  end
end

fn area(Shape.Circle(r)) = 3.14 * r * r
fn area(Shape.Rect(w, h)) = w * h
fn area(_) = 0.0

fn parse_num(s :: String) -> Int!String do
  case String.to_int(s) do
    Some(n) -> Ok(n)
    None -> Err("not a number: \\"${s}\\"")
  end
end

fn total(xs :: List<String>) -> Int!String do
  let a = parse_num(List.head(xs))?
  Ok(a + 0x10 + 1_000)
end

actor counter(n :: Int) do
  receive do
    {:inc, k} -> counter(n + k)
    :stop -> nil
  after 1000 -> println("idle")
  end
end

service Store do
  fn init(start :: Int) -> Int do
    start
  end
  call Get() :: Int do |n|
    (n, n)
  end
  cast Add(k :: Int) do |n|
    n + k
  end
end

fn main() do
  let shapes = [Circle(1.0), Rect(2.0, 3.5e0), Empty]
  let areas = shapes |> List.map(fn s -> area(s) end)
  for {k, v} in %{"a" => 1, "b" => 2} when v > 1 do
    println("${k} => ${v}")
  end
  let acct = Account { owner: "ann", balance: 10 }
  let acct = %{acct | balance: acct.balance + 5}
  println(acct.describe())
  let q = Query.where(Query.from("users"), :name, "ann")
  if not (List.length(areas) == 0) && true || false do
    println("""multi "line"
  text ${List.length(areas)}""")
  else
    println("none")
  end
  while true do
    break
  end
  let pid = spawn(counter, 0)
  send(pid, :stop)
  let xs = 1..10
  -5 % 3
end
'''


def test_no_error_tokens_on_realistic_program():
    errors = [(t, v) for t, v in MeshLexer().get_tokens(REALISTIC) if t is Error]
    assert errors == []


def test_no_error_tokens_on_example_programs():
    programs = sorted(PROGRAMS_DIR.glob("*.mpl"))
    for path in programs:
        src = path.read_text(encoding="utf-8")
        errors = [(t, v) for t, v in MeshLexer().get_tokens(src) if t is Error]
        assert errors == [], path.name


def test_pygments_plugin_entry_point():
    try:
        importlib.metadata.distribution("mesh_interp")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("mesh_interp is not installed (pip install -e .)")
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert type(get_lexer_by_name("mesh")).__name__ == "MeshLexer"
    assert type(get_lexer_for_filename("main.mpl")).__name__ == "MeshLexer"
