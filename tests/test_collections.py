"""Unit tests for mesh_interp.eval.collections."""
from mesh_interp.eval.collections import (
    EMPTY, EMPTY_MAP, EMPTY_QUEUE, EMPTY_SET, MeshIter, MeshList, MeshMap, MeshQueue,
    MeshRange, MeshSet, iterate,
)
from mesh_interp.eval.values import NONE, some

L = MeshList.from_iterable


def test_list_basics():
    xs = L([1, 2, 3])
    assert len(xs) == 3 and list(xs) == [1, 2, 3]
    assert xs[0] == 1 and xs[-1] == 3
    assert len(EMPTY) == 0 and not EMPTY and list(EMPTY) == []
    assert L([]) is EMPTY
    assert MeshList.of(1, 2) == L([1, 2])


def test_list_persistence():
    xs = L([1, 2])
    ys = xs.append(3)
    assert list(xs) == [1, 2] and list(ys) == [1, 2, 3]
    zs = xs.append(4)
    assert list(ys) == [1, 2, 3] and list(zs) == [1, 2, 4]


def test_uncons_and_tail():
    xs = L([1, 2, 3])
    h, t = xs.uncons()
    assert h == 1 and list(t) == [2, 3]
    assert list(xs) == [1, 2, 3]
    assert EMPTY.uncons() is None
    assert t.append(9) == L([2, 3, 9])
    assert xs.tail().tail().tail() == EMPTY


def test_uncons_walk_is_linear_and_compacts():
    n = 100_000
    xs = L(range(n))
    total = 0
    cur = xs
    while True:
        r = cur.uncons()
        if r is None:
            break
        h, cur = r
        total += h
    assert total == n * (n - 1) // 2
    assert len(xs) == n


def test_concat_take_drop_reverse():
    a, b = L([1, 2]), L([3])
    assert a.concat(b) == L([1, 2, 3]) and a + b == L([1, 2, 3])
    assert a.concat(EMPTY) is a and EMPTY.concat(b) is b
    xs = L(range(10))
    assert xs.take(3) == L([0, 1, 2]) and xs.take(-1) == EMPTY and xs.take(100) == xs
    assert xs.drop(8) == L([8, 9]) and xs.drop(100) == EMPTY and xs.drop(-2) == xs
    assert xs.drop(8).append(10) == L([8, 9, 10])
    assert xs.reverse() == L(range(9, -1, -1))
    assert xs.drop(5).reverse() == L([9, 8, 7, 6, 5])
    assert xs[2:4] == L([2, 3]) and xs.drop(2)[1:] == L(range(3, 10))
    assert L([1]).prepend(0) == L([0, 1])


def test_list_equality_ordering_hash():
    assert L([1, 2]) == L([1, 2]) and L([1, 2]) != L([1, 3])
    assert L([1, 2]).drop(1) == L([2])
    assert L([1, 2]) < L([1, 3]) and L([1]) < L([1, 0]) and not (L([2]) < L([1, 9]))
    assert L([]) < L([0]) and L([1, 2]) <= L([1, 2]) and L([3]) > L([2, 9])
    assert hash(L([1, 2])) == hash(L([0, 1, 2]).drop(1))
    assert {L([1]): "a"}[L([1])] == "a"
    assert 2 in L([1, 2])


def test_list_append_loop_100k():
    xs = EMPTY
    for i in range(100_000):
        xs = xs.append(i)
    assert len(xs) == 100_000 and xs[99_999] == 99_999


def test_map_insertion_order_and_updates():
    m = EMPTY_MAP.put("b", 1).put("a", 2).put("c", 3)
    assert list(m.keys()) == ["b", "a", "c"]
    m2 = m.put("b", 10)
    assert list(m2.items()) == [("b", 10), ("a", 2), ("c", 3)]
    assert m.get("b") == 1
    m3 = m2.delete("a")
    assert list(m3.items()) == [("b", 10), ("c", 3)]
    assert m3.delete("zzz") is m3
    assert m3.put("a", 7).keys().__next__() == "b"
    assert list(m3.put("a", 7).keys()) == ["b", "c", "a"]
    assert len(m3) == 2 and "c" in m3 and "a" not in m3
    assert m.get("nope", 42) == 42


def test_map_from_pairs_and_equality():
    m = MeshMap.from_pairs([(1, "a"), (2, "b"), (1, "c")])
    assert list(m.items()) == [(1, "c"), (2, "b")]
    assert MeshMap.from_pairs([]) is EMPTY_MAP
    assert m == MeshMap.from_pairs([(2, "b"), (1, "c")])
    assert m != MeshMap.from_pairs([(2, "b"), (1, "x")])
    assert hash(m) == hash(MeshMap.from_pairs([(2, "b"), (1, "c")]))
    assert list(m.values()) == ["c", "b"]


def test_map_merge():
    a = MeshMap.from_pairs([("x", 1), ("y", 2)])
    b = MeshMap.from_pairs([("y", 20), ("z", 30)])
    assert list(a.merge(b).items()) == [("x", 1), ("y", 20), ("z", 30)]


def test_map_structural_keys():
    m = EMPTY_MAP.put((1, "a"), 1).put(L([1, 2]), 2).put(some(3), 3)
    assert m.get((1, "a")) == 1 and m.get(L([1, 2])) == 2 and m.get(some(3)) == 3
    assert m.get(NONE) is None


def test_map_put_delete_loop():
    m = EMPTY_MAP
    for i in range(50_000):
        m = m.put(i, i * 2)
    assert len(m) == 50_000 and m.get(37_777) == 75_554
    for i in range(0, 50_000, 2):
        m = m.delete(i)
    assert len(m) == 25_000
    assert list(m.keys())[:3] == [1, 3, 5]
    for i in range(1, 45_000, 2):
        m = m.delete(i)
    assert len(m) == 2_500 and len(m._ord) < 10_000   # tombstones get squeezed out


def test_map_delete_everything_then_reuse():
    m = EMPTY_MAP
    for i in range(1000):
        m = m.put(i, i)
    for i in range(1000):
        m = m.delete(i)
    assert len(m) == 0 and list(m.items()) == []
    m = m.put("k", 1)
    assert list(m.items()) == [("k", 1)]


def test_set_operations():
    s = MeshSet.from_iterable([3, 1, 3, 2])
    assert list(s) == [3, 1, 2] and len(s) == 3
    assert s.add(1) is s and list(s.add(9)) == [3, 1, 2, 9]
    assert list(s.remove(1)) == [3, 2] and s.remove(42) is s
    t = MeshSet.from_iterable([2, 5])
    assert list(s.union(t)) == [3, 1, 2, 5]
    assert list(s.intersection(t)) == [2]
    assert list(s.difference(t)) == [3, 1]
    assert s == MeshSet.from_iterable([1, 2, 3]) and hash(s) == hash(MeshSet.from_iterable([2, 1, 3]))
    assert EMPTY_SET.union(s) is s


def test_set_100k():
    s = EMPTY_SET
    for i in range(100_000):
        s = s.add(i % 50_000)
    assert len(s) == 50_000
    for i in range(40_000):
        s = s.remove(i)
    assert list(s)[:2] == [40_000, 40_001]


def test_queue():
    q = EMPTY_QUEUE.push(1).push(2).push(3)
    assert len(q) == 3 and q.peek() == 1
    x, rest = q.pop()
    assert x == 1 and list(rest) == [2, 3] and list(q) == [1, 2, 3]
    q = EMPTY_QUEUE
    for i in range(10_000):
        q = q.push(i)
        if i % 2:
            _, q = q.pop()
    assert len(q) == 5000


def test_range():
    r = MeshRange(1, 4)
    assert list(r) == [1, 2, 3] and len(r) == 3
    assert len(MeshRange(5, 1)) == 0 and list(MeshRange(5, 1)) == []
    assert MeshRange(1, 4) == MeshRange(1, 4) and 3 in r and 4 not in r


def test_iter_lazy_single_pass():
    pulled = []

    def src():
        for i in range(10):
            pulled.append(i)
            yield i

    it = MeshIter(src())
    first = it.take(2)
    assert pulled == []
    assert list(first) == [0, 1]
    assert pulled == [0, 1]
    assert list(it) == list(range(2, 10))
    assert list(it) == []


def test_iter_from_next():
    state = iter([1, 2])

    def nxt():
        try:
            return some(next(state))
        except StopIteration:
            return NONE

    assert list(MeshIter.from_next(nxt)) == [1, 2]


def test_iterate_helper():
    m = MeshMap.from_pairs([(1, 2)])
    assert list(iterate(m)) == [(1, 2)]
    assert list(iterate(L([1]))) == [1]
