"""Tab completion: keywords, names in scope, `Module.` members (stdlib
modules from their stdlib/*.mpl declarations, user modules, services, sum
types), fields and methods of a session value after a dot, commands, and
file names after `:load`."""
from __future__ import annotations

import re
from typing import Iterable

from prompt_toolkit.completion import Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from .lexer import KEYWORDS

COMMANDS = (":help", ":type", ":doc", ":load", ":reload", ":reset", ":clear", ":quit")

_DOTTED = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$")
_WORD = re.compile(r"([A-Za-z_]\w*)$")


def candidates(session, text_before: str) -> tuple[list[str], str]:
    """(candidate names, the prefix they replace) for the text before the cursor."""
    stripped = text_before.lstrip()
    if stripped.startswith(":") and " " not in stripped:
        return [c for c in COMMANDS if c.startswith(stripped)], stripped
    if _in_string_or_comment(text_before):
        return [], ""
    m = _DOTTED.search(text_before)
    if m:
        base, prefix = m.group(1), m.group(2)
        names = None
        head = base.split(".")[0]
        if head[:1].isupper():
            names = session.module_members(base.split(".")[-1] if "." in base else base)
        if names is None:
            names = session.value_members(base) or []
        return sorted({n for n in names if n.startswith(prefix)}), prefix
    m = _WORD.search(text_before)
    prefix = m.group(1) if m else ""
    if not prefix:
        return [], ""
    pool = set(KEYWORDS) | set(session.scope_names())
    return sorted(n for n in pool if n.startswith(prefix)), prefix


def _in_string_or_comment(text: str) -> bool:
    line = text.rsplit("\n", 1)[-1]
    quotes = 0
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            quotes += 1
        elif ch == "#" and quotes % 2 == 0:
            return True
        i += 1
    return quotes % 2 == 1


class MeshCompleter(Completer):
    def __init__(self, session):
        self.session = session
        self.paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, complete_event) -> Iterable[Completion]:
        text = document.text_before_cursor
        stripped = text.lstrip()
        for cmd in (":load ", ":l "):
            if stripped.startswith(cmd):
                sub = Document(stripped[len(cmd):])
                yield from self.paths.get_completions(sub, complete_event)
                return
        try:
            names, prefix = candidates(self.session, text)
        except Exception:
            return
        for n in names:
            yield Completion(n, start_position=-len(prefix))
