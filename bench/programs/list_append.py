# Twin of list_append.mpl: list.append in a loop, then ",".join.
# Size: BENCH_N (default 20,000).
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


def build(xs, i, n):
    while i != n:
        xs.append(str(i))
        i += 1
    return xs


def main():
    n = bench_size(20000)
    xs = build([], 0, n)
    s = ",".join(xs)
    print(f"items {len(xs)} joined length {len(s)} last {xs[-1]}")


main()
