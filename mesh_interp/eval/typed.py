"""The few run-time behaviours the reference decides by static type, in one
place (shared/docs/mesh/README.md, "Behaviours the reference decides by type").

The type checker leaves a side table (CheckResult.types, keyed by AST node);
the compiler asks here when it compiles a node that depends on it. Without a
table (checker disabled or unsure) the natives fall back to run-time guesses.
"""
from __future__ import annotations

_ZEROS = {"int": 0, "float": 0.0, "bool": False, "string": ""}


def node_info(program, node) -> dict:
    table = getattr(program, "type_table", None)
    if not table:
        return {}
    return table.get(node) or {}


def map_get_zero(program, node, target):
    """The zero `Map.get(m, k)` (target) at node gives for a missing key: the
    zero of the map's value type, or NO_ZERO when the checker did not say."""
    kind = node_info(program, node).get("map_get_zero")
    if kind in _ZEROS and getattr(target, "__module__", "").endswith("natives.map") \
            and getattr(target, "__name__", "") == "get":
        return _ZEROS[kind]
    return NO_ZERO


def specialise_call(program, node, target):
    """`Map.get(m, k)` on a missing key gives the zero of the map's value type."""
    zero = map_get_zero(program, node, target)
    if zero is not NO_ZERO:
        def map_get(m, k):
            e = m._idx.get(k)       # MeshMap entries are (position, value)
            return zero if e is None else e[1]
        return map_get
    return target


NO_ZERO = object()


def operand_kind(program, node):
    """The checked type of a BinOp's operands when it is a scalar ("int",
    "float", "string", "bool"), else None (generic or unchecked)."""
    return node_info(program, node).get("operand")


def interpolated_kind(program, node):
    """The same for an expression interpolated into a string (`${e}`)."""
    return node_info(program, node).get("interpolated")
