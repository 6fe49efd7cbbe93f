"""A Pygments lexer for Mesh (``*.mpl``).

Used by the REPL for highlighting and registered as a Pygments plugin
(entry point group ``pygments.lexers``), so ``pygmentize -l mesh file.mpl``
works once mesh_interp is installed.

The token rules follow ../shared/docs/mesh/syntax.md: comments (§2, including
nestable ``#= =#`` blocks and ``##`` doc comments), keywords (§4), literals
(§5: numbers, strings with ``${...}`` interpolation, atoms), operators (§6).
The lexer never needs to be exact about the grammar; it only has to colour
every valid program without Error tokens.
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["MeshLexer", "KEYWORDS"]

# All 48 keywords of the language (syntax.md §4).
KEYWORDS = (
    "actor after alias and break call case cast cond continue def do else end "
    "false fn for if impl import in interface let link match module monitor nil "
    "not or pub receive return self send service spawn struct supervisor "
    "terminate trait trap true type when where while with"
).split()

_DECLARATIONS = (
    "fn", "def", "struct", "type", "interface", "impl", "actor", "service",
    "supervisor", "module", "pub", "let",
)
_CONTROL = (
    "if", "else", "case", "match", "when", "for", "in", "while", "break",
    "continue", "do", "end", "return", "receive", "after", "spawn", "send",
    "link", "terminate", "call", "cast", "where",
)
_RESERVED = ("alias", "cond", "trait", "trap", "with", "monitor")
_WORD_OPERATORS = ("and", "or", "not")
_CONSTANTS = ("true", "false", "nil")

# Unqualified prelude functions (stdlib.md §0.2); highlighted only when called.
_BUILTINS = (
    "println", "print", "map", "filter", "reduce", "head", "tail", "default",
    "compare",
)

# Identifier characters: any Unicode letter or `_` first, then letters,
# digits or `_` (syntax.md §3).
_IDENT = r"[^\W\d]\w*"
_LOWER_IDENT = r"[a-z_]\w*"
_UPPER_IDENT = r"[A-Z]\w*"

_DIGITS = r"[0-9][0-9_]*"
_EXPONENT = r"[eE][+-]?[0-9][0-9_]*"


class MeshLexer(RegexLexer):
    """Lexer for the Mesh language."""

    name = "Mesh"
    aliases = ["mesh"]
    filenames = ["*.mpl"]
    mimetypes = ["text/x-mesh"]
    url = "https://github.com/snowdamiz/mesh-lang"

    flags = re.MULTILINE | re.UNICODE

    tokens = {
        "root": [
            # Named function definitions: `fn`/`def` + name at the start of a
            # line is always a definition (syntax.md §9), optionally `pub`.
            (
                r"^([ \t]*)(?:(pub)([ \t]+))?(fn|def)([ \t]+)(" + _IDENT + r")",
                bygroups(Whitespace, Keyword.Declaration, Whitespace,
                         Keyword.Declaration, Whitespace, Name.Function),
            ),
            # Elsewhere, `fn name(` / `fn name<` is a definition too; a bare
            # `fn x -> ...` is a closure whose parameter is a plain name.
            (
                r"(fn|def)([ \t]+)(" + _IDENT + r")(?=[ \t]*[(<])",
                bygroups(Keyword.Declaration, Whitespace, Name.Function),
            ),
            include("whitespace"),
            include("comments"),
            # Strings.
            (r'"""', String.Double, "tstring"),
            (r'"', String.Double, "string"),
            # Atoms: `:` directly followed by a lower-case letter or `_`.
            (r":[a-z_]\w*", String.Symbol),
            # Numbers (a `.` must be followed by a digit: `1..5` is a range).
            (r"0[xX][0-9a-fA-F][0-9a-fA-F_]*", Number.Hex),
            (r"0[bB][01][01_]*", Number.Bin),
            (r"0[oO][0-7][0-7_]*", Number.Oct),
            (_DIGITS + r"\." + r"[0-9][0-9_]*(?:" + _EXPONENT + r")?", Number.Float),
            (_DIGITS + _EXPONENT, Number.Float),
            (_DIGITS, Number.Integer),
            # Item headers: the name after the keyword.
            (
                r"(actor|call|cast)([ \t]+)(" + _IDENT + r")",
                bygroups(Keyword.Declaration, Whitespace, Name.Function),
            ),
            (
                r"(struct|type|interface|service|supervisor|module)([ \t]+)("
                + _UPPER_IDENT + r")",
                bygroups(Keyword.Declaration, Whitespace, Name.Class),
            ),
            (
                r"(end)([ \t]+)(deriving)\b",
                bygroups(Keyword, Whitespace, Keyword),
            ),
            # `from M import a, b` (contextual keyword at statement start).
            (r"^([ \t]*)(from)\b", bygroups(Whitespace, Keyword.Namespace)),
            (r"import\b", Keyword.Namespace),
            # Operators that contain a `.` come before member access.
            (r"\.\.", Operator),
            # Member access: after `.` even keywords are member names
            # (`Ws.send`, `Query.where`, `Node.self`).
            (
                r"(\.)([ \t]*)(" + _LOWER_IDENT + r")(?=[ \t]*\()",
                bygroups(Punctuation, Whitespace, Name.Function),
            ),
            (
                r"(\.)([ \t]*)(" + _LOWER_IDENT + r")",
                bygroups(Punctuation, Whitespace, Name.Attribute),
            ),
            # Keywords.
            (words(_CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(_WORD_OPERATORS, suffix=r"\b"), Operator.Word),
            (r"self\b", Name.Builtin.Pseudo),
            (words(_DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (words(_RESERVED, suffix=r"\b"), Keyword.Reserved),
            (words(_CONTROL, suffix=r"\b"), Keyword),
            # Prelude builtins, when called.
            (words(_BUILTINS, suffix=r"(?=[ \t]*\()"), Name.Builtin),
            # Names.
            (_UPPER_IDENT, Name.Class),
            (_IDENT, Name),
            # Operators and punctuation (`%{` opens a map or struct update).
            (r"%\{", Punctuation),
            (
                r"\|>|<>|\+\+|->|=>|::|==|!=|<=|>=|&&|\|\||[-+*/%<>=!?|]",
                Operator,
            ),
            (r"[()\[\]{},.;:]", Punctuation),
        ],
        "whitespace": [
            (r"\r\n|\r|\n", Whitespace),
            (r"[ \t]+", Whitespace),
        ],
        "comments": [
            (r"#=", Comment.Multiline, "blockcomment"),
            (r"##!.*?$", String.Doc),
            (r"##.*?$", String.Doc),
            (r"#.*?$", Comment.Single),
        ],
        "blockcomment": [
            (r"#=", Comment.Multiline, "#push"),
            (r"=#", Comment.Multiline, "#pop"),
            (r"[^#=]+", Comment.Multiline),
            (r"[#=]", Comment.Multiline),
        ],
        "string": [
            (r'"', String.Double, "#pop"),
            include("string_common"),
            (r'[^"\\$]+', String.Double),
        ],
        "tstring": [
            (r'"""', String.Double, "#pop"),
            include("string_common"),
            (r'"', String.Double),
            (r'[^"\\$]+', String.Double),
        ],
        "string_common": [
            (r"\\[\s\S]", String.Escape),
            (r"\$\{", String.Interpol, "interp"),
            (r"\$", String.Double),
        ],
        # Inside `${ ... }`: ordinary code until the balancing `}`.
        "interp": [
            (r"\}", String.Interpol, "#pop"),
            (r"%?\{", Punctuation, "braces"),
            include("root"),
        ],
        "braces": [
            (r"\}", Punctuation, "#pop"),
            (r"%?\{", Punctuation, "#push"),
            include("root"),
        ],
    }
