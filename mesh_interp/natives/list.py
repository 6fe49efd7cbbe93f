"""List.* natives (stdlib.md §5). Lists are immutable MeshList values."""
from __future__ import annotations

from functools import cmp_to_key as _cmp_to_key

from ..eval.collections import EMPTY as _EMPTY, MeshList as _L, iterate as _iterate
from ._common import NONE as _NONE, cmp_result as _cmp_result, direct as _direct, panic as _panic, some as _some

_from = _L.from_iterable


def new():
    return _EMPTY


def length(xs):
    return len(xs)


append = _L.append    # the method itself: one Python call


def head(xs):
    if not xs:
        _panic("mesh_list_head: empty list")
    return xs.head()


def tail(xs):
    if not xs:
        _panic("mesh_list_tail: empty list")
    return xs.tail()


def get(xs, i):
    n = len(xs)
    if i < 0 or i >= n:
        _panic(f"mesh_list_get: index {i} out of bounds (len {n})")
    return xs[i]


nth = get


def last(xs):
    if not xs:
        _panic("mesh_list_last: empty list")
    return xs.last()


def concat(a, b):
    return a.concat(b)


def reverse(xs):
    return xs.reverse()


def map_(xs, f):
    f = _direct(f)
    return _from([f(x) for x in xs])


def filter_(xs, p):
    p = _direct(p)
    return _from([x for x in xs if p(x)])


def reduce(xs, init, f):
    f = _direct(f)
    acc = init
    for x in xs:
        acc = f(acc, x)
    return acc


def sort(xs, cmp):
    """Stable sort by an Int-returning comparator (<0: a first)."""
    if len(xs) < 2:
        return xs
    return _from(sorted(xs, key=_cmp_to_key(lambda a, b: _cmp_result(cmp(a, b)))))


def find(xs, p):
    p = _direct(p)
    for x in xs:
        if p(x):
            return _some(x)
    return _NONE


def any_(xs, p):
    p = _direct(p)
    for x in xs:
        if p(x):
            return True
    return False


def all_(xs, p):
    p = _direct(p)
    for x in xs:
        if not p(x):
            return False
    return True


def contains(xs, x):
    # Structural equality (upstream compares raw words: strings by pointer).
    # DECISION in stdlib.md §5: structural.
    for y in xs:
        if y == x:
            return True
    return False


def zip_(a, b):
    return _from(zip(a, b))


def flat_map(xs, f):
    f = _direct(f)
    out = []
    for x in xs:
        out.extend(f(x))
    return _from(out)


def flatten(xss):
    out = []
    for xs in xss:
        out.extend(xs)
    return _from(out)


def enumerate_(xs):
    return _from(enumerate(xs))


def take(xs, n):
    return xs.take(n)


def drop(xs, n):
    return xs.drop(n)


def collect(it):
    """Materialise an iterator (or any iterable) into a List."""
    from ._common import iterable
    return _from(iterable(it, "List.collect"))
