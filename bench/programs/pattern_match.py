# Twin of pattern_match.mpl: classes with __match_args__ and `match`.
# Size: BENCH_N = tree depth (default 16).
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


class Num:
    __slots__ = ("n",)
    __match_args__ = ("n",)

    def __init__(self, n):
        self.n = n


class Add:
    __slots__ = ("a", "b")
    __match_args__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b


class Mul:
    __slots__ = ("a", "b")
    __match_args__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b


class Neg:
    __slots__ = ("a",)
    __match_args__ = ("a",)

    def __init__(self, a):
        self.a = a


def build(depth, seed):
    if depth == 0:
        return Num(seed % 10)
    l = build(depth - 1, (seed * 31 + 7) % 1000)
    r = build(depth - 1, (seed * 17 + 3) % 1000)
    match seed % 3:
        case 0:
            return Add(l, r)
        case 1:
            return Mul(l, r)
        case _:
            return Neg(Add(l, r))


def eval_(e):
    match e:
        case Num(n):
            return n
        case Add(a, b):
            return (eval_(a) + eval_(b)) % 1000003
        case Mul(Num(0), _):
            return 0
        case Mul(a, b):
            return (eval_(a) * eval_(b)) % 1000003
        case Neg(a):
            return (1000003 - eval_(a)) % 1000003


def count(e):
    match e:
        case Num(_):
            return 1
        case Add(a, b):
            return 1 + count(a) + count(b)
        case Mul(a, b):
            return 1 + count(a) + count(b)
        case Neg(a):
            return 1 + count(a)


def depth(e):
    match e:
        case Num(_):
            return 0
        case Add(a, b):
            return 1 + max(depth(a), depth(b))
        case Mul(a, b):
            return 1 + max(depth(a), depth(b))
        case Neg(a):
            return 1 + depth(a)


def main():
    n = bench_size(16)
    e = build(n, 1)
    print(f"nodes {count(e)} depth {depth(e)} value {eval_(e)}")


main()
