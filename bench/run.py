"""Run the mesh_interp benchmarks side by side with their CPython twins.

    python bench/run.py                     # every benchmark, full size, 5 runs each
    python bench/run.py fib tail_loop       # only these
    python bench/run.py --runs 3 --json out.json
    python bench/run.py --tiny              # tiny sizes (what tests/test_bench.py uses)
    python bench/run.py --size fib=20 --size actors=500

Each benchmark is a whole process on each side: `mesh run bench/programs/X.mpl`
against `python3 bench/programs/X.py` (the load benchmarks: `mesh check` of a
generated 4,000-line project against importing its Python twin). Runs
alternate A/B (mesh first on even rounds, CPython first on odd ones) so both
sides see similar machine load. Per process we measure wall time
(time.perf_counter) and CPU time (user + sys of the child, from
resource.getrusage(RUSAGE_CHILDREN)). Both sides must print the same stdout,
otherwise the benchmark is reported as a mismatch (and the exit status is 1).

Reported per benchmark: min and median of each side, the ratio of the minima
(mesh / CPython), and the median of the per-round ratios (each round's mesh
run against the CPython run next to it), for wall and CPU time. Targets are
reported, never asserted. A JSON file with every figure is written
(default bench/results.json).

The size of a benchmark is passed to both programs in the environment
variable BENCH_N (the programs fall back to their full size without it); the
load benchmarks take it as the number of lines of the generated project.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PROGRAMS = BENCH_DIR / "programs"
sys.path.insert(0, str(BENCH_DIR))

import gen_project  # noqa: E402


@dataclass
class Bench:
    name: str
    kind: str                      # cpu | collection | startup | actors | load
    size: Optional[int]            # full size (BENCH_N); None: no size
    tiny: Optional[int]            # size used by --tiny / the tests
    program: Optional[str] = None  # bench/programs/<program>.{mpl,py}; default name
    target: str = ""               # text for the table
    # (value of the figure, limit): how the target is judged
    judge: Optional[Callable[[dict], Optional[bool]]] = None
    warmup: int = 0                # untimed runs of each side first
    note: str = ""

    @property
    def prog(self) -> str:
        return self.program or self.name


def _ratio_target(limit):
    def judge(res):
        r = res["cpu"]["ratio_min"]
        return None if r is None else r <= limit
    return judge


def _wall_target(limit):
    def judge(res):
        return res["mesh"]["wall_min"] < limit
    return judge


BENCHES = [
    Bench("fib", "cpu", 30, 10, target="CPU ratio <= 5x", judge=_ratio_target(5),
          note="recursive fib(N)"),
    Bench("tail_loop", "cpu", 3_000_000, 1000, target="CPU ratio <= 5x",
          judge=_ratio_target(5), note="self tail call, N steps (CPython: while loop)"),
    Bench("pattern_match", "cpu", 16, 4, target="CPU ratio <= 5x", judge=_ratio_target(5),
          note="sum-type tree of depth N: build, eval, count, depth with case"),
    Bench("string_interp", "cpu", 200_000, 50, target="CPU ratio <= 5x",
          judge=_ratio_target(5), note="N interpolated strings in a loop"),
    Bench("list_ops", "collection", 200_000, 100, target="CPU ratio <= 3x",
          judge=_ratio_target(3), note="List.map/filter/reduce over N items"),
    Bench("map_ops", "collection", 100_000, 100, target="CPU ratio <= 3x",
          judge=_ratio_target(3), note="N Map.put, 7N Map.has_key (+N Map.get); CPython: dict"),
    Bench("list_append", "collection", 20_000, 100, target="CPU ratio <= 3x",
          judge=_ratio_target(3), note="N List.append in a loop, then String.join"),
    Bench("actors", "actors", 10_000, 10, note="N actors: spawn, 1 message in, 1 out "
          "(CPython: asyncio tasks + queues)"),
    Bench("actors_100k", "actors", 100_000, 20, program="actors",
          target="mesh wall < 3 s", judge=_wall_target(3.0), note="same with N = 100,000"),
    Bench("hello", "startup", None, None, target="mesh wall < 0.15 s",
          judge=_wall_target(0.15), warmup=1, note="whole `mesh run` of hello world"),
    Bench("load_cold", "load", 4000, 120, warmup=1,
          note="`mesh check` of an N-line multi-module project, parse cache removed "
               "(CPython: import of the twin project, __pycache__ removed)"),
    Bench("load_cached", "load", 4000, 120, warmup=1,
          note="the same with the caches left in place"),
]
BY_NAME = {b.name: b for b in BENCHES}


# ----------------------------------------------------------------- commands

def default_mesh_cmd() -> list[str]:
    """The `mesh` console script next to this Python (not a pyenv shim, whose
    bash wrapper would add its own start-up to every run), else -m."""
    exe_dir = Path(sys.executable).parent
    for name in ("mesh", "mesh.exe"):
        script = exe_dir / name
        if script.is_file():
            return [str(script)]
    return [sys.executable, "-m", "mesh_interp"]


def parse_cache_info() -> dict:
    """What the parser says about its cache: the environment variable and the
    folder name it uses, if the code mentions them (the cache is being built
    separately; with no cache, `cold` and `cached` measure the same thing)."""
    info = {"env_var": None, "folder": None, "present": False}
    for path in (ROOT / "mesh_interp" / "syntax" / "parser.py",
                 ROOT / "mesh_interp" / "syntax" / "cache.py",
                 ROOT / "mesh_interp" / "driver.py"):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if "MESH_CACHE_DIR" in text:
            info["env_var"] = "MESH_CACHE_DIR"
            info["present"] = True
        m = re.search(r"""["'](\.mesh[_-]?cache)["']""", text)
        if m:
            info["folder"] = m.group(1)
            info["present"] = True
    return info


class Workspace:
    """Scratch files of one run of the suite: the generated project and a
    private parse-cache folder (MESH_CACHE_DIR points there)."""

    def __init__(self, keep: Optional[Path] = None):
        self.dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="mesh-bench-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir = self.dir / "mesh_cache"
        self.cache = parse_cache_info()
        self._projects: dict[int, dict] = {}

    def project(self, lines: int) -> dict:
        if lines not in self._projects:
            self._projects[lines] = gen_project.generate(self.dir / f"project_{lines}", lines)
        return self._projects[lines]

    def clear_mesh_cache(self, project_dir: Path):
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        for folder in {".mesh_cache", ".mesh-cache", self.cache.get("folder") or ".mesh_cache"}:
            for base in (project_dir, ROOT, Path.cwd()):
                shutil.rmtree(base / folder, ignore_errors=True)

    @staticmethod
    def clear_pycache(py_dir: Path):
        for d in py_dir.rglob("__pycache__"):
            shutil.rmtree(d, ignore_errors=True)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Side:
    cmd: list[str]
    env: dict
    prepare: Optional[Callable[[], None]] = None
    cwd: Optional[str] = None


def sides_for(b: Bench, size: Optional[int], ws: Workspace, mesh_cmd: list[str],
              python: str) -> tuple[Side, Side]:
    env = dict(os.environ)
    env.pop("BENCH_N", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["MESH_CACHE_DIR"] = str(ws.cache_dir)
    if b.kind == "load":
        proj = ws.project(size or 4000)
        mesh_dir, py_dir = Path(proj["mesh_dir"]), Path(proj["py_dir"])
        mesh = Side(mesh_cmd + ["check", str(mesh_dir)], env)
        py = Side([python, str(py_dir / "load.py")], env)
        if b.name == "load_cold":
            mesh.prepare = lambda: ws.clear_mesh_cache(mesh_dir)
            py.prepare = lambda: ws.clear_pycache(py_dir)
        return mesh, py
    if size is not None:
        env["BENCH_N"] = str(size)
    return (Side(mesh_cmd + ["run", str(PROGRAMS / f"{b.prog}.mpl")], env),
            Side([python, str(PROGRAMS / f"{b.prog}.py")], env))


# ----------------------------------------------------------------- measuring

def timed(side: Side, timeout: float) -> dict:
    if side.prepare:
        side.prepare()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        p = subprocess.run(side.cmd, env=side.env, cwd=side.cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", e.stdout or b"", e.stderr or b""
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rc": rc,
            "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace")}


def _stats(xs: list[float]) -> dict:
    return {"min": min(xs), "median": statistics.median(xs), "max": max(xs)}


def _div(a, b):
    return a / b if b else None


def run_bench(b: Bench, size, runs: int, ws: Workspace, mesh_cmd, python, timeout,
              log=print) -> dict:
    mesh, py = sides_for(b, size, ws, mesh_cmd, python)
    # Untimed: one `mesh run` of hello world, so neither CPython's .pyc files
    # of a just-edited interpreter nor the parse cache of the stdlib are
    # rebuilt inside a timed run.
    hello, _ = sides_for(BY_NAME["hello"], None, ws, mesh_cmd, python)
    timed(hello, timeout)
    for _ in range(b.warmup):
        timed(mesh, timeout)
        timed(py, timeout)
    load_before = os.getloadavg()
    m_runs, p_runs = [], []
    problems = []
    for r in range(runs):
        order = [("mesh", mesh), ("py", py)] if r % 2 == 0 else [("py", py), ("mesh", mesh)]
        for who, side in order:
            res = timed(side, timeout)
            (m_runs if who == "mesh" else p_runs).append(res)
            if res["rc"] != 0:
                problems.append(f"{who} run {r}: exit {res['rc']}: {res['stderr'][-500:]}")
    load_after = os.getloadavg()
    outputs_m = {x["stdout"] for x in m_runs}
    outputs_p = {x["stdout"] for x in p_runs}
    same = outputs_m == outputs_p and len(outputs_m) == 1
    if not same:
        problems.append(f"output differs: mesh {sorted(outputs_m)!r} vs python {sorted(outputs_p)!r}")
    res = {"name": b.name, "kind": b.kind, "size": size, "runs": runs, "note": b.note,
           "mesh_cmd": " ".join(mesh.cmd), "python_cmd": " ".join(py.cmd),
           "output": m_runs[0]["stdout"].strip() if m_runs else "",
           "same_output": same, "problems": problems,
           "loadavg_before": load_before, "loadavg_after": load_after}
    for who, rs in (("mesh", m_runs), ("python", p_runs)):
        res[who] = {"wall": [x["wall"] for x in rs], "cpu": [x["cpu"] for x in rs]}
        for metric in ("wall", "cpu"):
            st = _stats(res[who][metric])
            res[who][f"{metric}_min"] = st["min"]
            res[who][f"{metric}_median"] = st["median"]
    for metric in ("wall", "cpu"):
        pairs = [_div(m[metric], p[metric]) for m, p in zip(m_runs, p_runs)]
        pairs = [x for x in pairs if x is not None]
        res[metric] = {
            "ratio_min": _div(res["mesh"][f"{metric}_min"], res["python"][f"{metric}_min"]),
            "ratio_median": _div(res["mesh"][f"{metric}_median"],
                                 res["python"][f"{metric}_median"]),
            "ratio_pairs_median": statistics.median(pairs) if pairs else None,
        }
    res["target"] = b.target
    res["meets_target"] = b.judge(res) if (b.judge and same and not problems) else None
    return res


# ----------------------------------------------------------------- reporting

def _f(x, fmt="{:.3f}"):
    return "-" if x is None else fmt.format(x)


def table(results: list[dict]) -> str:
    head = ("| benchmark | size | mesh wall min / med (s) | CPython wall min / med (s) "
            "| wall ratio min (pairs med) | mesh CPU min (s) | CPython CPU min (s) "
            "| CPU ratio min (pairs med) | CPU ratio net of start-up | target | met | load avg |")
    sep = "|" + "---|" * (head.count("|") - 1)
    lines = [head, sep]
    for r in results:
        met = {True: "yes", False: "no", None: "-"}[r["meets_target"]]
        if not r["same_output"] or r["problems"]:
            met = "ERROR"
        size = "-" if r["size"] is None else f"{r['size']:,}"
        lines.append(
            f"| {r['name']} | {size} "
            f"| {_f(r['mesh']['wall_min'])} / {_f(r['mesh']['wall_median'])} "
            f"| {_f(r['python']['wall_min'])} / {_f(r['python']['wall_median'])} "
            f"| {_f(r['wall']['ratio_min'], '{:.1f}')}x ({_f(r['wall']['ratio_pairs_median'], '{:.1f}')}x) "
            f"| {_f(r['mesh']['cpu_min'])} | {_f(r['python']['cpu_min'])} "
            f"| {_f(r['cpu']['ratio_min'], '{:.1f}')}x ({_f(r['cpu']['ratio_pairs_median'], '{:.1f}')}x) "
            f"| {_f(r.get('cpu_net_ratio'), '{:.1f}x')} "
            f"| {r['target'] or '-'} | {met} "
            f"| {r['loadavg_before'][0]:.1f} -> {r['loadavg_after'][0]:.1f} |")
    return "\n".join(lines)


def add_net_ratios(results: list[dict]) -> None:
    """CPU ratio with each side's start-up (its hello-world CPU time, min)
    subtracted: (mesh - mesh hello) / (CPython - CPython hello). Only when
    hello was measured in the same run and both remainders are >= 10 ms."""
    hello = next((r for r in results if r["name"] == "hello"), None)
    for r in results:
        r["cpu_net_ratio"] = None
        if hello is None or r is hello:
            continue
        m = r["mesh"]["cpu_min"] - hello["mesh"]["cpu_min"]
        p = r["python"]["cpu_min"] - hello["python"]["cpu_min"]
        if m >= 0.01 and p >= 0.01:
            r["cpu_net_ratio"] = m / p


def snapshot_interpreter(rev: str, dest: Path) -> str:
    """Extract mesh_interp/ and stdlib/ as committed at rev into dest; the
    full commit id."""
    full = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.strip()
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", "--format=tar", full, "mesh_interp", "stdlib"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    import io
    import tarfile
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest)
    return full


def git_commit() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except Exception:
            return ""
    return {"commit": git("rev-parse", "HEAD"),
            "dirty_interpreter": bool(git("status", "--porcelain", "--", "mesh_interp"))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help=f"benchmarks to run (default all): "
                                            f"{', '.join(BY_NAME)}")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per side (default 5)")
    ap.add_argument("--tiny", action="store_true", help="tiny sizes (a smoke test)")
    ap.add_argument("--size", action="append", default=[], metavar="NAME=N",
                    help="override one benchmark's size")
    ap.add_argument("--json", default=str(BENCH_DIR / "results.json"),
                    help="where to write the figures (default bench/results.json)")
    ap.add_argument("--mesh", default=None,
                    help="the mesh command (default: the `mesh` script next to this Python)")
    ap.add_argument("--at", default=None, metavar="REV",
                    help="measure the interpreter as committed at REV (git archive of "
                         "mesh_interp/ and stdlib/ into a scratch folder, run with "
                         "`python -P -m mesh_interp`), not the working tree, which "
                         "others may be editing")
    ap.add_argument("--python", default=sys.executable,
                    help="the CPython to compare with (default: this one)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per process")
    ap.add_argument("--workdir", default=None, help="keep the generated project here")
    args = ap.parse_args(argv)

    unknown = [n for n in args.names if n not in BY_NAME]
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(unknown)}")
    sizes = {}
    for s in args.size:
        name, _, val = s.partition("=")
        if name not in BY_NAME or not val.isdigit():
            ap.error(f"--size wants NAME=N, got {s!r}")
        sizes[name] = int(val)
    mesh_cmd = args.mesh.split() if args.mesh else default_mesh_cmd()
    benches = [BY_NAME[n] for n in args.names] if args.names else BENCHES
    ws = Workspace(Path(args.workdir) if args.workdir else None)
    commit = git_commit()
    if args.at:
        commit = {"commit": snapshot_interpreter(args.at, ws.dir / "src"),
                  "dirty_interpreter": False, "snapshot": True}
        mesh_cmd = [sys.executable, "-P", "-m", "mesh_interp"]
        os.environ["PYTHONPATH"] = str(ws.dir / "src") + (
            os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    started = _dt.datetime.now().astimezone()
    meta = {
        "date": started.isoformat(timespec="seconds"),
        **commit,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_cmd": args.python, "mesh_cmd": " ".join(mesh_cmd),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "loadavg_start": os.getloadavg(), "runs": args.runs, "tiny": args.tiny,
        "parse_cache": ws.cache,
    }
    print(f"# mesh_interp benchmarks {meta['date']} commit {meta['commit'][:12]}"
          f"{' (interpreter modified)' if meta['dirty_interpreter'] else ''}")
    print(f"# {meta['machine']}, load average {meta['loadavg_start'][0]:.2f}; "
          f"{meta['python']}; {args.runs} runs per side; parse cache "
          f"{'found' if ws.cache['present'] else 'not found'} in the parser")
    results = []
    try:
        for b in benches:
            size = sizes.get(b.name, b.tiny if args.tiny else b.size)
            print(f"... {b.name} (size {size})", file=sys.stderr, flush=True)
            r = run_bench(b, size, args.runs, ws, mesh_cmd, args.python, args.timeout)
            results.append(r)
            for p in r["problems"]:
                print(f"!!! {b.name}: {p}", file=sys.stderr)
    finally:
        if not args.workdir:
            ws.cleanup()
    add_net_ratios(results)
    meta["loadavg_end"] = os.getloadavg()
    meta["seconds"] = round(time.time() - started.timestamp(), 1)
    print(table(results))
    print(f"# load average at the end {meta['loadavg_end'][0]:.2f}; took {meta['seconds']} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=2)
                                   + "\n", encoding="utf-8")
        print(f"# figures written to {args.json}")
    bad = [r["name"] for r in results if not r["same_output"] or r["problems"]]
    if bad:
        print(f"# FAILED: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
