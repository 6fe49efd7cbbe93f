"""Profile one benchmark program through the interpreter with cProfile.

    python bench/profile_mesh.py fib [--size 22] [--top 25] [--sort tottime] [--out fib.prof]
                                     [--src DIR]

Loading (parse + check + compile) happens outside the profile; only the run of
`main` is profiled. `mesh run` evaluates the program in a thread with a big
stack (cProfile only sees the thread it is enabled in), so this script does
the same and enables the profiler inside that thread. The size is passed as
BENCH_N, as by bench/run.py. Prints the top functions by own time (tottime)
and by cumulative time.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import threading
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("program", help="bench/programs/<program>.mpl (or a path to a .mpl file)")
    ap.add_argument("--size", type=int, default=None, help="BENCH_N (default: full size)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", default="tottime", help="pstats key (default tottime)")
    ap.add_argument("--out", default=None, help="also dump the raw stats here")
    ap.add_argument("--src", default=str(BENCH_DIR.parent),
                    help="folder holding the mesh_interp package to profile (default: this "
                         "checkout; e.g. a snapshot made by `bench/run.py --at REV --workdir W`)")
    args = ap.parse_args(argv)
    sys.path.insert(0, args.src)

    path = Path(args.program)
    if not path.suffix:
        path = BENCH_DIR / "programs" / f"{args.program}.mpl"
    if args.size is not None:
        os.environ["BENCH_N"] = str(args.size)

    from mesh_interp.driver import load_program, run_program

    prof = cProfile.Profile()
    result = {}

    def target():
        program = load_program(str(path), check=True)
        if program is None:
            result["code"] = 1
            return
        prof.enable()
        try:
            result["code"] = run_program(program)
        finally:
            prof.disable()

    sys.setrecursionlimit(400_000)
    threading.stack_size(1024 * 1024 * 1024)
    t = threading.Thread(target=target, name="mesh-main")
    t.start()
    t.join()
    if args.out:
        prof.dump_stats(args.out)
    for key in (args.sort, "cumulative"):
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats(key).print_stats(args.top)
        print(f"==== sorted by {key} ====", file=sys.stderr)
        print(buf.getvalue(), file=sys.stderr)
    return result.get("code", 1)


if __name__ == "__main__":
    sys.exit(main())
