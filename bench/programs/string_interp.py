# Twin of string_interp.mpl: f-strings in a loop.
# Size: BENCH_N (default 200,000).
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


def go(i, n, total):
    while i != n:
        s = f"item {i}: {i * 2} of {n} ({i % 7})"
        total += len(s)
        i += 1
    return total


def main():
    n = bench_size(200000)
    print(f"total length {go(0, n, 0)}")


main()
