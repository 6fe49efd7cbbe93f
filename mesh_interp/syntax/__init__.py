"""Syntax: the grammar, the parser and the AST.

`parse(source)` is the entry point every stage uses: it returns the cached
AST when the file is unchanged (syntax/cache.py) and only then imports the
parser (and parsimonious with it)."""
from __future__ import annotations


def parse(source):
    from . import cache
    module = cache.load(source)
    if module is None:
        from .parser import parse as parse_uncached
        module = parse_uncached(source)
        cache.store(source, module)
    return module
