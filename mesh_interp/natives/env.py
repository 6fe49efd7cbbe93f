"""Env.* natives (stdlib.md §3)."""
from __future__ import annotations

import os as _os

from ._common import NONE as _NONE, some as _some


def get(name):
    """None if unset or not valid Unicode."""
    try:
        v = _os.environ.get(name)
    except (ValueError, TypeError):
        return _NONE
    if v is None:
        return _NONE
    try:
        v.encode("utf-8")          # undecodable bytes arrive as lone surrogates
    except UnicodeEncodeError:
        return _NONE
    return _some(v)
