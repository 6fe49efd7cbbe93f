"""Queue.* natives (stdlib.md §8): immutable FIFO."""
from __future__ import annotations

from ..eval.collections import EMPTY_QUEUE as _EMPTY
from ._common import panic as _panic


def new():
    return _EMPTY


def push(q, x):
    return q.push(x)


def pop(q):
    """(front, rest) -- a real 2-tuple (DECISION in stdlib.md §8)."""
    if not q:
        _panic("mesh_queue_pop: empty queue")
    return q.pop()


def peek(q):
    if not q:
        _panic("mesh_queue_peek: empty queue")
    return q.peek()


def size(q):
    return len(q)


def is_empty(q):
    return not q
