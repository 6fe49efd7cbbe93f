"""Job.* natives (concurrency.md §8): a job's result is awaited through its own
slot, never by taking the next mailbox message."""
from __future__ import annotations

from .. import runtime as _rt
from ..eval.collections import MeshList as _L, iterate as _iterate
from ..eval.values import err as _err, ok as _ok


def _result(pair):
    return _ok(pair[1]) if pair[0] else _err(pair[1])


def async_(f):
    return _rt.job_async(f)


def await_(job):
    return _result(_rt.job_await(job))


def await_timeout(job, ms):
    return _result(_rt.job_await(job, max(ms, 0)))


def map(xs, f):  # noqa: A001 - Mesh name
    return _L.from_iterable(_result(r) for r in _rt.job_map(list(_iterate(xs)), f))
