# Twin of tail_loop.mpl: CPython has no tail calls, so the loop is a while.
# Size: BENCH_N (default 3,000,000).
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


def loop(i, n, acc):
    while True:
        if i == n:
            return acc
        else:
            i, n, acc = i + 1, n, (acc + i * 7) % 1000003


def main():
    n = bench_size(3000000)
    print(f"loop({n}) = {loop(0, n, 0)}")


main()
