"""Exhaustiveness and redundancy of pattern matches (usefulness algorithm).

Abstract patterns:
  WILD                      wildcard / variable / cons pattern
  ("c", name, args)         constructor of a finite signature (variant,
                            true/false, "Tuple" with n args)
  ("l", value)              literal of an infinite type (Int, String, ...)
  ("or", alts)
`sig(ty_hint, heads)` supplies the constructor list of a column:
returns [(name, [arg_hint...])] for finite types or None.
"""
from __future__ import annotations

WILD = ("_",)


def _expand(row):
    """Expand or-patterns at the head of a row into several rows."""
    head = row[0]
    if head[0] == "or":
        out = []
        for alt in head[1]:
            out.extend(_expand((alt,) + row[1:]))
        return out
    return [row]


def _specialize(rows, name, arity):
    out = []
    for row in rows:
        for r in _expand(row):
            h = r[0]
            if h[0] == "_":
                out.append((WILD,) * arity + r[1:])
            elif h[0] == "c" and h[1] == name:
                args = tuple(h[2])
                if len(args) != arity:
                    args = (args + (WILD,) * arity)[:arity]
                out.append(args + r[1:])
            elif h[0] == "l" and name == ("l", h[1]):
                out.append(r[1:])
    return out


def _default(rows):
    out = []
    for row in rows:
        for r in _expand(row):
            if r[0][0] == "_":
                out.append(r[1:])
    return out


def _heads(rows):
    names = []
    for row in rows:
        for r in _expand(row):
            h = r[0]
            if h[0] == "c":
                names.append(h)
            elif h[0] == "l":
                names.append(h)
    return names


def find_witness(rows, hints, sig):
    """Return a list of abstract patterns not matched by rows, or None."""
    n = len(hints)
    if n == 0:
        return None if rows else []
    heads = _heads(rows)
    signature = sig(hints[0], heads)
    seen = {h[1] for h in heads if h[0] == "c"}
    if signature is not None and signature and all(c[0] in seen for c in signature):
        for cname, arg_hints in signature:
            w = find_witness(_specialize(rows, cname, len(arg_hints)),
                             list(arg_hints) + list(hints[1:]), sig)
            if w is not None:
                k = len(arg_hints)
                return [("c", cname, tuple(w[:k]))] + w[k:]
        return None
    w = find_witness(_default(rows), hints[1:], sig)
    if w is None:
        return None
    if signature:
        for cname, arg_hints in signature:
            if cname not in seen:
                return [("c", cname, tuple(WILD for _ in arg_hints))] + w
    return [WILD] + w


def is_useful(rows, q, hints, sig):
    """Is pattern vector q useful with respect to rows?"""
    if not q:
        return not rows
    head = q[0]
    if head[0] == "or":
        return any(is_useful(rows, (alt,) + tuple(q[1:]), hints, sig) for alt in head[1])
    if head[0] == "c":
        signature = sig(hints[0], _heads(rows) + [head])
        arg_hints = None
        if signature:
            for cname, ah in signature:
                if cname == head[1]:
                    arg_hints = list(ah)
        if arg_hints is None:
            arg_hints = [None] * len(head[2])
        k = len(arg_hints)
        args = tuple(head[2])
        args = (args + (WILD,) * k)[:k]
        return is_useful(_specialize(rows, head[1], k), args + tuple(q[1:]),
                         arg_hints + list(hints[1:]), sig)
    if head[0] == "l":
        return is_useful(_specialize(rows, ("l", head[1]), 0), tuple(q[1:]), list(hints[1:]), sig)
    # wildcard
    heads = _heads(rows)
    signature = sig(hints[0], heads)
    seen = {h[1] for h in heads if h[0] == "c"}
    if signature and all(c[0] in seen for c in signature):
        for cname, ah in signature:
            k = len(ah)
            if is_useful(_specialize(rows, cname, k), (WILD,) * k + tuple(q[1:]),
                         list(ah) + list(hints[1:]), sig):
                return True
        return False
    return is_useful(_default(rows), tuple(q[1:]), list(hints[1:]), sig)


def fmt(p) -> str:
    if p[0] == "_":
        return "_"
    if p[0] == "l":
        return repr(p[1]) if isinstance(p[1], str) else str(p[1])
    if p[0] == "or":
        return " | ".join(fmt(a) for a in p[1])
    name, args = p[1], p[2]
    if name == "Tuple":
        return "(" + ", ".join(fmt(a) for a in args) + ")"
    if args:
        return f"{name}({', '.join(fmt(a) for a in args)})"
    return name


def check(patterns, guarded, hint, sig):
    """patterns: abstract patterns of the arms in order; guarded: bools.
    Returns (missing: list[str] | None, redundant arm indices (0-based))."""
    unguarded = [(p,) for p, g in zip(patterns, guarded) if not g]
    w = find_witness(unguarded, [hint], sig)
    missing = [fmt(w[0])] if w is not None else None
    redundant = []
    prev = []
    for i, (p, g) in enumerate(zip(patterns, guarded)):
        if prev and not is_useful(prev, (p,), [hint], sig):
            redundant.append(i)
        if not g:
            prev.append((p,))
    return missing, redundant
