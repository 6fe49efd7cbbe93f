"""When is an input complete, and how far should the next line be indented.

The input continues while a `do`/`end` block, a bracket, a closure or a
string is open (as the reference REPL: balanced tokens), decided with the
parser itself where possible: an input that parses is complete; one whose
parse error is "... found end of file" while something is still open (or a
string is unterminated) continues; any other error is submitted and shown.
"""
from __future__ import annotations

import re

from pygments.token import Comment, Keyword, Name, Operator, Punctuation, String

from .lexer import MeshLexer

INDENT = "  "
_LEXER = MeshLexer()
_DEDENT_WORDS = ("end", "else", "after")
_CLOSERS = ")]}"


def _significant(text: str) -> list:
    out = []
    for tok, val in _LEXER.get_tokens(text):
        if not val.strip():
            continue
        if tok in Comment or tok in String:
            out.append((String, val) if tok in String else (Comment, val))
            continue
        out.append((tok, val))
    return out


def depth(text: str) -> int:
    """How many blocks/brackets/closures are open at the end of `text`."""
    toks = [(t, v) for t, v in _significant(text) if t is not Comment and t is not String]
    d = 0
    n = len(toks)
    for i, (tok, val) in enumerate(toks):
        if tok in Punctuation or tok in Operator:
            for ch in val:
                if ch in "([{":
                    d += 1
                elif ch in ")]}":
                    d -= 1
        elif tok in Keyword:
            if val == "do":
                d += 1
            elif val == "end":
                d -= 1
            elif val == "fn" and _is_arrow_closure(toks, i):
                d += 1
    return d


def _is_arrow_closure(toks: list, i: int) -> bool:
    """Is the `fn` at i a closure whose body starts with `->` (closed by `end`)?
    A named definition (`fn name(`) or a `do` closure is not."""
    if i + 1 < len(toks) and toks[i + 1][0] in Name.Function:
        return False
    nest = 0
    for tok, val in toks[i + 1:]:
        if tok in Punctuation or tok in Operator:
            if val == "->" and nest == 0:
                return True
            for ch in val:
                if ch in "([{":
                    nest += 1
                elif ch in ")]}":
                    nest -= 1
            if nest < 0:
                return False
        elif tok in Keyword and val in ("do", "end") and nest == 0:
            return False
        if tok in Name.Function:
            return False
    return False


_EXPECTS_CLOSER = re.compile(r"expected .*`(end|else|\]|\)|\}|after)`")


def is_complete(text: str) -> bool:
    """Should Enter submit `text` (True) or start a continuation line?"""
    stripped = text.strip()
    if not stripped or stripped.startswith(":"):
        return True
    from ..errors import MeshError
    from ..syntax.parser import parse_text
    try:
        parse_text(text, "<repl>")
        return True
    except MeshError as e:
        msg = e.message
    except Exception:
        return True
    if "unterminated string" in msg:
        return False
    if "found end of file" in msg:
        return not (depth(text) > 0 or bool(_EXPECTS_CLOSER.search(msg)))
    # an error inside a still-open block: let the user finish the block (the
    # error is reported when the whole input is submitted)
    return depth(text) <= 0


def indent_for(text_before: str) -> str:
    """Indentation of a new line inserted after `text_before`."""
    d = max(0, depth(text_before))
    return INDENT * d


def dedent_line(line: str, text_before_line: str) -> str:
    """Re-indent a line that starts with `end`/`else`/a closing bracket to
    the level of the block it closes."""
    s = line.lstrip()
    word = re.match(r"[a-z]+", s)
    if (word and word.group(0) in _DEDENT_WORDS) or (s[:1] and s[0] in _CLOSERS):
        d = max(0, depth(text_before_line) - 1)
        return INDENT * d + s
    return line
