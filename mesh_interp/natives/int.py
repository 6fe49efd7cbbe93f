"""Int.* natives (stdlib.md §4)."""
from __future__ import annotations


def to_float(i):
    return float(i)
