"""The bad-input sweep: every native declared in stdlib/*.mpl, called with
every kind of bad argument its declared parameter types allow (what the type
checker cannot rule out): empty collections, out-of-range and negative
indexes and sizes, huge numbers, NaN/inf, invalid JSON, text with NULs and
lone surrogates, missing / unreadable / non-UTF-8 files, closed database
connections, unreachable servers, callbacks that panic, the wrong kind of
`Ptr` (a query where a changeset is expected, ...).

The plan comes from the declarations, not from a list kept here: a native
added to stdlib/*.mpl is swept automatically; a parameter type this file has
no values for makes the sweep fail (test_bad_input.py checks).

Each call runs as the main process of its own runtime (runtime.run_main), as
in a real program. Acceptable outcomes: a return value ("ok"), a MeshPanic
("panic"), MeshExit ("exit"). A Python exception escaping the native is a bug.

Run as a script: `python tests/fuzz/sweep.py [MODULE ...]` prints one JSON
record per call: {"native", "args", "outcome", "detail"}.
"""
from __future__ import annotations

import json
import math
import os
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from mesh_interp.errors import MeshExit, MeshPanic  # noqa: E402
from mesh_interp.eval import values as V  # noqa: E402
from mesh_interp.eval.collections import MeshList, MeshMap  # noqa: E402
from mesh_interp.natives import load_native  # noqa: E402
from mesh_interp.source import SourceFile  # noqa: E402
from mesh_interp.syntax import ast as A  # noqa: E402
from mesh_interp.syntax.parser import parse  # noqa: E402

STDLIB = REPO / "stdlib"
CALL_TIMEOUT = 8          # seconds per call (alarm), then "timeout"
MEMORY_LIMIT = 3 << 30    # address space per sweep process: a runaway
                          # allocation is a MemoryError, not the OOM killer

# natives whose normal behaviour is to block (serve forever, wait for input)
# are called only with arguments that make them return: a port that cannot
# be bound, a sleep of <= 0 ms
BLOCKING = {"HTTP.serve", "HTTP.serve_tls", "Ws.serve", "Timer.sleep"}


# ---------------------------------------------------------------- declarations

def natives():
    """[(module, name, [(param name, TypeExpr)], TypeExpr ret, generics)] for every
    bodiless `pub fn` of stdlib/*.mpl."""
    out = []
    for path in sorted(STDLIB.glob("*.mpl")):
        mod = parse(SourceFile(str(path), path.read_text()))
        for item in mod.items:
            if type(item) is A.FnDef and item.body is None:
                params = []
                for p in item.params:
                    name = p.pattern.name if type(p.pattern) is A.PName else "_"
                    params.append((name, p.type))
                out.append((path.stem, item.name, params, item.ret, list(item.generics or [])))
    return out


def type_key(t) -> str:
    """A TypeExpr as text: `List<T>`, `Fun(T) -> U`, `(K, V)`."""
    if t is None:
        return "T"
    if type(t) is A.TName:
        if t.args:
            return f"{t.name}<{', '.join(type_key(a) for a in t.args)}>"
        return t.name
    if type(t) is A.TTuple:
        return "(" + ", ".join(type_key(a) for a in t.items) + ")"
    if type(t) is A.TFun:
        return "Fun(" + ", ".join(type_key(a) for a in t.params) + ") -> " + type_key(t.ret)
    return type(t).__name__


# ---------------------------------------------------------------- values

def mlist(xs):
    return MeshList.from_iterable(list(xs))


def mmap(pairs):
    m = load_native("Map", "new")()
    put = load_native("Map", "put")
    for k, v in pairs:
        m = put(m, k, v)
    return m


def _panicking(*_args):
    raise MeshPanic("callback panicked")


def _identity(*args):
    return args[0] if args else 0


class Fixtures:
    """Values of each Mesh type, the awkward ones first."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        bad = tmp / "bad_utf8.txt"
        bad.write_bytes(b"ok\xff\xfe\xc3(\n")
        (tmp / "good.txt").write_text("hello\n")
        (tmp / "dir").mkdir(exist_ok=True)
        unreadable = tmp / "unreadable.txt"
        unreadable.write_text("secret")
        unreadable.chmod(0)
        self.paths = [str(tmp / "missing" / "nope.txt"), str(tmp / "dir"), "", str(bad),
                      str(unreadable), str(tmp / "a\x00b"), "/proc/self/mem",
                      str(tmp / ("x" * 5000)), str(tmp / "good.txt")]

    # values by type name; every list starts with a "normal" value (used for
    # the other parameters while one parameter takes the bad values)
    def ints(self):
        return [1, 0, -1, 2 ** 63 - 1, -2 ** 63, 2 ** 31, 10 ** 12]

    def floats(self):
        return [1.5, 0.0, -0.0, math.nan, math.inf, -math.inf, 1e308, 5e-324]

    def strings(self, name=""):
        # (no lone surrogates: no Mesh String can hold one -- sources are
        # strict UTF-8, JSON.parse rejects unpaired \\uD800 escapes, Env.get
        # and HTTP bodies decode strictly or with replacement)
        base = ["a", "", "\x00", "é🙂日本", "\ufffd", "x" * 100_000, " \t\n",
                "%s%n{}${x}\\", "-9223372036854775809", "1e400", "NaN"]
        n = name.lower()
        if any(k in n for k in ("path", "cert", "key")) and "json" not in n:
            return self.paths + base[1:]
        if "json" in n or n in ("s",):
            base += ["{", "[1,", '{"a":', "[" * 100_000, '"\\ud800"', '{"a":1}{',
                     "1e999999", '{"a": NaN}', '{"a":1,"a":2}', "\ufeff{}", '"\\u0000"']
        if "url" in n:
            base += ["http://127.0.0.1:9/", "http://[::1", "ftp://x", "postgres://u@127.0.0.1:9/db",
                     "http://" + "a" * 300 + "/", "postgres://:@/"]
        if "sql" in n or "clause" in n:
            base += ["SELECT", "DROP TABLE x; --", "SELECT 1; SELECT 2", "SELECT $1", "\x00"]
        if "pattern" in n:
            base += ["(", "[", "*", "(a+)+$", "\\"]
        return base

    def bools(self):
        return [True, False]

    def atoms(self):
        return ["name", "", "x\x00", "select", "asc", "desc", "nope"]

    def lists(self, elem):
        es = self.of(elem)
        out = [mlist(es[:1]), mlist([]), mlist(es), mlist(es[:1] * 1000)]
        if elem is None:            # a bare `List`: anything goes
            out.append(mlist([mlist([]), 1, "x", None]))
        return out

    def maps(self, k, v):
        ks, vs = self.of(k), self.of(v)
        return [mmap([(ks[0], vs[0])]), mmap([]), mmap(list(zip(ks, vs)))]

    def funs(self, t):
        """Callbacks returning a normal value of the declared result type,
        an awkward one, or panicking."""
        rets = self.of(t.ret) if not _is_unit(t.ret) else [None]
        out = [lambda *a, _r=rets[0]: _r, _panicking]
        if len(rets) > 1:
            out.append(lambda *a, _r=rets[1]: _r)
        return out

    def tuples(self, items=None):
        if items:
            return [tuple(self.of(i)[0] for i in items)]
        return [(1, 2), (), (1,), ("a", "b", "c")]     # bare `Tuple`: any arity

    def opaque(self, name):
        f = getattr(self, "make_" + name.lower(), None)
        if f is None:
            return None
        return f()

    def make_set(self):
        new, add = load_native("Set", "new"), load_native("Set", "add")
        return [add(new(), 1), new(), add(add(new(), -1), 2 ** 63 - 1)]

    def make_queue(self):
        new, push = load_native("Queue", "new"), load_native("Queue", "push")
        return [push(new(), 1), new()]

    def make_range(self):
        new = load_native("Range", "new")
        return [new(0, 3), new(5, 0), new(-2 ** 63, 2 ** 63 - 1), new(0, 0)]

    def make_router(self):
        return [load_native("HTTP", "router")()]

    def make_request(self):
        from mesh_interp.natives import http as H
        return [V.Opaque("Request", H._Request("GET", "/", "", {}, {}, None)),
                V.Opaque("Request", H._Request("", "", "\udcff", {"": ""}, {"\x00": ""},
                                               {"id": ""}))]

    def make_response(self):
        return [load_native("HTTP", "response")(200, "ok")]

    def make_pid(self):
        from mesh_interp import runtime as rt
        return [V.Pid(1), rt.NULL_PID, V.Pid(987654)]   # main (each call's), none, gone

    def make_json(self):
        parse_ = load_native("JSON", "parse")
        out = []
        for s in ('{"a":1}', "[]", "null", '"x"', "1e308"):
            r = parse_(s)
            if type(r) is V.Variant and r.args:
                out.append(r.args[0])
        return out

    def make_ptr(self):
        out = []
        out.append(load_native("Iter", "from")(mlist([1, 2, 3])))
        out.append(load_native("Iter", "from")(mlist([])))
        out.append(load_native("Query", "from")("users"))
        out.append(load_native("Changeset", "cast_")(mmap([]), mmap([("a", "1")]), mlist(["a"])))
        out.append(mmap([("id", "1")]))
        return out

    make_listiterator = make_ptr

    def make_sqliteconn(self):
        r = load_native("Sqlite", "open")(":memory:")
        conn = r.args[0]
        closed = load_native("Sqlite", "open")(":memory:").args[0]
        load_native("Sqlite", "close")(closed)
        return [conn, closed]

    def make_pgconn(self):
        from mesh_interp.natives import pg
        return [V.Opaque("PgConn", pg._Conn(_ClosedPg()))]

    def make_poolhandle(self):
        from mesh_interp.natives import pool
        unreachable = pool._Pool("postgres://mesh@127.0.0.1:9/none", 0, 2, 300)
        closed = pool._Pool("postgres://mesh@127.0.0.1:9/none", 0, 2, 300)
        closed.closed = True
        return [V.Opaque("PoolHandle", unreachable), V.Opaque("PoolHandle", closed)]

    def generic(self):
        return [0, "", None, mlist([]), mmap([]), 2 ** 63 - 1, math.nan, ("a", 1)]

    def of(self, t, pname=""):
        """The values to try for TypeExpr (or key) t."""
        if t is None:
            return self.generic()
        if type(t) is A.TFun:
            return self.funs(t)
        if type(t) is A.TTuple:
            return self.tuples(t.items)
        name = t.name if type(t) is A.TName else str(t)
        args = t.args if type(t) is A.TName else []
        if name == "Int":
            return self.ints()
        if _is_unit(t):
            return [None]
        if name == "Float":
            return self.floats()
        if name == "String":
            return self.strings(pname)
        if name == "Bool":
            return self.bools()
        if name == "Atom":
            return self.atoms()
        if name == "List":
            return self.lists(args[0] if args else None)
        if name == "Map":
            return self.maps(args[0] if args else A.TName(None, "String"),
                             args[1] if len(args) > 1 else A.TName(None, "String"))
        if name == "Tuple":
            return self.tuples()
        if name in ("Option", "Result"):
            return [V.some(self.of(args[0])[0]) if args else V.NONE, V.NONE]
        if len(name) <= 2 and name[:1].isupper():   # a type variable: T, K, V, U, F
            return self.generic()
        vals = self.opaque(name)
        if vals is None:
            raise LookupError(f"no sweep values for type `{name}`")
        return vals


def _is_unit(t) -> bool:
    return type(t) is A.TTuple and not t.items


def subst(t, env):
    """TypeExpr t with the type variables of env replaced."""
    if t is None:
        return None
    if type(t) is A.TName:
        if not t.args and t.name in env:
            return env[t.name]
        return A.TName(t.span, t.name, [subst(a, env) for a in t.args])
    if type(t) is A.TTuple:
        return A.TTuple(t.span, [subst(a, env) for a in t.items])
    if type(t) is A.TFun:
        return A.TFun(t.span, [subst(a, env) for a in t.params], subst(t.ret, env))
    return t


INSTANCES = ("Int", "String")      # what each type variable is instantiated to


class _ClosedPg:
    """Stands in for an asyncpg connection that the server closed."""

    def __getattr__(self, name):
        import asyncpg

        async def closed(*_a, **_k):
            raise asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")
        if name in ("is_closed",):
            return lambda: True
        if name == "terminate":
            return lambda: None
        return closed


# ---------------------------------------------------------------- the plan

def plan(fx: Fixtures, only=None):
    """[(qualified name, fn, [arg tuples])] -- one bad parameter at a time,
    for each instantiation of the type variables (all Int, all String)."""
    out = []
    for mod, name, params, _ret, generics in natives():
        q = f"{mod}.{name}"
        if only and mod not in only:
            continue
        fn = load_native(mod, name)
        calls = []
        envs = [{g: A.TName(None, inst) for g in generics} for inst in INSTANCES] \
            if generics else [{}]
        for env in envs:
            choices = [fx.of(subst(t, env), pname) for pname, t in params]
            base = [c[0] for c in choices]
            calls.append(tuple(base))
            for i, cs in enumerate(choices):
                for v in cs[1:]:
                    args = list(base)
                    args[i] = v
                    calls.append(tuple(args))
        if q in BLOCKING:
            calls = [c for c in calls if _returns(q, c)]
        if q == "Range.filter":
            # 2**64 callback calls: a loop like `for i in ...`, not a fault
            calls = [c for c in calls if len(range(c[0].start, c[0].end)[:1 << 20]) < 1 << 20]
        out.append((q, fn, calls))
    return out


def _returns(q, args) -> bool:
    """Keep only calls of blocking natives that come back by themselves."""
    if q == "Timer.sleep":
        return args[0] <= 1
    if q in ("HTTP.serve", "HTTP.serve_tls"):
        port = args[1]
        # ports that cannot be bound only (we may be root: no low ports)
        return type(port) is int and not 0 <= port <= 65535
    if q == "Ws.serve":
        port = args[3]
        return type(port) is int and not 0 <= port <= 65535
    return True


def show(v) -> str:
    try:
        r = repr(v)
    except Exception:  # noqa: BLE001
        r = f"<{type(v).__name__}>"
    return r if len(r) <= 60 else r[:57] + "..."


class _Alarm(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _Alarm()


def call(fn, args):
    """Run fn(*args) as the main process of a fresh runtime: (outcome, detail)."""
    from mesh_interp import runtime as rt
    from mesh_interp.runtime import scheduler
    box = {}

    def main():
        try:
            box["value"] = fn(*args)
            box["outcome"] = "ok"
        except MeshPanic as e:
            box["outcome"], box["detail"] = "panic", e.message
        except MeshExit as e:
            box["outcome"], box["detail"] = "exit", str(e.code)
        except RecursionError:
            box["outcome"], box["detail"] = "BUG", "RecursionError"
        except _Alarm:
            raise
        except Exception as e:  # noqa: BLE001
            import traceback
            tb = traceback.extract_tb(e.__traceback__)[-1]
            box["outcome"] = "BUG"
            box["detail"] = f"{type(e).__name__}: {str(e)[:200]} at {Path(tb.filename).name}:{tb.lineno}"

    reported = []
    scheduler.set_panic_reporter(lambda exc, pid: reported.append(exc))
    signal.alarm(CALL_TIMEOUT)
    try:
        rt.run_main(main)
    except _Alarm:
        box["outcome"], box["detail"] = "timeout", f"no return within {CALL_TIMEOUT}s"
    finally:
        signal.alarm(0)
        scheduler.set_panic_reporter(None)
    if "outcome" not in box:
        if any(isinstance(e, _Alarm) for e in reported):
            return "timeout", f"no return within {CALL_TIMEOUT}s"
        return "BUG", f"no outcome; reported {reported!r}"[:300]
    return box["outcome"], box.get("detail", "")


class _Sink:
    """Stands in for stdout while natives run (println of 100 KB strings)."""

    encoding = "utf-8"

    def write(self, s):
        s.encode("utf-8")          # what printing to a UTF-8 stream does
        return len(s)

    def flush(self):
        pass


def main(argv):
    out_path = None
    if argv and argv[0].startswith("--out="):
        out_path = argv[0][6:]
        argv = argv[1:]
    only = set(argv) or None
    out = open(out_path, "w") if out_path else sys.stdout
    sys.stdout = _Sink()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGALRM, _on_alarm)
    os.environ.setdefault("MESH_CACHE", "0")
    with tempfile.TemporaryDirectory(prefix="meshsweep") as d:
        os.chdir(d)                 # File.write("a") etc. land here
        fx = Fixtures(Path(d))
        for q, fn, calls in plan(fx, only):
            for args in calls:
                t0 = time.monotonic()
                outcome, detail = call(fn, args)
                rec = {"native": q, "args": [show(a) for a in args], "outcome": outcome,
                       "detail": detail[:300], "seconds": round(time.monotonic() - t0, 3)}
                out.write(json.dumps(rec) + "\n")
                out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
