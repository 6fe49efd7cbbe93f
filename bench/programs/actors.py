# Twin of actors.mpl: asyncio tasks, each with its own asyncio.Queue as its
# mailbox. Size: BENCH_N = number of worker tasks (default 10,000).
import asyncio
import os


def bench_size(default):
    try:
        return int(os.environ["BENCH_N"])
    except (KeyError, ValueError):
        return default


async def collector(inbox, n):
    count, total = 0, 0
    while True:
        x = await inbox.get()
        if count + 1 == n:
            print(f"workers {n} reports {count + 1} sum {total + x}")
            return
        count, total = count + 1, total + x


async def worker(id_, inbox, out):
    x = await inbox.get()
    out.put_nowait((x + id_) % 1000003)


async def main():
    n = bench_size(10000)
    c_box = asyncio.Queue()
    c = asyncio.create_task(collector(c_box, n))
    tasks = []
    for i in range(n):
        box = asyncio.Queue()
        tasks.append(asyncio.create_task(worker(i, box, c_box)))
        box.put_nowait(i * 3)
    await c
    await asyncio.gather(*tasks)


asyncio.run(main())
