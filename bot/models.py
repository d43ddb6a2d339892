"""Messenger-neutral data passed between understanding, answering and rendering.

``Query`` is what understanding makes of a text; ``Answer`` is what answering makes of a query: a
small document (paragraphs of styled spans), the networks found, choices and buttons. Renderers
turn an ``Answer`` into Telegram HTML, plain text or JSON without knowing how it was made, and the
only place user-visible text is escaped is the HTML renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

from . import i18n
from .store import NetworkSummary

INTENTS = ("region", "nearby", "award", "profile", "contact", "topic", "help", "clarify", "unknown", "info")
# answers of the talkback features (bot/feedback): reports, ratings, home place, subscription, /vergessen, admin
FEEDBACK_INTENTS = ("report", "rating", "home", "abo", "forget", "admin")


@dataclass
class Region:
    kind: str  # state | district | town | postcode | point | country | area (a landscape)
    name: str
    state: str | None = None
    lat: float | None = None
    lon: float | None = None
    key: str | None = None  # folded match key (district core / place key)
    code: str | None = None  # state code, district code, postcode or place reference

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "state": self.state}


@dataclass
class Choice:
    label: str
    action: str  # an action string (see bot.actions), usable as Telegram callback_data
    kind: str = ""  # what is offered: network | town | district | state | year | topic
    ref: str | None = None

    def to_json(self) -> dict:
        data = {"label": self.label, "action": self.action, "kind": self.kind}
        if self.ref is not None:
            data["ref"] = self.ref
        return data


@dataclass(frozen=True)
class Caller:
    """Who is asking, as far as the brain needs to know: a conversation key for follow-ups and flows
    (Telegram: the chat id; in groups the chat id plus the user), the user for what is kept per user
    (reports, home place), and the language the face suggests (Telegram's ``language_code``).

    The faces build it; the brain never sees a Telegram object. ``None`` fields mean "unknown": a
    caller without a conversation gets stateless answers, as ``netzwerkbot ask`` always did.
    """

    conversation: str | None = None
    user: str | None = None
    lang: str | None = None
    chosen_lang: str | None = None  # a language the face was told to use ("ask --lang en"): always that one


@dataclass
class Query:
    intent: str
    text: str = ""
    region: Region | None = None
    year: int | None = None
    topic: str | None = None  # topic code from data/topics.yaml
    network_id: str | None = None
    page: int = 0
    count_only: bool = False
    choices: list[Choice] = field(default_factory=list)
    info: str | None = None  # for intent "info": quellen | datenschutz | themen | start
    notes: list[str] = field(default_factory=list)
    # Questions with two parts ("Sachsen und Thüringen", "2013 und 2014", "Pflege und Logistik"): the
    # further regions, years and topics beyond the first (which stay in ``region``/``year``/``topic``).
    extra_regions: list[Region] = field(default_factory=list)
    extra_years: list[int] = field(default_factory=list)
    extra_topics: list[str] = field(default_factory=list)
    active_only: bool = False  # "aktive Netzwerke in Bayern": leave out networks that ended
    region_group: str | None = None  # "Preisträger aus Ostdeutschland": the group the regions stand for
    scope: str | None = None  # an out-of-scope question: "domain" or "country" (see Answer.scope)
    facet: str | None = None  # what a "profile" follow-up asks about: "award" ("wann wurde die ausgezeichnet?")
    reused: list[str] = field(default_factory=list)  # slots filled from the conversation: intent, region, …
    # parts of the message this answer could not combine with the rest: (what was asked, action) -> a button
    other_parts: list[Choice] = field(default_factory=list)

    @property
    def regions(self) -> list[Region]:
        return ([self.region] if self.region is not None else []) + self.extra_regions

    @property
    def years(self) -> list[int]:
        return ([self.year] if self.year is not None else []) + self.extra_years

    @property
    def topics(self) -> list[str]:
        return ([self.topic] if self.topic else []) + self.extra_topics


# -- the document --------------------------------------------------------------------------------
@dataclass
class Span:
    text: str
    style: str | None = None  # None | "b" | "i" | "code"
    url: str | None = None


Paragraph = list[Span]


def b(text: str) -> Span:
    return Span(text, "b")


def i(text: str) -> Span:
    return Span(text, "i")


def link(text: str, url: str) -> Span:
    return Span(text, None, url)


def t(text: str) -> Span:
    return Span(text)


@dataclass
class Button:
    text: str
    action: str | None = None  # callback action
    url: str | None = None
    switch_inline: str | None = None

    def to_json(self) -> dict:
        data: dict = {"text": self.text}
        if self.url:
            data["url"] = self.url
        elif self.switch_inline is not None:
            data["switch_inline_query_current_chat"] = self.switch_inline
        else:
            data["callback_data"] = self.action
        return data


@dataclass
class Venue:
    lat: float
    lon: float
    title: str
    address: str | None = None  # None: send a plain location pin


@dataclass
class Answer:
    intent: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    region: Region | None = None
    year: int | None = None
    topic: str | None = None
    known_ids: list[str] = field(default_factory=list)  # the matches in display order: all, or a head (below)
    distance_of: dict[str, float] = field(default_factory=dict)  # km from the asked place, where known
    loader: Callable[[list[str]], list[NetworkSummary]] | None = field(default=None, repr=False)
    # A long place list knows only its head (up to the page shown) and its total; this gives the whole
    # list (ids in order, km per id) when something needs it: the JSON face.
    complete: Callable[[], tuple[list[str], dict[str, float]]] | None = field(default=None, repr=False)
    extend: Callable[[int], tuple[list[str], dict[str, float]]] | None = field(default=None, repr=False)
    total: int = 0
    choices: list[Choice] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    venue: Venue | None = None
    network_id: str | None = None
    page: int = 0
    pages: int = 1
    request_location: bool = False  # ask the user to share a location (Telegram: keyboard button)
    extra_regions: list[Region] = field(default_factory=list)  # the further parts of a two-part question
    extra_years: list[int] = field(default_factory=list)
    extra_topics: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)  # slots taken from the conversation (see Query.reused)
    # the language the answer is written in: the one in use where it is made (bot.i18n.use)
    lang: str = field(default_factory=i18n.current)
    faq: str | None = None  # the programme question answered (data/faq.yaml id), for intent "info"
    scope: str | None = None  # why "das weiß ich nicht": "domain" (not about networks) or "country" (abroad)
    region_group: str | None = None  # "Ostdeutschland" …: the group whose states are the regions
    active_only: bool = False  # the list leaves out networks that ended
    # -- talkback (bot/feedback) --
    outbox: list["Notice"] = field(default_factory=list)  # messages for other people (admins, a reporter)
    toast: str | None = None  # a short confirmation of a button press (Telegram: the callback answer)
    below: bool = False  # a button press: leave the message the button sat under, send this one below it
    strip_actions: str | None = None  # a button press: remove buttons whose action starts with this from it

    _loaded: list[NetworkSummary] | None = field(default=None, repr=False)
    # renderings of this answer (``bot.render``); shared by its shallow copies, which the brain's cache
    # hands out: a finished answer is never changed, so a repeated question is rendered once
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def network_ids(self) -> list[str]:
        """Every match, in display order (completes a list that knew only its head)."""
        if self.complete is not None:
            ids, distances = self.complete()
            # new objects, not updates: a cached answer shares these with its shallow copies
            self.known_ids, self.distance_of = ids, {**self.distance_of, **distances}
            self.complete = self.extend = None
        return self.known_ids

    def head(self, count: int) -> list[str]:
        """The first ``count`` matches, without completing the list when its head holds them."""
        if self.complete is None or count <= len(self.known_ids):
            return self.known_ids[:count]
        if self.extend is None:
            return self.network_ids[:count]
        ids, distances = self.extend(count)  # a longer head, still not the whole list
        self.known_ids, self.distance_of = ids, {**self.distance_of, **distances}
        return ids[:count]

    # The networks are loaded lazily: a Telegram answer shows one page of a list that may hold thousands
    # (at 100,000 networks), so only the JSON face, which lists every match, pays for all of them.
    @property
    def networks(self) -> list[NetworkSummary]:
        if self._loaded is None:
            self._loaded = self.load(self.network_ids)
        return self._loaded

    @networks.setter
    def networks(self, value: list[NetworkSummary]) -> None:
        self._loaded = list(value)
        self.known_ids, self.complete, self.extend = [n.id for n in self._loaded], None, None

    def load(self, ids: list[str]) -> list[NetworkSummary]:
        """Summaries of ``ids`` (a page, or all), with their distance from the asked place."""
        if self._loaded is not None and ids == self.known_ids:
            return self._loaded
        summaries = self.loader(ids) if self.loader and ids else []
        for summary in summaries:
            if summary.id in self.distance_of:
                summary.distance_km = self.distance_of[summary.id]
        return summaries

    def add(self, *spans: Union[Span, str]) -> "Answer":
        self.paragraphs.append([s if isinstance(s, Span) else Span(s) for s in spans])
        return self


@dataclass
class Notice:
    """An answer for somebody other than the caller: an admin told of a new report, a reporter told the
    outcome, a subscriber told what is new. ``user`` is the messenger's user id as in :class:`Caller`;
    the face delivers it (Telegram: a message to that user's private chat; the console prints it)."""

    user: str
    answer: Answer
    kind: str = "notice"  # notice (send now) | news (a broadcast, paced)
