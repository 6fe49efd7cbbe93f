"""Does the parser still produce exactly what it produced at another commit?

    python tests/parse_equiv.py --against REV [--mutants N] [--upstream DIR]
    python tests/parse_equiv.py --save FILE      # record what this tree's parser produces
    python tests/parse_equiv.py --compare FILE   # compare this tree's parser with a record

The inputs: every .mpl file under programs/, mesher/, stdlib/, tests/ and
bench/ of this tree, every .mpl file of the reference (MESH_UPSTREAM or
--upstream, a clone of snowdamiz/mesh-lang; HEAD and 370593a3), and N
deterministic mutants of each of those files (truncated, a token deleted,
duplicated or replaced, two lines swapped, a bracket dropped) so that error
messages are compared as well as trees. For each input the result is either
the whole AST (every field of every node, spans as offsets) or the error's
class, message and span. `--against REV` extracts mesh_interp/ as committed
at REV into a scratch folder, records its results in a subprocess, and
compares them with this tree's parser. Exit status 1 on any difference.

tests/test_parser_equiv.py runs the same comparison on a small sample.
"""
from __future__ import annotations

import argparse
import io
import os
import pickle
import random
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_UPSTREAM = "/work/.mirror/snowdamiz+mesh-lang/repo"
UPSTREAM_REVS = ["HEAD", "370593a3"]
_TOKEN = re.compile(r"[^\W\d]\w*|\d[\w.]*|\"(?:[^\"\\\n]|\\.)*\"|\S")
_REPLACEMENTS = ["(", ")", "do", "end", ",", "|", "->", "=", "::", "[", "}", "fn", "let",
                 "\"", "${", "+", "1", "x", ":a", "%{", "if", "case", "|>", ".", "\n"]


def local_files() -> list[tuple[str, str]]:
    out = []
    for top in ("programs", "mesher", "stdlib", "tests", "bench"):
        for p in sorted((ROOT / top).rglob("*.mpl")):
            try:
                out.append((str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return out


def upstream_files(upstream: str | None) -> list[tuple[str, str]]:
    if not upstream or not os.path.isdir(upstream):
        return []
    out = []
    for rev in UPSTREAM_REVS:
        try:
            names = subprocess.run(["git", "-C", upstream, "ls-tree", "-r", "--name-only", rev],
                                   check=True, capture_output=True, text=True).stdout.split("\n")
        except subprocess.CalledProcessError:
            continue
        for name in names:
            if name.endswith(".mpl"):
                data = subprocess.run(["git", "-C", upstream, "show", f"{rev}:{name}"],
                                      check=True, capture_output=True).stdout
                try:
                    out.append((f"upstream/{rev}:{name}", data.decode("utf-8")))
                except UnicodeDecodeError:
                    continue
    return out


def mutants(name: str, text: str, n: int) -> list[tuple[str, str]]:
    """n deterministic variants of text (most of them syntax errors)."""
    rng = random.Random(name)
    toks = [m.span() for m in _TOKEN.finditer(text)]
    lines = text.split("\n")
    out = []
    for i in range(n):
        kind = i % 6
        if kind == 0 or not toks:
            cut = rng.randrange(len(text) + 1)
            t = text[:cut]
        elif kind == 1:
            s, e = toks[rng.randrange(len(toks))]
            t = text[:s] + text[e:]
        elif kind == 2:
            s, e = toks[rng.randrange(len(toks))]
            t = text[:e] + " " + text[s:e] + text[e:]
        elif kind == 3:
            s, e = toks[rng.randrange(len(toks))]
            t = text[:s] + rng.choice(_REPLACEMENTS) + text[e:]
        elif kind == 4 and len(lines) > 1:
            a = rng.randrange(len(lines) - 1)
            ls = list(lines)
            ls[a], ls[a + 1] = ls[a + 1], ls[a]
            t = "\n".join(ls)
        else:
            brackets = [m.start() for m in re.finditer(r"[()\[\]{}]|\bend\b|\bdo\b", text)]
            if not brackets:
                continue
            s = rng.choice(brackets)
            e = s + (3 if text.startswith("end", s) else 2 if text.startswith("do", s) else 1)
            t = text[:s] + text[e:]
        out.append((f"{name}#mut{i}", t))
    return out


def inputs(upstream: str | None, n_mutants: int, sample: int = 0) -> list[tuple[str, str]]:
    files = local_files() + upstream_files(upstream)
    if sample:
        files = random.Random(0).sample(files, min(sample, len(files)))
    out = list(files)
    for name, text in files:
        out.extend(mutants(name, text, n_mutants))
    return out


def dump(x, depth=0):
    """A plain, comparable picture of an AST value (every field of every node):
    the same for the AST as dataclasses and as `_fields` classes."""
    from dataclasses import fields, is_dataclass
    if depth > 5000:
        raise RecursionError
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(dump(v, depth + 1) for v in x))
    if type(x).__name__ == "Span":
        return ("@", x.start, x.end, x.file.path)
    names = getattr(type(x), "_fields", None)
    if names is None and is_dataclass(x):
        names = [f.name for f in fields(x)]
    if names is not None:
        return (type(x).__name__, tuple((s, dump(getattr(x, s, "<unset>"), depth + 1))
                                        for s in names))
    return ("?", type(x).__name__, repr(x))


def record(items: list[tuple[str, str]]) -> dict:
    from mesh_interp.errors import MeshError
    from mesh_interp.source import SourceFile
    from mesh_interp.syntax.parser import parse
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 30000))
    res = {}
    for name, text in items:
        try:
            r = ("ok", dump(parse(SourceFile(name, text))))
        except MeshError as e:
            sp = e.span
            r = ("err", type(e).__name__, e.message,
                 (sp.start, sp.end, sp.line, sp.col) if sp is not None else None)
        except RecursionError:
            r = ("recursion",)
        res[name] = r
    return res


def grammars_disagree(items: list[tuple[str, str]]) -> list[str]:
    """Inputs that one of the two grammars of this tree's parser (mesh.peg,
    which parses, and mesh_errors.peg, which words the errors) matches and
    the other does not."""
    from mesh_interp.errors import MeshError
    from mesh_interp.source import SourceFile
    from mesh_interp.syntax import parser as P
    if not hasattr(P, "_error_grammar"):
        return []
    fast, slow = P._grammar()["module"], P._error_grammar()["module"]
    bad = []
    for name, text in items:
        try:
            pre = P._prepass(SourceFile(name, text))
        except MeshError:
            continue
        results = []
        for g in (fast, slow):
            try:
                g.match(pre.text)
                results.append(True)
            except RecursionError:
                results.append(None)
            except Exception:
                results.append(False)
        if results[0] != results[1]:
            bad.append(name)
    return bad


def compare(old: dict, new: dict, out=sys.stdout) -> int:
    bad = 0
    for name, r in old.items():
        n = new.get(name)
        if n != r:
            bad += 1
            if bad <= 20:
                print(f"DIFF {name}:\n  old: {str(r)[:300]}\n  new: {str(n)[:300]}", file=out)
    oks = sum(1 for r in old.values() if r[0] == "ok")
    print(f"{len(old)} inputs ({oks} parsed, {len(old) - oks} errors): {bad} differ", file=out)
    return bad


def record_at(rev: str, items, workdir: Path) -> dict:
    """Results of the parser as committed at rev (run in a subprocess)."""
    arch = subprocess.run(["git", "archive", "--format=tar", rev, "mesh_interp"], cwd=ROOT,
                          check=True, capture_output=True).stdout
    src = workdir / "src"
    with tarfile.open(fileobj=io.BytesIO(arch)) as tar:
        tar.extractall(src)
    inp, outp = workdir / "in.pickle", workdir / "out.pickle"
    inp.write_bytes(pickle.dumps(items))
    code = ("import sys, pickle; sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2]);"
            "import parse_equiv as q;"
            "items = pickle.load(open(sys.argv[3], 'rb'));"
            "pickle.dump(q.record(items), open(sys.argv[4], 'wb'))")
    env = dict(os.environ, MESH_CACHE="0")
    subprocess.run([sys.executable, "-P", "-c", code, str(src), str(ROOT / "tests"), str(inp),
                    str(outp)], check=True, env=env, cwd=workdir)
    return pickle.loads(outp.read_bytes())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", metavar="REV")
    ap.add_argument("--save", metavar="FILE")
    ap.add_argument("--compare", metavar="FILE")
    ap.add_argument("--mutants", type=int, default=12, help="mutants per file (default 12)")
    ap.add_argument("--sample", type=int, default=0, help="only this many files (0: all)")
    ap.add_argument("--upstream", default=os.environ.get("MESH_UPSTREAM") or DEFAULT_UPSTREAM)
    args = ap.parse_args(argv)
    os.environ["MESH_CACHE"] = "0"
    sys.path.insert(0, str(ROOT))
    items = inputs(args.upstream, args.mutants, args.sample)
    if args.save:
        Path(args.save).write_bytes(pickle.dumps(record(items)))
        print(f"recorded {len(items)} inputs")
        return 0
    if args.compare:
        old = pickle.loads(Path(args.compare).read_bytes())
    elif args.against:
        with tempfile.TemporaryDirectory() as d:
            old = record_at(args.against, items, Path(d))
    else:
        ap.error("one of --against, --save, --compare")
    bad = compare(old, record(items))
    disagree = grammars_disagree(items)
    for name in disagree[:20]:
        print(f"GRAMMARS DISAGREE on {name}")
    print(f"mesh.peg and mesh_errors.peg disagree on {len(disagree)} inputs")
    return 1 if bad or disagree else 0


if __name__ == "__main__":
    sys.exit(main())
