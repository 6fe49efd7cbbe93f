"""The aiohttp side of bench/http: the same handler written directly on
aiohttp.web (one GET route answering 200 "ok"; keep-alive is aiohttp's
default). BENCH_HTTP_PORT picks the port (default 8080)."""
import os

from aiohttp import web


async def hello(_request):
    return web.Response(status=200, text="ok")


def main():
    app = web.Application()
    app.router.add_get("/", hello)
    port = int(os.environ.get("BENCH_HTTP_PORT", "8080"))
    print(f"aiohttp server listening on 127.0.0.1:{port}", flush=True)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
