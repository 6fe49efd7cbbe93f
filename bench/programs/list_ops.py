# Twin of list_ops.mpl: map / filter / reduce with lambdas.
# Size: BENCH_N (default 200,000).
from functools import reduce
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


def main():
    n = bench_size(200000)
    xs = list(range(0, n))
    ys = list(map(lambda x: x * 3 + 1, xs))
    zs = list(filter(lambda x: x % 2 == 0, ys))
    total = reduce(lambda acc, x: acc + x, zs, 0)
    print(f"items {len(xs)} kept {len(zs)} sum {total}")


main()
