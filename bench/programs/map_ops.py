# Twin of map_ops.mpl, with a plain dict (mutated in place).
# Size: BENCH_N (default 100,000).
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


def fill(m, i, n):
    while i != n:
        m[i * 7] = i
        i += 1
    return m


def lookup(m, i, n, acc):
    while i != n:
        if i in m:
            acc += m[i]
        i += 1
    return acc


def main():
    n = bench_size(100000)
    m = fill({}, 0, n)
    total = lookup(m, 0, n * 7, 0)
    print(f"size {len(m)} sum {total}")


main()
