"""Pool.* natives (stdlib.md §14.4): a PostgreSQL connection pool.

All Mesh processes run on one event loop thread, so the bookkeeping is
plain Python; a process that finds the pool exhausted waits (only itself)
on a future until a connection is checked in, the timeout passes, or the
pool is closed. Connections are asyncpg connections set up by natives/pg.py.
"""
from __future__ import annotations

from collections import deque as _deque

from ..eval.values import Opaque as _Opaque, err as _err, ok as _ok
from . import pg as _pg
from .http import _block_on


class _Pool:
    __slots__ = ("url", "min", "max", "timeout", "idle", "total", "closed", "waiters")

    def __init__(self, url, min_conns, max_conns, timeout_ms):
        self.url = url
        self.min = min_conns
        self.max = max_conns
        self.timeout = timeout_ms / 1000.0
        self.idle = _deque()
        self.total = 0
        self.closed = False
        self.waiters = _deque()

    def __repr__(self) -> str:
        return "<PoolHandle>"

    def _wake_one(self):
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                return

    async def checkout(self):
        """(conn, None) or (None, error text)."""
        import asyncio
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            if self.closed:
                return None, "pool is closed"
            while self.idle:
                conn = self.idle.popleft()
                if not conn.is_closed():
                    return conn, None
                self.total -= 1
            if self.total < self.max:
                self.total += 1
                try:
                    conn = await _pg._connect(self.url)
                except _pg._PgError as e:
                    self.total -= 1
                    self._wake_one()
                    return None, f"pool connect: {e}"
                return conn, None
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None, "pool checkout timeout"
            fut = loop.create_future()
            self.waiters.append(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except asyncio.TimeoutError:
                return None, "pool checkout timeout"
            finally:
                if fut in self.waiters:
                    self.waiters.remove(fut)

    async def checkin(self, conn):
        if self.closed:
            await _close_conn(conn)
            self.total -= 1
            return
        if conn.is_closed():
            self.total -= 1
            self._wake_one()
            return
        if conn.is_in_transaction():
            if await _pg._simple(conn, "ROLLBACK") is not None:
                await _close_conn(conn)
                self.total -= 1
                self._wake_one()
                return
        self.idle.append(conn)
        self._wake_one()

    async def with_conn(self, op):
        conn, e = await self.checkout()
        if conn is None:
            return _err(e)
        try:
            return await op(conn)
        finally:
            await self.checkin(conn)


async def _close_conn(conn):
    try:
        await conn.close(timeout=5)
    except Exception:
        try:
            conn.terminate()
        except Exception:
            pass


def _pool_of(p) -> _Pool:
    if type(p) is _Opaque and type(p.obj) is _Pool:
        return p.obj
    from ..errors import MeshPanic
    raise MeshPanic("Pool: expected a PoolHandle")


def open(url, min_conns, max_conns, timeout_ms):
    mn = max(min_conns, 0)
    mx = max(max_conns, 1, mn)
    pool = _Pool(url, mn, mx, max(timeout_ms, 100))

    async def go():
        conns = []
        for _ in range(mn):
            try:
                conns.append(await _pg._connect(url))
            except _pg._PgError as e:
                for c in conns:
                    await _close_conn(c)
                return _err(f"pool open: {e}")
        pool.idle.extend(conns)
        pool.total = len(conns)
        return _ok(_Opaque("PoolHandle", pool))
    return _block_on(go())


def close(pool):
    p = _pool_of(pool)

    async def go():
        p.closed = True
        idle = list(p.idle)
        p.idle.clear()
        for c in idle:
            await _close_conn(c)
            p.total -= 1
        while p.waiters:
            fut = p.waiters.popleft()
            if not fut.done():
                fut.set_result(None)
    _block_on(go())
    return None


def checkout(pool):
    p = _pool_of(pool)

    async def go():
        conn, e = await p.checkout()
        if conn is None:
            return _err(e)
        return _ok(_Opaque("PgConn", _pg._Conn(conn)))
    return _block_on(go())


def checkin(pool, conn):
    p = _pool_of(pool)
    _block_on(p.checkin(_pg._conn_of(conn).conn))
    return None


def query(pool, sql, params):
    p = _pool_of(pool)
    return _block_on(p.with_conn(lambda c: _pg._query(c, sql, params)))


def execute(pool, sql, params):
    p = _pool_of(pool)
    return _block_on(p.with_conn(lambda c: _pg._execute(c, sql, params)))


def query_as(pool, sql, params, from_row):
    return _pg._map_rows(query(pool, sql, params), from_row)
