"""Node.* natives (concurrency.md §9.2), single node: no distribution.

Node.start records the node name (so Node.self reports it); Node.connect
fails (-2, with a `mesh node:` line on stderr) because this interpreter
does not speak the wire protocol; Node.spawn on this node's own name (or "")
spawns locally, on any other node returns the null Pid."""
from __future__ import annotations

import sys

from .. import runtime as _rt
from ..eval.collections import EMPTY as _EMPTY

_node = {"name": ""}


def _valid(name):
    return type(name) is str and "@" in name and name.index("@") > 0 and not name.endswith("@")


def start(name, cookie):
    if _node["name"]:
        return -1
    if not _valid(name):
        return -3
    _node["name"] = name
    return 0


def connect(name):
    if not _node["name"]:
        sys.stderr.write("mesh node: node not started\n")
        sys.stderr.flush()
        return -1
    if not _valid(name):
        return -3
    if name == _node["name"]:
        return 0
    sys.stderr.write(f"mesh node: cannot connect to {name}: distribution is not supported\n")
    sys.stderr.flush()
    return -2


def self_():
    # Mesh name `Node.self` (`self` is a Mesh keyword).
    return _node["name"]


def list():  # noqa: A001 - Mesh name
    return _EMPTY


def monitor_(name):
    # Mesh name `Node.monitor`.
    return 0 if _node["name"] and _valid(name) else 1


def _local(node):
    return node == "" or node == _node["name"]


def spawn_(node, f, *args):
    # Mesh name `Node.spawn` (`spawn` is a Mesh keyword).
    if not _local(node):
        return _rt.NULL_PID
    return _rt.spawn(f, args)


def spawn_link(node, f, *args):
    if not _local(node):
        return _rt.NULL_PID
    return _rt.spawn(f, args, link=True)
