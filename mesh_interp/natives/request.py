"""Request.* natives (stdlib.md §12.3): read-only accessors of the request a
handler receives. Header and query lookups are exact and case-sensitive, as
in the reference: `Request.header(req, "authorization")` does not find a
header sent as `Authorization`."""
from __future__ import annotations

from ..eval.values import NONE as _NONE, Opaque as _Opaque, some as _some


def _req(r):
    if type(r) is _Opaque and r.kind == "Request":
        return r.obj
    from ..errors import MeshPanic
    raise MeshPanic("Request: expected a Request")


def method(req):
    return _req(req).method


def path(req):
    return _req(req).path


def body(req):
    return _req(req).body


def _lookup(d, name):
    if d is None:
        return _NONE
    v = d.get(name)
    return _NONE if v is None else _some(v)


def header(req, name):
    return _lookup(_req(req).headers, name)


def query(req, name):
    return _lookup(_req(req).query, name)


def param(req, name):
    return _lookup(_req(req).params, name)
