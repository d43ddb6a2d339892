"""The HTTP layer towards the Bot API: a few one-connection HTTPX clients, each request takes a free one.

Why: the bot works on up to ``CONCURRENT_UPDATES`` (16) updates at once, so that a slow answer or a
flood wait never holds up other users. PTB's ``HTTPXRequest`` would then keep one connection pool
with as many connections, and httpcore pays for every pooled connection on every request (it rescans
the pool and asks the socket of every idle connection whether the server closed it - a system call
each). ``bench.telegram_throughput`` at the bundled size measured the bot's CPU per update at 3.9 ms
with 16 connections in one pool and 3.3 ms with 8; with 8 clients of one connection each, every
request pays for one connection only, as a bot that sends one message at a time does.

A request waits for a free client (the update keeps its place; flood waits sleep outside, since the
AIORateLimiter retries around the request), and ``getUpdates`` has a request object of its own. At
Telegram's usual 50-150 ms per call, 8 requests in flight carry 50-160 calls/s, more than the 30
messages/s the AIORateLimiter lets through.
"""

from __future__ import annotations

import asyncio

import httpx
from telegram.request import BaseRequest, HTTPXRequest

API_REQUESTS_IN_FLIGHT = 8


class PooledRequest(BaseRequest):
    """``in_flight`` ``HTTPXRequest`` clients with one connection each; a request uses a free one.

    ``kwargs`` go to every client (timeouts, proxy); the pool size and TLS context are set here. A
    request waits for a free client as long as it takes (PTB's ``pool_timeout`` never fires).
    """

    __slots__ = ("_clients", "_free")

    def __init__(self, in_flight: int = API_REQUESTS_IN_FLIGHT, **kwargs):
        # one TLS context for all (loading the CA certificates takes ~20 ms per context)
        shared = {"verify": httpx.create_ssl_context()}
        self._clients = [HTTPXRequest(connection_pool_size=1, httpx_kwargs=shared, **kwargs) for _ in range(in_flight)]
        self._free: asyncio.Queue[HTTPXRequest] = asyncio.Queue()
        for client in self._clients:
            self._free.put_nowait(client)

    @property
    def read_timeout(self) -> float | None:
        return self._clients[0].read_timeout

    async def initialize(self) -> None:
        for client in self._clients:
            await client.initialize()

    async def shutdown(self) -> None:
        for client in self._clients:
            await client.shutdown()

    async def do_request(self, *args, **kwargs) -> tuple[int, bytes]:
        client = await self._free.get()
        try:
            return await client.do_request(*args, **kwargs)
        finally:
            self._free.put_nowait(client)
