# Recursive Fibonacci (twin of fib.mpl). Size: BENCH_N (default 30).
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


def fib(n):
    if n < 2:
        return n
    else:
        return fib(n - 1) + fib(n - 2)


def main():
    n = bench_size(30)
    print(f"fib({n}) = {fib(n)}")


main()
