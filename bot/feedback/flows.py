"""Short guided dialogues in progress, per conversation, in memory only.

A flow is what the bot waits for next in one conversation: the steps of a report, a comment after 👎,
an admin's question to a reporter, a reporter's answer, a place for /heimat. It lives in memory (a
restart forgets it; so does 30 minutes of silence) in a bounded LRU table, so a crowd of half-finished
dialogues cannot grow the process. Keys are the conversation keys of :class:`bot.models.Caller`.

This is meant to merge with the conversation state of follow-up questions later; until then it is
kept apart so the two never step on each other.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from .. import i18n

FLOW_LIMIT = 10_000  # conversations with a dialogue in progress (LRU beyond)
FLOW_TTL = 30 * 60.0  # seconds of silence after which a dialogue is forgotten


@dataclass
class Flow:
    kind: str  # report | comment | question | reply | home
    step: str = ""
    data: dict = field(default_factory=dict)
    touched: float = 0.0
    lang: str = field(default_factory=i18n.current)  # the dialogue's language: what the user types keeps it


class Flows:
    def __init__(self, limit: int = FLOW_LIMIT, ttl: float = FLOW_TTL, clock: Callable[[], float] = time.monotonic):
        self.limit, self.ttl, self.clock = limit, ttl, clock
        self._flows: OrderedDict[str, Flow] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str | None) -> Flow | None:
        """The flow of ``key`` (made most recent), or None if there is none or it expired."""
        if key is None:
            return None
        with self._lock:
            flow = self._flows.get(key)
            if flow is None:
                return None
            now = self.clock()
            if now - flow.touched > self.ttl:
                del self._flows[key]
                return None
            flow.touched = now
            self._flows.move_to_end(key)
            return flow

    def peek(self, key: str | None) -> Flow | None:
        """The flow of ``key`` if there is a live one, without touching it (it does not count as use)."""
        if key is None:
            return None
        with self._lock:
            flow = self._flows.get(key)
            return flow if flow is not None and self.clock() - flow.touched <= self.ttl else None

    def has(self, key: str | None) -> bool:
        return self.get(key) is not None

    def start(self, key: str, kind: str, step: str = "", **data) -> Flow:
        flow = Flow(kind, step, dict(data), self.clock())
        with self._lock:
            self._flows[key] = flow
            self._flows.move_to_end(key)
            while len(self._flows) > self.limit:
                self._flows.popitem(last=False)
        return flow

    def end(self, key: str | None) -> Flow | None:
        if key is None:
            return None
        with self._lock:
            return self._flows.pop(key, None)

    def __len__(self) -> int:
        return len(self._flows)
