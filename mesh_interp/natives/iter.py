"""Iter.* natives (stdlib.md §9): lazy single-pass iterators (MeshIter).
Adapters pull nothing until a terminal (count, sum, collect, ...) runs."""
from __future__ import annotations

from itertools import islice as _islice

from ..eval.collections import MeshIter as _I, iterate as _iterate
from ..eval.values import wrap_int as _wrap
from ._common import NONE as _NONE, direct as _direct, iterable as _iterable, panic as _panic, some as _some


def _src(it, who="Iter"):
    return it if type(it) is _I else _I(_iterable(it, who))


def from_(xs):
    """An iterator over a List (also accepted: Map -> (k, v) tuples, Set, Range)."""
    return _I(_iterable(xs, "Iter.from"))


def map_(it, f):
    f = _direct(f)
    return _I(map(f, _src(it)))


def filter_(it, p):
    p = _direct(p)
    src = _src(it)
    return _I(x for x in src if p(x))


def take(it, n):
    return _I(_islice(_src(it), n if n > 0 else 0))


def skip(it, n):
    return _I(_islice(_src(it), n if n > 0 else 0, None))


def enumerate_(it):
    return _I(enumerate(_src(it)))


def zip_(a, b):
    return _I(zip(_src(a), _src(b)))


def count(it):
    n = 0
    for _ in _src(it):
        n += 1
    return n


def sum_(it):
    total = 0
    for x in _src(it):
        if type(x) is not int:          # Ptr hides the element type from the checker
            _panic("Iter.sum: the iterator yields values that are not Ints")
        total += x
    return _wrap(total)


def any_(it, p):
    p = _direct(p)
    for x in _src(it):
        if p(x):
            return True
    return False


def all_(it, p):
    p = _direct(p)
    for x in _src(it):
        if not p(x):
            return False
    return True


def find(it, p):
    p = _direct(p)
    for x in _src(it):
        if p(x):
            return _some(x)
    return _NONE


def reduce(it, init, f):
    f = _direct(f)
    acc = init
    for x in _src(it):
        acc = f(acc, x)
    return acc
