"""Conversation state: what the bot last showed in a chat, so that the next message can refer to it.

People write "Kontakt dazu", "und in Thüringen?", "weiter", "und 2014?" or "die an der Oder" as if the
bot remembered the last sentence. ``Conversations`` keeps, per conversation key (the Telegram face hands
in the chat id; in groups the chat id plus the user), the last answered query and what its answer
offered: the network shown, the list page shown, the choices of a clarify.

Privacy and bounds, as the privacy notice promises: only in memory (never written to disk, gone with a
restart), forgotten after ``ttl`` seconds of silence (30 minutes), at most ``max_chats`` conversations
(the least recently used is dropped first), never shared between keys. Buttons do not depend on it:
they carry their whole query (``bot.actions``) and keep working after a restart.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from .models import Answer, Choice, Query

TTL_SECONDS = 30 * 60
MAX_CHATS = 20_000


@dataclass
class State:
    """The last turn of one conversation: the query as answered and what its answer showed."""

    query: Query  # region resolved by answering (a button's query knows only codes before)
    intent: str  # the answer's intent (a contact list answers intent "contact" for a region query)
    network_id: str | None = None  # the network of a profile/contact/map answer, or the only one of a list
    shown: list[str] = field(default_factory=list)  # ids of the list page shown, in display order
    first: int = 0  # display number of shown[0] minus one (page * page size)
    page: int = 0
    pages: int = 1
    choices: list[Choice] = field(default_factory=list)  # a clarify's choices, or a list's buttons
    lang: str | None = None  # the language of the answer: a button press or "weiter" goes on in it
    at: float = 0.0  # when it was stored (monotonic seconds)

    @classmethod
    def after(cls, previous: "State | None", answer: Answer, page_size: int, asked: str | None = None
              ) -> "State | None":
        """The state after ``answer``. Help, thanks and "not understood" keep the last question (so
        "danke" in between does not end the conversation); a clarify keeps it too and adds its choices."""
        if answer.intent in ("help", "unknown", "info", "stale"):
            return previous
        if answer.intent == "clarify":
            # the question clarified (its words complete a typed answer: "Fachkräfteallianz" + "in Dresden")
            base = Query(intent="clarify", text=asked or "")
            return cls(query=base, intent="clarify", choices=list(answer.choices),
                       network_id=None, shown=[], pages=1, lang=answer.lang)
        query = Query(intent=answer.intent, region=answer.region, year=answer.year, topic=answer.topic,
                      network_id=answer.network_id, page=answer.page, extra_regions=list(answer.extra_regions),
                      extra_years=list(answer.extra_years), extra_topics=list(answer.extra_topics))
        network, shown, first = answer.network_id, [], 0
        if network is None:
            if answer.intent == "award":
                shown = answer.known_ids[:8]  # the winners, as their buttons show them
            else:
                first = answer.page * page_size
                shown = answer.known_ids[first:first + page_size]
            if answer.total == 1 and len(shown) == 1:
                network = shown[0]
        return cls(query=query, intent=answer.intent, network_id=network, shown=list(shown), first=first,
                   page=answer.page, pages=answer.pages, choices=[], lang=answer.lang)


class Conversations:
    """A bounded, expiring, thread-safe map: conversation key -> :class:`State`."""

    def __init__(self, max_chats: int = MAX_CHATS, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.max_chats, self.ttl, self.clock = max_chats, ttl, clock
        self._states: OrderedDict[str, State] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str | None) -> State | None:
        """The state of ``key`` if it was stored less than ``ttl`` seconds ago (an older one is dropped)."""
        if not key:
            return None
        with self._lock:
            state = self._states.get(key)
            if state is None:
                return None
            if self.clock() - state.at > self.ttl:
                del self._states[key]
                return None
            return state

    def put(self, key: str | None, state: State) -> None:
        if not key or self.max_chats <= 0:
            return
        state.at = self.clock()
        with self._lock:
            self._states[key] = state
            self._states.move_to_end(key)
            while len(self._states) > self.max_chats:
                self._states.popitem(last=False)
            self._expire()

    def forget(self, key: str | None) -> None:
        with self._lock:
            self._states.pop(key or "", None)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()

    def _expire(self) -> None:
        """Drop expired states from the old end (they are in order of last use), a few per call."""
        now = self.clock()
        for _ in range(8):
            if not self._states:
                return
            key, oldest = next(iter(self._states.items()))
            if now - oldest.at <= self.ttl:
                return
            del self._states[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._states)


class LanguageChoices:
    """The language a chat chose with /sprache (/language): per conversation key, in memory, bounded (the
    least recently chosen go first); no expiry, since a choice should hold longer than a conversation."""

    def __init__(self, max_chats: int = MAX_CHATS):
        # a Conversations store whose entries never expire keeps the bound and the lock in one place
        self._chosen = Conversations(max_chats=max_chats, ttl=float("inf"))

    def get(self, key: str | None) -> str | None:
        chosen = self._chosen.get(key)
        return chosen.lang if chosen is not None else None

    def choose(self, key: str | None, lang: str) -> None:
        self._chosen.put(key, State(query=Query(intent="info", info=f"language:{lang}"), intent="info", lang=lang))

    def forget(self, key: str | None) -> None:
        self._chosen.forget(key)
