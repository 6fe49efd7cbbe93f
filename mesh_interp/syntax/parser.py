"""The Mesh parser: a pre-pass over the text, the parsimonious grammar in
mesh.peg, and a tree builder producing the AST of ast.py.

Pipeline
1. `_prepass` scans the text once (strings incl. triple-quoted, `${...}`
   interpolation nesting, nestable `#= =#` block comments, line comments and
   the depth of ( [ { ) and returns a text of the SAME LENGTH in which every
   comment character and every insignificant newline (inside brackets, or
   before a continuation line that starts with `|>`) is a space. Offsets in
   it are offsets in the original file. It also records where `##` doc
   comments start.
2. The grammar (mesh.peg) matches that text. The only "\\n" it sees are
   statement terminators; separators between statements are optional
   (syntax.md §8.4), PEG greediness splits statements where the next token
   cannot continue the expression.
3. `_Builder` walks the parse tree and builds AST nodes with spans, applies
   operator precedence to the flat `operand (op operand)*` lists from one
   table (`PRECEDENCE`, syntax.md §6.2), processes string escapes and does the
   desugaring listed in ast.py.

Deviation (documented): hexadecimal, binary, octal and underscored numeric
literals get their real value (upstream evaluates them to 0, syntax.md §5.1).
"""
from __future__ import annotations

import gc
import os
import pickle
import re
import sys

import regex as _regex
from collections import defaultdict

from parsimonious.exceptions import ParseError as _PParseError
from parsimonious.grammar import Grammar

from ..errors import MeshParseError
from ..source import SourceFile, Span
from . import ast as A

__all__ = ["parse", "parse_text", "PRECEDENCE"]

# ---------------------------------------------------------------- grammar

_GRAMMARS: dict[str, Grammar] = {}


def _load_grammar(name: str) -> Grammar:
    g = _GRAMMARS.get(name)
    if g is None:
        here = os.path.dirname(os.path.abspath(__file__))
        g = _GRAMMARS[name] = _compiled_grammar(name, os.path.join(here, "__pycache__"),
                                                write=not sys.dont_write_bytecode)
    return g


def _compiled_grammar(name: str, kept_dir: str, write: bool = True) -> Grammar:
    """The Grammar of syntax/<name>. Building one from the text costs ~0.15 s
    (parsimonious parses the rules, and the `regex` module compiles each
    pattern in Python); a pickle of it loads in a few ms (a pickled `regex`
    pattern keeps its compiled form). So, like CPython's .pyc files, the
    built grammar is kept in this package's __pycache__, under a key made of
    the grammar's text and the versions of Python, parsimonious and regex;
    anything else found there is ignored and replaced. Not written when
    Python does not write .pyc files either (PYTHONDONTWRITEBYTECODE)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, name), encoding="utf-8") as fh:
        text = fh.read()
    key = _grammar_key(text)
    kept = os.path.join(kept_dir, name + ".pickle")
    try:
        with open(kept, "rb") as fh:
            if pickle.load(fh) == key:
                g = pickle.load(fh)
                if isinstance(g, Grammar):
                    return g
    except Exception:
        pass
    g = Grammar(text)
    if write:
        _keep_grammar(kept, key, g)
    return g


def _grammar_key(text: str) -> str:
    import hashlib
    import parsimonious.expressions
    h = hashlib.sha256(text.encode("utf-8"))
    st = os.stat(parsimonious.expressions.__file__)
    h.update(repr((sys.version, _regex.__version__, getattr(_regex._regex, "MAGIC", None),
                   st.st_size, st.st_mtime_ns)).encode())
    return h.hexdigest()


def _keep_grammar(path: str, key: str, g: Grammar) -> None:
    import tempfile
    tmp = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(key, fh, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(g, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    except Exception:
        pass      # a read-only installation: build the grammar every time
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _grammar() -> Grammar:
    """The grammar files are parsed with (mesh.peg, tuned for speed)."""
    return _load_grammar("mesh.peg")


def _error_grammar() -> Grammar:
    """The grammar syntax errors are worded from (mesh_errors.peg): only
    loaded when a file does not parse."""
    return _load_grammar("mesh_errors.peg")


# Binary operators, loosest first binding power (syntax.md §6.2). All are
# left-associative. Spelling variants are normalised by _OP_NORMAL.
PRECEDENCE = {
    "|>": 3,
    "or": 5, "||": 5,
    "and": 7, "&&": 7,
    "==": 9, "!=": 9,
    "<": 11, ">": 11, "<=": 11, ">=": 11,
    "..": 13,
    "<>": 15, "++": 15,
    "+": 17, "-": 17,
    "*": 19, "/": 19, "%": 19,
}
_OP_NORMAL = {"||": "or", "&&": "and", "++": "<>"}

_WS = " \t\n;"

# ---------------------------------------------------------------- pre-pass

_CODE_STOP = re.compile(r'[\n\r#"()\[\]{}]')
_STR_STOP = re.compile(r'[\\$"]')
_BLOCK_COMMENT = re.compile(r"#=|=#")
_LINE_END = re.compile(r"[\n\r]")
_PIPE_CONT = re.compile(r"\n[ \t\n]*(?=\|>)")


class _Prepassed:
    __slots__ = ("text", "docs")

    def __init__(self, text: str, docs: set[int]):
        self.text = text
        self.docs = docs


def _prepass(src: SourceFile) -> _Prepassed:
    text = src.text
    n = len(text)
    out = list(text)
    docs: set[int] = set()
    # Delimiter depths (token based, like the reference parser).
    dp = db = dc = 0
    # Mode stack: ["s", triple, start] for a string, ["i", braces] for an
    # interpolation; empty stack = ordinary code.
    stack: list[list] = []
    pos = 0
    while True:
        top = stack[-1] if stack else None
        if top is None or top[0] == "i":
            m = _CODE_STOP.search(text, pos)
            if m is None:
                break
            i = m.start()
            c = text[i]
            if c == "\n":
                if dp or db or dc:
                    out[i] = " "
                pos = i + 1
            elif c == "\r":
                if (i + 1 < n and text[i + 1] == "\n") or dp or db or dc:
                    out[i] = " "
                else:
                    out[i] = "\n"
                pos = i + 1
            elif c == "#":
                if text.startswith("#=", i):
                    depth = 1
                    j = i + 2
                    while depth:
                        mm = _BLOCK_COMMENT.search(text, j)
                        if mm is None:
                            raise MeshParseError("unterminated block comment",
                                                 Span(src, i, i + 2))
                        depth += 1 if mm.group() == "#=" else -1
                        j = mm.end()
                else:
                    mm = _LINE_END.search(text, i)
                    j = mm.start() if mm else n
                    if text.startswith("##", i) and not text.startswith("##!", i):
                        docs.add(i)
                out[i:j] = " " * (j - i)
                pos = j
            elif c == '"':
                triple = text.startswith('"""', i)
                stack.append(["s", triple, i])
                pos = i + (3 if triple else 1)
            elif c == "(":
                dp += 1
                pos = i + 1
            elif c == "[":
                db += 1
                pos = i + 1
            elif c == "{":
                dc += 1
                if top is not None:
                    top[1] += 1
                pos = i + 1
            elif c == ")":
                dp = dp - 1 if dp else 0
                pos = i + 1
            elif c == "]":
                db = db - 1 if db else 0
                pos = i + 1
            else:  # "}"
                if top is not None and top[1] == 0:
                    stack.pop()          # end of ${ ... }
                else:
                    dc = dc - 1 if dc else 0
                    if top is not None:
                        top[1] -= 1
                pos = i + 1
        else:
            m = _STR_STOP.search(text, pos)
            if m is None:
                raise MeshParseError("unterminated string literal",
                                     Span(src, top[2], top[2] + (3 if top[1] else 1)))
            i = m.start()
            c = text[i]
            if c == "\\":
                pos = i + 2
            elif c == "$":
                if text.startswith("${", i):
                    stack.append(["i", 0])
                    pos = i + 2
                else:
                    pos = i + 1
            elif not top[1]:
                stack.pop()
                pos = i + 1
            elif text.startswith('"""', i):
                stack.pop()
                pos = i + 3
            else:
                pos = i + 1
    if stack:
        # Only interpolations can be left open here (an open string raised).
        opened = next((e for e in reversed(stack) if e[0] == "s"), None)
        start = opened[2] if opened else n
        raise MeshParseError("unterminated string interpolation", Span(src, start, start + 1))
    cleaned = "".join(out)
    if "|>" in cleaned:
        cleaned = _PIPE_CONT.sub(lambda mm: " " * (mm.end() - mm.start()), cleaned)
    return _Prepassed(cleaned, docs)


# ---------------------------------------------------------------- errors

_EXPECT_NAMES = {
    "LPAREN": "`(`", "RPAREN": "`)`", "LBRACKET": "`[`", "RBRACKET": "`]`",
    "LBRACE": "`{`", "RBRACE": "`}`", "PCT_LBRACE": "`%{`", "COMMA": "`,`",
    "DOT": "`.`", "COLONCOLON": "`::`", "COLON": "`:`", "ARROW": "`->`",
    "FATARROW": "`=>`", "EQ": "`=`", "BAR": "`|`", "GT": "`>`", "LT": "`<`",
    "DO": "`do`", "END": "`end`", "ELSE": "`else`", "IN": "`in`", "FOR": "`for`",
    "IMPORT": "`import`", "WHEN": "`when`", "AFTER": "`after`",
    "IDENT": "identifier", "PATH": "name", "KEY": "`name:`", "MEMBER": "field or method name",
    "PLAIN_NAME": "parameter", "INT": "integer", "FLOAT": "float", "NUMBER": "number",
    "string": "string", "ATOM": "atom", "DQ_END": '`"`', "TDQ_END": '`"""`',
    "INTERP_CLOSE": "`}`", "BINOP": "operator", "EOF": "end of file",
    "expr": "expression", "unary": "expression", "postfix": "expression",
    "primary": "expression", "pattern": "pattern", "pat_primary": "pattern",
    "type": "type", "named_type": "type", "fparam": "parameter",
    "block_stmt": "statement", "top_stmt": "statement", "arm": "pattern",
    "TRUE": "`true`", "FALSE": "`false`", "RECEIVE": None,
}
_SUMMARIES = {"statement", "expression", "pattern", "type", "parameter"}
_STARTERS = {"`%{`", "`(`", "`[`", "`{`", "`false`", "`true`", "`for`", "`import`", "identifier",
             "integer", "float", "number", "string", "atom", "name", "`name:`", "`.`", "`::`"}
_EXPECT_ORDER = ["`end`", "`do`", "`)`", "`]`", "`}`", "`,`", "`->`", "`=`", "`=>`", "`:`", "`::`"]


class _Collector:
    """Stands in for parsimonious' ParseError during a second, diagnostic run:
    remembers every named rule that failed at the furthest position."""

    def __init__(self):
        self._pos = -1
        self._expr = None
        self.names: set[str] = set()

    @property
    def expr(self):
        return self._expr

    @expr.setter
    def expr(self, value):
        self._expr = value

    @property
    def pos(self):
        return self._pos

    @pos.setter
    def pos(self, value):
        if value > self._pos:
            self._pos = value
            self.names = set()
        name = getattr(self._expr, "name", "")
        if name:
            self.names.add(name)


_FOUND = re.compile(r"[^\W\d]\w*|\d\w*|\S")


def _describe_found(text: str, pos: int) -> str:
    if pos >= len(text):
        return "end of file"
    c = text[pos]
    if c in "\r\n":
        return "end of line"
    m = _FOUND.match(text, pos)
    tok = m.group() if m else c
    return f"`{tok}`"


def _syntax_error(src: SourceFile, pre: _Prepassed) -> MeshParseError:
    coll = _Collector()
    try:
        _error_grammar()["module"].match_core(pre.text, 0, defaultdict(dict), coll)
    except RecursionError:
        raise
    pos = max(coll.pos, 0)
    # Point at the next real character (not at blanks before it).
    while pos < len(pre.text) and pre.text[pos] in " \t":
        pos += 1
    expected = []
    for name in coll.names:
        desc = _EXPECT_NAMES.get(name, None)
        if desc and desc not in expected:
            expected.append(desc)
    if "statement" in expected and "expression" in expected:
        expected.remove("expression")
    if any(d in _SUMMARIES for d in expected):
        expected = [d for d in expected if d not in _STARTERS]
    expected.sort(key=lambda d: (_EXPECT_ORDER.index(d) if d in _EXPECT_ORDER else 50, d))
    found = _describe_found(src.text, pos)
    if expected:
        if len(expected) > 6:
            expected = expected[:6]
        if len(expected) == 1:
            what = expected[0]
        else:
            what = ", ".join(expected[:-1]) + " or " + expected[-1]
        msg = f"expected {what}, found {found}"
    else:
        msg = f"unexpected {found}"
    m = _FOUND.match(src.text, pos) if pos < len(src.text) else None
    end = pos + (len(m.group()) if m else 0)
    return MeshParseError(msg, Span(src, pos, end))


# ---------------------------------------------------------------- literals

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"'}
_ESC_RE = re.compile(r"\\([\s\S]?)")


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _ESC_RE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else "\\", raw)


def _int_value(text: str) -> int:
    t = text.replace("_", "")
    try:
        if len(t) >= 2 and t[0] == "0" and t[1] in "xXbBoO":
            digits = t[2:]
            if not digits:
                return 0
            return int(digits, {"x": 16, "b": 2, "o": 8}[t[1].lower()])
        return int(t)
    except ValueError:
        return 0


def _is_float(text: str) -> bool:
    if len(text) >= 2 and text[0] == "0" and text[1] in "xXbBoO":
        return False
    return "." in text or "e" in text or "E" in text


def _float_value(text: str) -> float:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return 0.0


# The grammar's regexes run on the `regex` module (parsimonious uses it), whose
# \w also takes combining marks; match names with the same engine, or a name
# the grammar accepted (say a lone U+0591) is not found again here.
_NAME_RE = _regex.compile(r"[^\W\d]\w*")
_SPACES = re.compile(r"\s+")


# ---------------------------------------------------------------- tree builder

class _Builder:
    def __init__(self, src: SourceFile, pre: _Prepassed):
        self.src = src
        self.t = pre.text
        self.docs = pre.docs
        self.h = {}
        for attr in dir(self):
            if attr.startswith("v_"):
                self.h[attr[2:]] = getattr(self, attr)

    # -- helpers

    def b(self, n):
        while True:
            h = self.h.get(n.expr_name)
            if h is not None:
                return h(n)
            ch = n.children
            if len(ch) != 1:
                raise AssertionError(f"no builder for rule {n.expr_name!r}")
            n = ch[0]

    def span(self, start: int, end: int) -> Span:
        t = self.t
        while end > start and t[end - 1] in _WS:
            end -= 1
        return Span(self.src, start, end)

    def nspan(self, n) -> Span:
        return self.span(n.start, n.end)

    def tok(self, n) -> str:
        return self.t[n.start:n.end].rstrip(" \t")

    def name(self, n) -> str:
        m = _NAME_RE.match(self.t, n.start)
        return m.group()

    def path(self, n) -> str:
        return _SPACES.sub("", self.t[n.start:n.end])

    def err(self, msg: str, start: int, end: int | None = None):
        raise MeshParseError(msg, self.span(start, end if end is not None else start + 1))

    @staticmethod
    def opt(n):
        """The node inside an optional `x?`, or None."""
        return n.children[0] if n.children else None

    @staticmethod
    def clist(n):
        """Items of an optional comma list `(X (COMMA X)* COMMA?)?`."""
        if not n.children:
            return []
        seq = n.children[0]
        items = [seq.children[0]]
        items.extend(c.children[1] for c in seq.children[1].children)
        return items

    @staticmethod
    def clist1(seq):
        """Items of `X (COMMA X)* ...` (a sequence node)."""
        items = [seq.children[0]]
        items.extend(c.children[1] for c in seq.children[1].children)
        return items

    def doc_for(self, start: int):
        text = self.src.text
        ls = text.rfind("\n", 0, start) + 1
        if text[ls:start].strip():
            return None
        lines = []
        while ls > 0:
            pe = ls - 1
            ps = text.rfind("\n", 0, pe) + 1
            line = text[ps:pe]
            stripped = line.lstrip()
            hpos = ps + (len(line) - len(stripped))
            if hpos not in self.docs:
                break
            body = stripped[2:].rstrip("\r")
            if body.startswith(" "):
                body = body[1:]
            lines.append(body)
            ls = ps
        if not lines:
            return None
        lines.reverse()
        return "\n".join(lines)

    # -- module and statements

    def v_module(self, n):
        items = [self.b(c.children[0]) for c in n.children[1].children]
        return A.Module(Span(self.src, 0, len(self.src.text)), items)

    def v_block(self, n):
        stmts = [self.b(c.children[1]) for c in n.children[1].children]
        if stmts:
            sp = Span(self.src, stmts[0].span.start, stmts[-1].span.end)
        else:
            sp = Span(self.src, n.start, n.start)
        return A.Block(sp, stmts)

    def v_expr_stmt(self, n):
        return self.b(n.children[1])

    v_plain_stmt = v_expr_stmt

    def v_let_stmt(self, n):
        _, target, ann, _, value = n.children
        tgt = target.children[0]
        if tgt.expr_name == "IDENT":
            pat = A.PName(self.nspan(tgt), self.name(tgt))
        else:
            pat = self.b(tgt)
        ty = self.b(ann.children[0].children[1]) if ann.children else None
        v = self.b(value)
        return A.Let(self.span(n.start, v.span.end), pat, ty, v)

    def v_return_stmt(self, n):
        value = self.b(n.children[1].children[0]) if n.children[1].children else None
        return A.Return(self.nspan(n), value)

    # -- functions

    def v_item(self, n):
        return self.b(n.children[1])

    def v_fn_decl(self, n):
        head, body = n.children
        return self._fn(n, head, body.children[0] if body.children else None)

    def v_fn_def(self, n):
        head, body = n.children
        return self._fn(n, head, body)

    def _fn(self, n, head, body):
        intro, gens, params, ret, where, guard = head.children
        m = intro.match        # FN_INTRO: (pub)? fn|def (NAME)
        fn = A.FnDef(
            self.nspan(n), m.group(2),
            self._params(params.children[0]) if params.children else [],
            ret=self.b(ret.children[0].children[1]) if ret.children else None,
            generics=self._generics(gens.children[0]) if gens.children else [],
            where=self._where(where.children[0]) if where.children else [],
            guard=self.b(guard.children[0].children[1]) if guard.children else None,
            body=self._fn_body(body) if body is not None else None,
            is_pub=m.group(1) is not None,
        )
        fn.doc = self.doc_for(n.start)
        return fn

    def _fn_body(self, n):
        c = n.children[0]
        if c.expr_name == "fn_eq_body":
            return self.b(c.children[1])
        return self.b(c.children[1])  # fn_do_body: DO block END

    def _generics(self, n):
        return [self.name(i) for i in self.clist(n.children[1])]

    def _where(self, n):
        bounds = [n.children[1]] + [c.children[1] for c in n.children[2].children]
        return [(self.name(bd.children[0]), self.path(bd.children[2])) for bd in bounds]

    def _params(self, n):
        return [self._param(p) for p in self.clist(n.children[1])]

    def _param(self, n):
        c = n.children[0]
        sp = self.nspan(n)
        if c.expr_name == "SELF":
            return A.Param(sp, A.PName(sp, "self"))
        if c.expr_name == "name_param":
            nm, ann = c.children
            ty = self.b(ann.children[0].children[1]) if ann.children else None
            return A.Param(sp, A.PName(self.nspan(nm), self.name(nm)), ty)
        return A.Param(sp, self.b(c))

    # -- type definitions

    def _deriving(self, n):
        if not n.children:
            return None
        d = n.children[0]
        return [self.name(i) for i in self.clist(d.children[2])]

    def v_struct_def(self, n):
        pub, _, name, gens, _, _, members, _, deriving = n.children
        fields, orm = [], []
        for m in members.children:
            c = m.children[0].children[0]
            if c.expr_name == "field_def":
                nm, ann = c.children
                ty = self.b(ann.children[0].children[1]) if ann.children else None
                fields.append(A.FieldDef(self.nspan(c), self.name(nm), ty))
            else:
                orm.append(self._orm(c.children[0]))
        sd = A.StructDef(self.nspan(n), self.name(name),
                         self._generics(gens.children[0]) if gens.children else [],
                         fields, self._deriving(deriving), bool(pub.children), orm)
        sd.doc = self.doc_for(n.start)
        return sd

    def _orm(self, c):
        kind = c.expr_name
        sp = self.nspan(c)
        if kind == "orm_table":
            s = self.b(c.children[1])
            value = "".join(p for p in s.parts if isinstance(p, str))
            if any(not isinstance(p, str) for p in s.parts):
                self.err("string interpolation not allowed in `table`", s.span.start, s.span.end)
            return A.OrmMember(sp, "table", [value])
        if kind == "orm_pk":
            return A.OrmMember(sp, "primary_key", [self.tok(c.children[1])[1:]])
        if kind == "orm_ts":
            return A.OrmMember(sp, "timestamps", [self.tok(c.children[1]) == "true"])
        rel = self.tok(c.children[0])
        return A.OrmMember(sp, rel, [self.tok(c.children[1])[1:], self.name(c.children[3])])

    def v_sum_type_def(self, n):
        pub, _, name, gens, _, _, items, _, deriving = n.children
        variants = []
        for it in items.children:
            v = it.children[0]
            vname, fl = v.children
            fields = []
            if fl.children:
                for f in self.clist(fl.children[0].children[1]):
                    fc = f.children[0]
                    if fc.expr_name == "named_vfield":
                        fields.append(A.VariantField(self.nspan(fc), self.name(fc.children[0]),
                                                     self.b(fc.children[2])))
                    else:
                        fields.append(A.VariantField(self.nspan(fc), None, self.b(fc)))
            variants.append(A.VariantDef(self.nspan(v), self.name(vname), fields))
        sd = A.SumTypeDef(self.nspan(n), self.name(name),
                          self._generics(gens.children[0]) if gens.children else [],
                          variants, self._deriving(deriving), bool(pub.children))
        sd.doc = self.doc_for(n.start)
        return sd

    def v_type_alias(self, n):
        _, name, gens, _, ty = n.children
        return A.TypeAlias(self.nspan(n), self.name(name),
                           self._generics(gens.children[0]) if gens.children else [],
                           self.b(ty))

    def v_interface_def(self, n):
        pub, _, name, gens, _, _, items, _ = n.children
        assoc, methods = [], []
        for it in items.children:
            c = it.children[0].children[0]
            if c.expr_name == "assoc_type":
                assoc.append(self.name(c.children[1]))
            else:
                methods.append(self.b(c))
        idef = A.InterfaceDef(self.nspan(n), self.name(name),
                              self._generics(gens.children[0]) if gens.children else [],
                              assoc, methods, bool(pub.children))
        idef.doc = self.doc_for(n.start)
        return idef

    def v_impl_def(self, n):
        _, trait, targs, _, for_type, where, _, _, items, _ = n.children
        assoc, methods = [], []
        for it in items.children:
            c = it.children[0].children[0]
            if c.expr_name == "assoc_bind":
                assoc.append((self.name(c.children[1]), self.b(c.children[3])))
            else:
                methods.append(self.b(c))
        args = [self.b(t) for t in self.clist(targs.children[0].children[1])] if targs.children else []
        return A.ImplDef(self.nspan(n), self.path(trait), args, self.path(for_type), assoc, methods,
                         self._where(where.children[0]) if where.children else [])

    # -- actors, services, supervisors

    def v_actor_def(self, n):
        _, name, params, _, _, items, _ = n.children
        stmts, terminate = [], None
        for it in items.children:
            c = it.children[0].children[0]
            if c.expr_name == "terminate_clause":
                if terminate is not None:
                    self.err("only one `terminate` clause is allowed per actor block", c.start, c.start + 9)
                terminate = self.b(c.children[2])
            else:
                stmts.append(self.b(c))
        body_node = items
        if stmts:
            bsp = Span(self.src, stmts[0].span.start, stmts[-1].span.end)
        else:
            bsp = Span(self.src, body_node.start, body_node.start)
        return A.ActorDef(self.nspan(n), self.name(name),
                          self._params(params.children[0]) if params.children else [],
                          A.Block(bsp, stmts), terminate)

    def v_service_def(self, n):
        _, name, _, _, items, _ = n.children
        init, handlers, others = None, [], []
        for it in items.children:
            c = it.children[0].children[0]
            if c.expr_name == "handler":
                handlers.append(self._handler(c))
            else:
                fn = self.b(c)
                if init is None:
                    init = fn
                else:
                    others.append(fn)
        return A.ServiceDef(self.nspan(n), self.name(name), init, handlers, others)

    def _handler(self, c):
        kw, name, params, ann, _, state, block, _ = c.children
        kind = self.tok(kw)
        ret = self.b(ann.children[0].children[1]) if ann.children else None
        if kind == "cast" and ret is not None:
            self.err("a `cast` handler has no return type", ann.start, ann.end)
        st = self.name(state.children[0].children[1]) if state.children else None
        return A.ServiceHandler(self.nspan(c), kind, self.name(name),
                                self._params(params.children[0]) if params.children else [],
                                ret, st, self.b(block))

    def v_supervisor_def(self, n):
        pub, _, name, _, _, items, _ = n.children
        strategy = max_r = max_s = None
        children = []
        for it in items.children:
            c = it.children[0].children[0]
            if c.expr_name == "child_spec":
                children.append(self._child(c))
                continue
            key = self.tok(c.children[0])
            val = c.children[2].children[0]
            if key == "strategy":
                if val.expr_name != "IDENT":
                    self.err("expected strategy name (one_for_one, one_for_all, rest_for_one, "
                             "simple_one_for_one)", val.start, val.end)
                strategy = self.name(val)
            else:
                if val.expr_name != "INT":
                    self.err(f"expected integer for {key}", val.start, val.end)
                v = _int_value(self.tok(val))
                if key == "max_restarts":
                    max_r = v
                else:
                    max_s = v
        return A.SupervisorDef(self.nspan(n), self.name(name), strategy, max_r, max_s, children,
                               bool(pub.children))

    def _child(self, c):
        _, name, _, _, items, _ = c.children
        start = restart = shutdown = None
        for it in items.children:
            s = it.children[0].children[0]
            if s.expr_name == "child_start":
                start = self.b(s.children[2])
                continue
            key = self.tok(s.children[0])
            val = s.children[2].children[0]
            if key == "restart":
                if val.expr_name != "IDENT":
                    self.err("expected restart strategy (permanent, transient, temporary)",
                             val.start, val.end)
                restart = self.name(val)
            else:
                shutdown = _int_value(self.tok(val)) if val.expr_name == "INT" else self.name(val)
        return A.ChildSpec(self.nspan(c), self.name(name), start, restart, shutdown)

    # -- modules

    def v_module_def(self, n):
        pub, _, name, _, block, _ = n.children
        return A.ModuleDef(self.nspan(n), self.name(name), self.b(block), bool(pub.children))

    def v_import_decl(self, n):
        return A.Import(self.nspan(n), self.path(n.children[1]).split("."))

    def v_from_import(self, n):
        _, path, _, what = n.children
        c = what.children[0]
        if c.expr_name == "STAR":
            self.err("glob imports are not allowed; import names explicitly", c.start, c.start + 1)
        names = [self.name(i) for i in self.clist1(c)]
        return A.FromImport(self.nspan(n), self.path(path).split("."), names)

    # -- types

    def v_tuple_type(self, n):
        return A.TTuple(self.nspan(n), [self.b(t) for t in self.clist(n.children[1])])

    def v_fun_type(self, n):
        return A.TFun(self.nspan(n), [self.b(t) for t in self.clist(n.children[2])],
                      self.b(n.children[5]))

    def v_named_type(self, n):
        path, targs, q, res = n.children
        args = [self.b(t) for t in self.clist(targs.children[0].children[1])] if targs.children else []
        end = targs.end if targs.children else path.end
        ty = A.TName(self.span(n.start, end), self.path(path), args)
        if q.children:
            ty = A.TName(self.span(n.start, q.end), "Option", [ty])
        if res.children:
            err = self.b(res.children[0].children[1])
            ty = A.TName(self.span(n.start, err.span.end), "Result", [ty, err])
        return ty

    # -- patterns

    def v_pattern(self, n):
        c = n.children[0]
        if c.expr_name == "SIMPLE_PAT":
            nm = self.name(c)
            sp = self.nspan(c)
            return A.PWild(sp) if nm == "_" else A.PName(sp, nm)
        inner, as_ = c.children
        p = self.b(inner)
        if as_.children:
            a = as_.children[0]
            return A.PAs(self.span(n.start, a.end), p, self.name(a.children[1]))
        return p

    def v_pat_cons(self, n):
        head, tail = n.children
        h = self.b(head)
        if tail.children:
            t = self.b(tail.children[0].children[1])
            return A.PCons(self.span(n.start, t.span.end), h, t)
        return h

    def v_pat_or(self, n):
        first, rest = n.children
        p = self.b(first)
        if not rest.children:
            return p
        alts = [p] + [self.b(c.children[1]) for c in rest.children]
        return A.POr(self.span(n.start, alts[-1].span.end), alts)

    def v_pat_primary(self, n):
        c = n.children[0]
        if c.expr_name == "IDENT":
            nm = self.name(c)
            sp = self.nspan(c)
            return A.PWild(sp) if nm == "_" else A.PName(sp, nm)
        return self.b(c)

    def v_pat_lit(self, n):
        c = n.children[0]
        k = c.expr_name
        sp = self.nspan(c)
        if k == "NUMBER" or k == "NEG_NUM":
            t = self.tok(c)
            sign = 1
            if k == "NEG_NUM":
                t = t[1:].strip()
                sign = -1
            if _is_float(t):
                return A.PLit(sp, sign * _float_value(t), "float")
            return A.PLit(sp, sign * _int_value(t), "int")
        if k == "string":
            s = self.b(c)
            for p in s.parts:
                if not isinstance(p, str):
                    self.err("string interpolation not allowed in patterns", p.span.start, p.span.end)
            return A.PLit(sp, "".join(s.parts), "string")
        if k == "TRUE":
            return A.PLit(sp, True, "bool")
        if k == "FALSE":
            return A.PLit(sp, False, "bool")
        return A.PLit(sp, None, "nil")

    def v_pat_tuple(self, n):
        return A.PTuple(self.nspan(n), [self.b(p) for p in self.clist(n.children[1])])

    def _pat_args(self, n):
        return [self.b(p) for p in self.clist(n.children[1])]

    def v_pat_qual(self, n):
        tname, _, vname, args = n.children
        a = self._pat_args(args.children[0]) if args.children else None
        return A.PConstructor(self.nspan(n), self.name(tname), self.name(vname), a)

    def v_pat_ctor(self, n):
        name, args = n.children
        nm = self.name(name)
        if not nm[0].isupper():
            self.err(f"expected a constructor pattern (upper-case name) before `(`, found `{nm}`",
                     name.start, name.start + len(nm))
        return A.PConstructor(self.nspan(n), None, nm, self._pat_args(args))

    # -- expressions

    def v_expr(self, n):
        c = n.children[0]
        if c.expr_name == "SIMPLE_EXPR":
            return self.v_SIMPLE_EXPR(c)
        first, tail = c.children      # unary, then !BINOP or binop_tail*
        left = self.b(first)
        if not tail.children:
            return left
        operands = [left]
        ops = []
        for bt in tail.children:
            ops.append(self.tok(bt.children[0]))
            operands.append(self.b(bt.children[1]))
        return self._binops(operands, ops)

    def v_SIMPLE_EXPR(self, n):
        """SIMPLE (BINOP SIMPLE)*: split again with the same two regexes."""
        g = _grammar()
        simple, binop = g["SIMPLE"].re.match, g["BINOP"].re.match
        t = self.t
        end = n.end
        m = simple(t, n.start)
        operands = [self._simple(m.start(), m.end())]
        ops = []
        pos = m.end()
        while pos < end:
            m = binop(t, pos)
            ops.append(m.group().rstrip(" \t"))
            m = simple(t, m.end())
            operands.append(self._simple(m.start(), m.end()))
            pos = m.end()
        if not ops:
            return operands[0]
        return self._binops(operands, ops)

    def _binops(self, operands, ops):
        """Precedence climbing over a flat `operand (op operand)*` list."""
        out = [operands[0]]
        stack: list[str] = []

        def reduce():
            op = stack.pop()
            r = out.pop()
            l = out.pop()
            sp = Span(self.src, l.span.start, r.span.end)
            if op == "|>":
                out.append(A.Pipe(sp, l, r))
            else:
                out.append(A.BinOp(sp, _OP_NORMAL.get(op, op), l, r))

        for i, op in enumerate(ops):
            p = PRECEDENCE[op]
            while stack and PRECEDENCE[stack[-1]] >= p:
                reduce()
            stack.append(op)
            out.append(operands[i + 1])
        while stack:
            reduce()
        return out[0]

    def v_unary(self, n):
        c = n.children[0]
        if c.expr_name != "prefixed":
            return self.b(c)
        prefixes, post = c.children
        e = self.b(post)
        for p in reversed(prefixes.children):
            op = self.tok(p)
            e = A.UnaryOp(Span(self.src, p.start, e.span.end), "-" if op == "-" else "not", e)
        return e

    def v_postfix(self, n):
        prim, ops = n.children[0].children      # primary, then !POSTFIX_START or postfix_op*
        e = self.b(prim)
        for o in ops.children:
            c = o.children[1].children[0]
            k = c.expr_name
            sp = self.span(e.span.start, c.end)
            if k == "call_args":
                e = A.Call(sp, e, self._args(c))
            elif k == "field_access":
                e = A.Field(sp, e, self.name(c.children[1]))
            elif k == "index_op":
                e = A.Index(sp, e, self.b(c.children[1]))
            elif k == "QUESTION":
                e = A.Try(sp, e)
            else:  # struct_body
                tname = self._dotted(e)
                if tname is None:
                    self.err("a struct literal needs a type name before `{`", c.start, c.start + 1)
                e = A.StructLit(sp, tname, self._finits(c.children[1]))
        return e

    def _dotted(self, e):
        if isinstance(e, A.Name):
            return e.name
        if isinstance(e, A.Field):
            base = self._dotted(e.base)
            return None if base is None else base + "." + e.name
        return None

    def _finits(self, opt):
        """`(finit (COMMA? finit)* COMMA?)?` -> [(name, expr)]"""
        if not opt.children:
            return []
        seq = opt.children[0]
        nodes = [seq.children[0]] + [c.children[1] for c in seq.children[1].children]
        return [self._finit(f) for f in nodes]

    def _finit(self, f):
        return (self.name(f.children[0]), self.b(f.children[1]))

    def _args(self, call_args):
        items = self.clist(call_args.children[1])
        args = []
        kw = []
        for it in items:
            c = it.children[0]
            if c.expr_name == "kwarg":
                key = c.children[0]
                nm = self.name(key)
                kw.append((A.StringLit(self.span(key.start, key.start + len(nm)), [nm]),
                           self.b(c.children[1])))
            else:
                if kw:
                    self.err("positional argument after keyword arguments", c.start, c.end)
                args.append(self.b(c))
        if kw:
            args.append(A.MapLit(Span(self.src, kw[0][0].span.start, kw[-1][1].span.end), kw))
        return args

    def _chain(self, start, end):
        """`name(.field)*` in [start, end) (a DOTTED match): Name, then Fields."""
        t = self.t
        m = _NAME_RE.match(t, start)
        pos = m.end()
        e = A.Name(Span(self.src, start, pos), m.group())
        while True:
            while pos < end and t[pos] in " \t":
                pos += 1
            if pos >= end:
                return e
            pos += 1
            while t[pos] in " \t":
                pos += 1
            m = _NAME_RE.match(t, pos)
            pos = m.end()
            e = A.Field(Span(self.src, start, pos), e, m.group())

    def v_SIMPLE(self, n):
        return self._simple(n.start, n.end)

    def _simple(self, start, end):
        """A SIMPLE match: a name with its fields, a number or a plain string."""
        t = self.t
        c = t[start]
        if c == '"':
            while t[end - 1] in " \t":
                end -= 1
            raw = self.src.text[start + 1:end - 1]
            return A.StringLit(Span(self.src, start, end), [_unescape(raw)] if raw else [])
        if c in "0123456789":
            while t[end - 1] in " \t":
                end -= 1
            tx = t[start:end]
            if _is_float(tx):
                return A.FloatLit(Span(self.src, start, end), _float_value(tx))
            return A.IntLit(Span(self.src, start, end), _int_value(tx))
        return self._chain(start, end)

    def v_DOTTED(self, n):
        return self._chain(n.start, n.end)

    v_SIMPLE_ARG = v_SIMPLE_EXPR

    def v_dotted_call(self, n):
        f = self._chain(n.start, self.t.index("(", n.start))
        return A.Call(self.nspan(n), f, self._args(n))

    def v_SIMPLE_TYPE(self, n):
        return A.TName(self.nspan(n), self.path(n), [])

    def v_primary(self, n):
        c = n.children[0]
        k = c.expr_name
        if k == "NUMBER":
            t = self.tok(c)
            if _is_float(t):
                return A.FloatLit(self.nspan(c), _float_value(t))
            return A.IntLit(self.nspan(c), _int_value(t))
        if k == "ATOM":
            return A.AtomLit(self.nspan(c), self.tok(c)[1:])
        if k == "TRUE":
            return A.BoolLit(self.nspan(c), True)
        if k == "FALSE":
            return A.BoolLit(self.nspan(c), False)
        if k == "NIL":
            return A.UnitLit(self.nspan(c))
        if k == "BREAK":
            return A.Break(self.nspan(c))
        if k == "CONTINUE":
            return A.Continue(self.nspan(c))
        return self.b(c)

    def v_paren_expr(self, n):
        items = [self.b(e) for e in self.clist(n.children[1])]
        if not items:
            return A.UnitLit(self.nspan(n))
        if len(items) == 1:
            return items[0]
        return A.TupleLit(self.nspan(n), items)

    def v_list_lit(self, n):
        return A.ListLit(self.nspan(n), [self.b(e) for e in self.clist(n.children[1])])

    def v_map_lit(self, n):
        body = n.children[1]
        sp = self.nspan(n)
        if not body.children:
            return A.MapLit(sp, [])
        c = body.children[0].children[0]
        if c.expr_name == "struct_update":
            base, _, first, rest, _ = c.children
            fields = [self._finit(first)] + [self._finit(r.children[1]) for r in rest.children]
            return A.StructUpdate(sp, self.b(base), fields)
        entries = []
        for me in self.clist1(c):
            entries.append((self.b(me.children[0]), self.b(me.children[2])))
        return A.MapLit(sp, entries)

    def v_self_expr(self, n):
        if n.children[1].children:
            return A.SelfPid(self.nspan(n))
        return A.SelfRef(self.nspan(n))

    def v_actor_call(self, n):
        kw = self.tok(n.children[0])
        cls = {"spawn": A.Spawn, "send": A.Send, "link": A.Link}[kw]
        return cls(self.nspan(n), self._args(n.children[1]))

    def v_if_expr(self, n):
        _, cond, _, then, else_part = n.children
        ep = else_part.children[0]
        k = ep.expr_name
        if k == "else_if":
            orelse = self.b(ep.children[1])
        elif k == "else_block":
            orelse = self.b(ep.children[1])
        else:
            orelse = None
        return A.If(self.nspan(n), self.b(cond), self.b(then), orelse)

    def _arms(self, zom):
        arms = []
        for it in zom.children:
            a = it.children[1]
            pat, guard, _, body = a.children
            g = self.b(guard.children[0].children[1]) if guard.children else None
            bd = self.b(body)
            arms.append(A.Arm(self.span(a.start, bd.span.end), self.b(pat), g, bd))
        return arms

    def v_case_expr(self, n):
        _, scrut, _, _, arms, _ = n.children
        return A.Case(self.nspan(n), self.b(scrut), self._arms(arms))

    def v_receive_expr(self, n):
        _, _, _, arms, after, _ = n.children
        r = A.Receive(self.nspan(n), self._arms(arms))
        if after.children:
            a = after.children[0]
            r.after = self.b(a.children[1])
            r.after_body = self.b(a.children[3])
        return r

    def v_while_expr(self, n):
        _, cond, _, body, _ = n.children
        return A.While(self.nspan(n), self.b(cond), self.b(body))

    def v_for_expr(self, n):
        _, binder, _, it, guard, _, body, _ = n.children
        bc = binder.children[0]
        if bc.expr_name == "IDENT":
            names, destructure = [self.name(bc)], False
        else:
            names, destructure = [self.name(i) for i in self.clist(bc.children[1])], True
        g = self.b(guard.children[0].children[1]) if guard.children else None
        return A.For(self.nspan(n), names, destructure, self.b(it), g, self.b(body))

    # -- closures

    def _cparams(self, n):
        c = n.children[0]
        if c.expr_name == "param_list":
            return self._params(c)
        return [self._param(p) for p in self.clist1(c)]

    def v_closure(self, n):
        rest = n.children[1].children[0]
        k = rest.expr_name
        sp = self.nspan(n)
        if k == "closure_noparams":
            body = self.b(rest.children[1])
            return A.Closure(sp, [A.ClosureClause(self.span(rest.start, rest.end), [], None, body)])
        if k == "closure_do":
            cp, guard, _, block, _ = rest.children
            g = self.b(guard.children[0].children[1]) if guard.children else None
            return A.Closure(sp, [A.ClosureClause(self.span(rest.start, rest.end),
                                                  self._cparams(cp), g, self.b(block))])
        cp, guard, _, body, more, _, _ = rest.children
        g = self.b(guard.children[0].children[1]) if guard.children else None
        bd = self.b(body)
        clauses = [A.ClosureClause(self.span(rest.start, bd.span.end), self._cparams(cp), g, bd)]
        for mc in more.children:
            _, bar, cp2, guard2, cbody = mc.children
            params = self._cparams(cp2.children[0]) if cp2.children else []
            g2 = self.b(guard2.children[0].children[1]) if guard2.children else None
            cb = cbody.children[0]
            body2 = self.b(cb.children[1])
            start = cp2.start if cp2.children else bar.end
            clauses.append(A.ClosureClause(self.span(start, cb.end), params, g2, body2))
        return A.Closure(sp, clauses)

    # -- strings

    def v_string(self, n):
        s = n.children[0]
        text = self.src.text
        parts: list = []
        for seg in s.children[1].children:
            c = seg.children[0]
            if c.expr_name == "interp":
                parts.append(self.b(c.children[1]))
            else:
                value = _unescape(text[c.start:c.end])
                if parts and isinstance(parts[-1], str):
                    parts[-1] += value
                else:
                    parts.append(value)
        return A.StringLit(self.nspan(n), parts)


# ---------------------------------------------------------------- entry points

def parse(source: SourceFile) -> A.Module:
    """Parse a whole file. Raises MeshParseError (never another exception).
    `mesh_interp.syntax.parse` is the cached entry point."""
    old_limit = sys.getrecursionlimit()
    if old_limit < 20000:
        sys.setrecursionlimit(20000)
    # The parse builds hundreds of thousands of short-lived, acyclic objects
    # (parsimonious nodes, packrat cache entries): reference counting frees
    # them, and the cyclic collector, which they would trigger again and
    # again (scanning every live object each time), is paused meanwhile.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        pre = _prepass(source)
        try:
            tree = _grammar()["module"].match(pre.text)
        except _PParseError:
            raise _syntax_error(source, pre) from None
        return _Builder(source, pre).b(tree)
    except MeshParseError:
        raise
    except RecursionError:
        raise MeshParseError("program is nested too deeply to parse",
                             Span(source, 0, 0)) from None
    except Exception as e:  # never let a Python exception escape
        raise MeshParseError(f"internal parser error: {type(e).__name__}: {e}",
                             Span(source, 0, 0)) from None
    finally:
        if gc_was_enabled:
            gc.enable()
        if old_limit < 20000:
            sys.setrecursionlimit(old_limit)


def parse_text(text: str, path: str = "<string>") -> A.Module:
    return parse(SourceFile(path, text))
