"""The HTTP layer towards the Bot API: PTB's ``HTTPXRequest`` with a bound on requests in flight.

Why: the bot works on up to ``CONCURRENT_UPDATES`` (16) updates at once, so that a slow answer or a
flood wait never holds up other users. Left alone, each of them may also hold a Bot API request open,
and httpx then keeps as many connections. httpcore's pool pays for every open connection on every
request (it rescans all connections, quadratically, and asks the socket of every idle one whether the
server closed it - a system call each): ``bench.telegram_throughput`` at the bundled size measured
about 3.9 ms of CPU per update with 16 connections, 3.3 with 8 and 2.7 with 4. Waiting for a slot
costs nothing: the update keeps its place, flood waits sleep outside the slot (the AIORateLimiter
retries around the request), and ``getUpdates`` has a request object of its own. At Telegram's
usual 50-150 ms per call, 8 requests in flight still carry 50-160 calls/s, more than the 30
messages/s the AIORateLimiter lets through.
"""

from __future__ import annotations

import asyncio

from telegram.request import HTTPXRequest

API_REQUESTS_IN_FLIGHT = 8


class BoundedRequest(HTTPXRequest):
    """``HTTPXRequest`` that runs at most ``in_flight`` requests at a time; the others wait their turn."""

    __slots__ = ("_slots",)

    def __init__(self, in_flight: int = API_REQUESTS_IN_FLIGHT, **kwargs):
        super().__init__(**kwargs)
        self._slots = asyncio.Semaphore(in_flight)

    async def do_request(self, *args, **kwargs):
        async with self._slots:
            return await super().do_request(*args, **kwargs)
