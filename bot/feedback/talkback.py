"""Talkback: the people who know tell the bot – reports, ratings, a home place, news of their region.

:class:`Talkback` sits in front of the brain's ``ask`` / ``act`` / ``locate`` (and the cache look-up
the Telegram face makes first): ``Brain`` hands it every call that comes with a caller (a chat), and
every call of its own commands and button actions. It answers what is its own – the guided report
dialogue, ``/meldungen`` and the admin decisions, 👍/👎, ``/heimat``, ``/abo``, ``/vergessen`` – and
passes everything else back to the brain (``plain=True``), then dresses the answer: a 👍/👎 row under
answers to free-text questions, the home place for "in meiner Nähe" / ``/naehe`` / "hier".

Messenger-neutral: everything comes back as an :class:`Answer`. What goes to other people – the admins
told of a new report, a reporter told the outcome or asked a question, subscribers told what is new
after a reload – travels in ``answer.outbox`` as :class:`Notice` objects that the face delivers.

Untrusted input: every text a user gives is cleaned (control and bidi characters removed, whitespace
collapsed), cut to a limit, and only ever put into answers as plain spans (the renderer escapes them);
a source link is shown to admins as text with its domain in ASCII (punycode), never as a link whose
visible text could hide where it points. Reports are limited per user (open at once, and per day).

Failure: the user database may be locked, full or damaged. Then these features say "gerade nicht
verfügbar" (:class:`UserDataUnavailable`), and every question about networks is answered as before.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from .. import actions, i18n
from ..answer import award_label
from ..i18n import _, day, number
from ..models import Answer, Button, Caller, Notice, Region, b, i, t
from ..textnorm import clean, fold
from . import phrases
from .flows import Flow, Flows
from .texts import tr, trn
from .userdb import Home, Report, UserDataUnavailable, UserDB

if TYPE_CHECKING:
    from ..brain import Brain

log = logging.getLogger(__name__)

RADIUS_KM = 50.0  # "Neu in meiner Region"
MAX_NAME = 120
MAX_PLACE = 120
MAX_BODY = 1000
MAX_COMMENT = 500
MAX_URL = 500
MAX_OPEN_PER_USER = 5  # open reports per user at once
MAX_PER_DAY = 10  # reports per user in 24 hours (in memory)
ADMIN_LIST = 8  # reports shown by /meldungen
NEWS_BUTTONS = 8
# answers to free-text questions that get a 👍/👎 row (not help, menus or "which one?")
RATED_INTENTS = ("region", "nearby", "award", "profile", "contact", "topic", "unknown")
RATING_KINDS = ("card", "list", "empty", "text")
HOME_KINDS = ("town", "postcode", "district", "area", "point")
ABO_OFF = {"aus", "ende", "beenden", "stop", "stopp", "off", "kuendigen", "abbestellen", "nein"}
GERMANY = (47.2, 55.1, 5.8, 15.1)  # south, north, west, east
DATA_FAQ = "daten-pflege"  # data/faq.yaml: where the data comes from and who keeps it
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)

FEATURE_OF_FLOW = {"report": "feature.reports", "question": "feature.admin", "reply": "feature.reports",
                   "comment": "feature.ratings", "home": "feature.home"}
INTENT_OF_FLOW = {"report": "report", "question": "admin", "reply": "report", "comment": "rating", "home": "home"}


# -- helpers ------------------------------------------------------------------------------------------
def user_text(text: str, limit: int) -> tuple[str, bool]:
    """Untrusted text as we keep it: cleaned, whitespace collapsed, at most ``limit`` characters."""
    text = clean(text if isinstance(text, str) else "")
    if len(text) <= limit:
        return text, False
    return text[: limit - 1].rstrip() + "…", True


def source_url(text: str) -> str | None:
    """The first http(s) link in ``text`` (``www.…`` gets https://), if it is a plausible one."""
    match = _URL.search(clean(text)[: MAX_URL * 2])
    if not match:
        return None
    url = match.group(0).rstrip(".,;:!?)]}»«“”\"'")
    if url.lower().startswith("www."):
        url = "https://" + url
    if len(url) > MAX_URL:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    if "." not in host.strip(".") or not visible_domain(url):
        return None
    return url


def visible_domain(url: str) -> str:
    """The host a link really points to, in ASCII (an IDN shows as punycode, so "bmаs.de" with a
    Cyrillic "а" cannot pass for bmas.de); "" if there is none."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    if not host:
        return ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii")


def rating_kind(answer: Answer) -> str:
    if answer.network_id and answer.intent in ("profile", "contact"):
        return "card"
    if answer.intent == "unknown":
        return "text"
    if answer.total or answer.known_ids:
        return "list"
    return "empty" if answer.intent in ("region", "nearby", "topic") else "text"


def rating_row(answer: Answer) -> list[Button]:
    kind = rating_kind(answer)
    return [Button(tr("btn.up"), actions.rating(True, answer.intent, kind)),
            Button(tr("btn.down"), actions.rating(False, answer.intent, kind))]


def fresh(answer: Answer) -> Answer:
    """A copy of a (possibly cached, shared) answer that may be changed: own paragraphs, buttons, memo."""
    twin = copy.copy(answer)
    twin.paragraphs = list(answer.paragraphs)
    twin.buttons = [list(row) for row in answer.buttons]
    twin.memo = {}
    twin.outbox = list(answer.outbox)
    return twin


def text_answer(intent: str, *paragraphs: str, buttons: list[list[Button]] | None = None) -> Answer:
    answer = Answer(intent)
    for paragraph in paragraphs:
        answer.add(paragraph)
    answer.buttons = buttons or []
    return answer


def ref_of_action(action: str) -> str:
    """The place reference in a place button's action: "o:37073" -> "o37073", "n:z37073" -> "z37073",
    "s:SN" -> "SN" (the form of ``actions.region_ref``)."""
    kind, _sep, rest = action.partition(":")
    rest = rest.split(":")[0]
    if kind in ("s", "n"):
        return rest
    return kind + rest


def _place_choices(answer: Answer, question: str, choices: list, encode: Callable[[str], str]) -> Answer:
    """``answer`` asking ``question`` with a button for each place offered (at most six), each carrying the
    place in the form ``encode`` gives it (a report's or a home place's flow); a place that form cannot
    carry is left out rather than sent as a button that would be refused."""
    answer.add(b(question))
    for choice in choices[:6]:
        data = encode(ref_of_action(choice.action))
        if actions.decode(data) is not None:
            answer.buttons.append([Button(choice.label[:60], data)])
    return answer


def _place_label(report: Report, state_name: Callable[[str], str] = lambda name: name) -> str:
    """ "Oldenburg (Niedersachsen)"; ``state_name`` names the state in the answer's language."""
    if not report.place_name:
        return ""
    state = f" ({state_name(report.place_state)})" if report.place_state and report.place_state != report.place_name \
        else ""
    return report.place_name + state


def _day(iso: str | None) -> str:
    return day(iso) if iso and len(iso) >= 10 else ""


class Talkback:
    def __init__(self, brain: "Brain", users_db: Path, admins=frozenset(), clock: Callable[[], float] = time.time):
        self.brain = brain
        self.db = UserDB(users_db, clock=clock)
        self.admins = frozenset(str(a) for a in admins)
        self.flows = Flows()
        self.clock = clock
        self._recent: dict[str, deque] = {}  # user -> times of their reports in the last 24 h
        self._recent_lock = threading.Lock()
        # Dialogue steps and the features' own commands and buttons run one at a time: PTB handles several
        # updates of one chat at once, and two quick messages must not both take the same step. Questions
        # (the plain path) never wait for it.
        self._steps = threading.RLock()
        # What the open network database holds, taken now: an import writes into the file underneath the
        # running bot, so "before" must be what the bot knew, not what the file says at /reload time.
        self._known = self._snapshot()

    # == the hooks the brain calls =========================================================================
    def takes(self, caller: Caller | None, kind: str, *args) -> bool:
        """Does ``kind`` (ask/act/locate/cached) of ``args`` go through the talkback? Always for a caller
        in a chat; without one only its own commands and actions (they answer "only in a chat")."""
        if caller is not None and (caller.conversation or caller.user):
            return True
        first = args[0] if args else None
        if kind == "ask" or (kind == "cached" and len(args) == 2 and args[0] == "ask"):
            text = first if kind == "ask" else args[1]
            return isinstance(text, str) and phrases.own_command(text) is not None
        if kind == "act" or (kind == "cached" and len(args) == 2 and args[0] == "act"):
            return actions.is_feedback(first if kind == "act" else args[1])
        return False

    @staticmethod
    def _key(caller: Caller) -> str:
        return caller.conversation or f"u{caller.user}"

    def ask(self, text: str, caller: Caller | None) -> Answer:
        if not isinstance(text, str):
            return self.brain.ask(text, caller, plain=True)
        name, arg = phrases.command(text)
        own = phrases.COMMANDS.get(name) if name else None
        if caller is None or not (caller.conversation or caller.user):
            return self._counted(text_answer("report" if own in ("report", "reports") else "home",
                                             tr("only_in_chat", command=f"/{name}")))
        key = self._key(caller)
        flow = self.flows.get(key)
        note = None
        if flow is not None:
            if name is None or own == "cancel":
                with self._steps:
                    return self._counted(self._guarded(FEATURE_OF_FLOW[flow.kind], INTENT_OF_FLOW[flow.kind],
                                                       self._flow_text, flow, key, text, caller))
            self.flows.end(key)  # a command leaves the dialogue
            if flow.kind in ("report", "question", "reply"):
                note = tr("flow_dropped")
        if own is not None:
            with self._steps:
                answer = self._counted(self._command(own, arg, caller, key))
        elif name is None and (kind := phrases.report_kind(text)):
            with self._steps:
                answer = self._counted(self._guarded("feature.reports", "report", self._start_report, caller, key,
                                                     kind, None, text, False))
        elif name is None and phrases.is_here(text):
            answer = self._nearby(self.brain.ask("/naehe", caller, plain=True), caller, rate=True)
        else:
            answer = self._dress(self.brain.ask(text, caller, plain=True), caller, free=name is None)
        if note:
            answer = fresh(answer)
            answer.paragraphs.insert(0, [i(note)])
        return answer

    def act(self, action: str, caller: Caller | None, count: bool = True) -> Answer:
        if not actions.is_feedback(action):
            return self.brain.act(action, count=count, caller=caller, plain=True)
        if caller is None or not (caller.conversation or caller.user):
            return self._counted(text_answer("report", tr("only_in_chat", command="/melden")))
        key = self._key(caller)
        family = action[0]
        if family == "v":
            with self._steps:
                return self._counted(self._rate(action, caller, key))
        handlers = {"e": ("feature.reports", "report", self._report_button),
                    "f": ("feature.reports", "report", self._flow_button),
                    "R": ("feature.admin", "admin", self._admin_button),
                    "y": ("feature.reports", "report", self._reply_button),
                    "H": ("feature.home", "home", self._home_button),
                    "A": ("feature.abo", "abo", self._abo_button)}
        feature, intent, handler = handlers[family]
        if family == "f":
            flow = self.flows.get(key)
            if flow is not None:
                feature, intent = FEATURE_OF_FLOW[flow.kind], INTENT_OF_FLOW[flow.kind]
        with self._steps:
            return self._counted(self._guarded(feature, intent, handler, action, caller, key))

    def locate(self, lat: float, lon: float, caller: Caller | None) -> Answer:
        if caller is not None and (caller.conversation or caller.user):
            key = self._key(caller)
            flow = self.flows.get(key)
            if flow is not None and flow.kind == "home":
                with self._steps:
                    return self._counted(self._guarded("feature.home", "home", self._home_point, lat, lon, caller,
                                                       key))
        return self.brain.locate(lat, lon, caller, plain=True)

    def cached(self, kind: str, args: tuple, caller: Caller | None) -> Answer | None:
        """What the brain's cache has for ``kind``/``args``, dressed as :meth:`ask` would dress it; None
        when the answer needs the talkback (a dialogue, its commands, the home place) or is not cached."""
        if not args:
            return None
        first = args[0]
        if caller is None or not (caller.conversation or caller.user):
            return None  # only own commands/actions come here without a caller: answered by ask/act
        flow = self.flows.get(self._key(caller))
        if flow is not None and (kind == "ask" or (kind == "locate" and flow.kind == "home")):
            return None
        name = None
        if kind == "ask":
            if not isinstance(first, str):
                return None
            name, _arg = phrases.command(first)
            if name in phrases.COMMANDS:
                return None
            if name is None and (phrases.report_kind(first) or phrases.is_here(first)):
                return None
        elif kind == "act" and actions.is_feedback(first):
            return None
        answer = self.brain.cached(kind, *args, caller=caller, plain=True, count=False)
        if answer is None:
            return None
        if kind == "ask":
            if answer.intent == "nearby" and answer.request_location:
                return None  # the home place is looked up in a worker thread
            answer = self._dress(answer, caller, free=name is None)
        self.brain._count(answer.intent)
        return answer

    # == plumbing ==========================================================================================
    def _counted(self, answer: Answer) -> Answer:
        self.brain._count(answer.intent)
        return answer

    def _guarded(self, feature: str, intent: str, handler, *args) -> Answer:
        """``handler(*args)``; if the user database fails, a polite "not available" instead."""
        try:
            return handler(*args)
        except UserDataUnavailable as exc:
            log.warning("%s unavailable: %s", tr(feature), exc)
            answer = text_answer(intent, tr("unavailable", feature=tr(feature)))
            answer.toast = tr("unavailable", feature=tr(feature))[:190]
            answer.below = True  # a button press: never replace what the user was looking at
            return answer

    def _command(self, own: str, arg: str, caller: Caller, key: str) -> Answer:
        if own == "report":
            return self._guarded("feature.reports", "report", self._start_report, caller, key, None, None,
                                 arg or None, True)
        if own == "reports":
            if not self.is_admin(caller):
                return text_answer("admin", tr("only_admins"))
            return self._guarded("feature.admin", "admin", self._admin_list, None)
        if own == "home":
            return self._guarded("feature.home", "home", self._home_command, arg, caller, key)
        if own == "abo":
            return self._guarded("feature.abo", "abo", self._abo_command, arg, caller)
        if own == "forget":
            return self._forget(caller, key)
        return text_answer("report", tr("cancelled"))  # /abbrechen without a dialogue

    def _flow_text(self, flow: Flow, key: str, text: str, caller: Caller) -> Answer:
        intent = INTENT_OF_FLOW[flow.kind]
        if phrases.is_cancel(text):
            self.flows.end(key)
            return text_answer(intent, tr("cancelled"))
        if flow.kind == "report":
            return self._report_step(flow, key, text, caller)
        if flow.kind == "comment":
            return self._comment(flow, key, text)
        if flow.kind == "question":
            return self._question(flow, key, text, caller)
        if flow.kind == "reply":
            return self._reply(flow, key, text, caller)
        return self._home_text(flow, key, text, caller)

    def is_admin(self, caller: Caller | None) -> bool:
        return caller is not None and caller.user is not None and caller.user in self.admins

    # == dressing the brain's answers ======================================================================
    def _dress(self, answer: Answer, caller: Caller, free: bool) -> Answer:
        if answer.intent == "nearby" and answer.request_location:
            return self._nearby(answer, caller, rate=free)
        if getattr(answer, "faq", None) == DATA_FAQ:  # "wer pflegt die Daten?": here is how to tell us
            answer = fresh(answer)
            answer.add(tr("report.faq_hint"))
            answer.buttons.insert(0, [Button(tr("btn.report"), actions.report(None)),
                                      Button(tr("btn.new_network"), actions.report("+"))])
            return answer
        if free and self.rateable(answer):
            return self._rated(answer)
        return answer

    @staticmethod
    def rateable(answer: Answer) -> bool:
        """An answer that gets 👍/👎: a first page (typing "weiter" turns a page; that is not rated)."""
        return answer.intent in RATED_INTENTS and answer.page == 0

    @staticmethod
    def _rated(answer: Answer) -> Answer:
        """The answer with a 👍/👎 row. Made once per (cached) answer and kept in its memo, so a repeated
        question is rendered once, like the plain answer."""
        dressed = answer.memo.get("rated")
        if dressed is None:
            dressed = fresh(answer)
            dressed.buttons.append(rating_row(answer))
            answer.memo["rated"] = dressed
        return copy.copy(dressed)

    def _nearby(self, asked: Answer, caller: Caller, rate: bool) -> Answer:
        """ "Wo suchen Sie?" becomes the networks around the caller's home place, if there is one."""
        if not caller.user:
            return asked
        try:
            home = self.db.home(caller.user)
        except UserDataUnavailable:
            answer = fresh(asked)
            answer.add(i(tr("home.lookup_failed")))
            return answer
        if home is None:
            answer = fresh(asked)
            answer.add(i(tr("home.hint")))
            return answer
        answer = self._home_list(home, caller)
        try:
            self.db.touch_home(caller.user)
        except UserDataUnavailable:
            pass
        return self._rated(answer) if rate and self.rateable(answer) else answer

    def _home_list(self, home: Home, caller: Caller) -> Answer:
        """The networks around the home place (the conversation remembers the list: "weiter" pages it)."""
        answer = fresh(self.brain.act(self._home_action(home), caller=caller, plain=True))
        answer.paragraphs.insert(0, [i(tr("home.note", name=home.name))])
        return answer

    @staticmethod
    def _home_action(home: Home) -> str:
        if home.ref and home.ref[0] in "ozl":
            return f"n:{home.ref}"
        if home.ref and home.ref[0] == "d":
            return f"d:{home.ref[1:]}"
        return f"g:{home.lat:.4f},{home.lon:.4f}"

    # == reports ===========================================================================================
    def _limits(self, caller: Caller) -> str | None:
        """Why this user may not report now, or None."""
        if caller.user is None:
            return None
        open_now = self.db.open_reports_of(caller.user)
        if open_now >= MAX_OPEN_PER_USER:
            return trn("report.too_many_open", open_now)
        with self._recent_lock:
            recent = self._recent.get(caller.user)
            now = self.clock()
            while recent and now - recent[0] > 86400:
                recent.popleft()
            if recent is not None and not recent:
                del self._recent[caller.user]
            if recent and len(recent) >= MAX_PER_DAY:
                return trn("report.too_many_today", len(recent))
        return None

    def _note_sent(self, user: str | None) -> None:
        if user is None:
            return
        with self._recent_lock:
            self._recent.setdefault(user, deque()).append(self.clock())

    def _network_name(self, network_id: str) -> str | None:
        with self.brain._lock:
            found = self.brain.store.summaries_by_ids([network_id])
        return found[0].name if found else None

    def _find_network(self, text: str, as_command: bool) -> tuple[str | None, list[tuple[str, str]]]:
        """(the network ``text`` names, or None; else the candidates as (label, id))."""
        query = self.brain.understand(("/netzwerk " if as_command else "") + text[:300])
        if query.intent in ("profile", "contact") and query.network_id:
            return query.network_id, []
        if query.intent == "clarify":
            return None, [(c.label, c.action.split(":", 1)[1]) for c in query.choices
                          if c.action[:2] in ("p:", "c:")][:6]
        return None, []

    def _start_report(self, caller: Caller, key: str, kind: str | None, network_id: str | None,
                      text: str | None, typed_name: bool) -> Answer:
        """Begin the dialogue: with a network known (a card's button), a new network ("unser Netzwerk
        fehlt"), a name to look up (/melden Name) or nothing yet."""
        refused = self._limits(caller)
        if refused:
            self.flows.end(key)
            return text_answer("report", refused)
        flow = self.flows.start(key, "report", "network")
        if network_id is None and kind == "new":
            flow.step = "name"
            return self._ask_name()
        if network_id is None and text:
            network_id, choices = self._find_network(text, as_command=typed_name)
            if network_id is None and typed_name:
                return self._network_choices(flow, text, choices)
        if network_id is not None:
            name = self._network_name(network_id)
            if name is not None:
                return self._chose_network(flow, network_id, name)
        return self._ask_network()

    def _ask_network(self) -> Answer:
        answer = Answer("report")
        answer.add(b(tr("report.title")))
        answer.add(tr("report.ask_network"))
        answer.buttons = [[Button(tr("btn.new_network"), actions.flow("new")), Button(tr("btn.cancel"), actions.flow("x"))]]
        return answer

    @staticmethod
    def _ask_name() -> Answer:
        answer = Answer("report")
        answer.add(b(tr("report.title")))
        answer.add(tr("report.ask_name"))
        answer.buttons = [[Button(tr("btn.cancel"), actions.flow("x"))]]
        return answer

    def _network_choices(self, flow: Flow, text: str, choices: list[tuple[str, str]]) -> Answer:
        answer = Answer("report")
        cancel = Button(tr("btn.cancel"), actions.flow("x"))
        if choices:
            answer.add(b(tr("report.which_network")))
            answer.buttons = [[Button(label[:60], actions.report(nid))] for label, nid in choices]
            answer.buttons.append([Button(tr("btn.new_network"), actions.flow("new")), cancel])
            return answer
        name, _cut = user_text(text, MAX_NAME)
        flow.data["candidate"] = name
        answer.add(tr("report.network_unknown", name=name))
        answer.buttons = [[Button(tr("btn.as_new"), actions.flow("new")), cancel]]
        return answer

    def _chose_network(self, flow: Flow, network_id: str, name: str) -> Answer:
        flow.data.update(network_id=network_id, network_name=name)
        flow.step = "what"
        answer = Answer("report")
        answer.add(b(tr("report.title")))
        answer.add(tr("report.ask_what", name=name, limit=MAX_BODY))
        answer.buttons = [[Button(tr("btn.cancel"), actions.flow("x"))]]
        return answer

    def _new_network(self, flow: Flow) -> Answer:
        candidate = flow.data.pop("candidate", None)
        if candidate:
            flow.data["new_name"] = candidate
            return self._ask_place(flow)
        flow.step = "name"
        return self._ask_name()

    def _ask_place(self, flow: Flow) -> Answer:
        flow.step = "place"
        answer = Answer("report")
        answer.add(tr("report.ask_place", name=flow.data["new_name"]))
        answer.buttons = [[Button(tr("btn.cancel"), actions.flow("x"))]]
        return answer

    def _ask_what(self, flow: Flow, note: str | None = None) -> Answer:
        flow.step = "what"
        answer = Answer("report")
        if note:
            answer.add(i(note))
        answer.add(tr("report.ask_what_new", name=flow.data["new_name"], limit=MAX_BODY))
        answer.buttons = [[Button(tr("btn.cancel"), actions.flow("x"))]]
        return answer

    def _ask_source(self, flow: Flow, again: bool = False) -> Answer:
        flow.step = "source"
        answer = Answer("report")
        answer.add(tr("report.bad_source", limit=MAX_URL) if again else tr("report.ask_source"))
        answer.buttons = [[Button(tr("btn.no_source"), actions.flow("skip")), Button(tr("btn.cancel"), actions.flow("x"))]]
        return answer

    def _set_place(self, flow: Flow, region: Region | None, typed: str | None) -> Answer:
        if region is not None:
            flow.data["place"] = {"kind": region.kind, "ref": actions.region_ref(region) if region.kind != "point"
                                  else None, "name": region.name, "state": region.state}
            return self._ask_what(flow)
        name, _cut = user_text(typed or "", MAX_PLACE)
        flow.data["place"] = {"kind": "free", "ref": None, "name": name, "state": None}
        return self._ask_what(flow, note=tr("report.place_unknown"))

    def _region_of_ref(self, ref: str) -> Region | None:
        """The place a reference names (o12345, z12345, d12345, l<code>, a state code), filled in."""
        if len(ref) == 2:
            action = f"s:{ref}"
        elif ref[0] in "ozdl":
            action = f"{ref[0]}:{ref[1:]}"
        else:
            return None
        answer = self.brain.act(action, count=False, plain=True)
        return answer.region if answer.intent != "unknown" else None

    def _report_step(self, flow: Flow, key: str, text: str, caller: Caller) -> Answer:
        step = flow.step
        if step == "network":
            if phrases.is_new(text):
                return self._new_network(flow)
            network_id, choices = self._find_network(text, as_command=True)
            if network_id is not None:
                name = self._network_name(network_id)
                if name is not None:
                    return self._chose_network(flow, network_id, name)
            return self._network_choices(flow, text, choices)
        if step == "name":
            name, _cut = user_text(text, MAX_NAME)
            if not name:
                return self._ask_name()
            flow.data["new_name"] = name
            return self._ask_place(flow)
        if step == "place":
            query = self.brain.understand("/region " + user_text(text, MAX_PLACE)[0])
            if query.intent == "region" and query.region is not None:
                return self._set_place(flow, query.region, None)
            if query.intent == "clarify" and query.choices:
                answer = _place_choices(Answer("report"), tr("report.which_place"), query.choices, actions.flow)
                answer.buttons.append([Button(tr("btn.cancel"), actions.flow("x"))])
                return answer
            return self._set_place(flow, None, text)
        if step == "what":
            body, cut = user_text(text, MAX_BODY)
            if not body:
                return self._ask_what(flow) if "new_name" in flow.data else \
                    self._chose_network(flow, flow.data["network_id"], flow.data["network_name"])
            flow.data.update(body=body, cut=cut)
            return self._ask_source(flow)
        if step == "source":
            if phrases.is_skip(text):
                flow.data["source"] = None
                return self._summary(flow)
            url = source_url(text)
            if url is None:
                return self._ask_source(flow, again=True)
            flow.data["source"] = url
            return self._summary(flow)
        # confirm
        if phrases.is_yes(text):
            return self._submit(flow, key, caller)
        if phrases.is_no(text):
            self.flows.end(key)
            return text_answer("report", tr("cancelled"))
        return self._summary(flow, again=True)

    def _summary(self, flow: Flow, again: bool = False) -> Answer:
        flow.step = "confirm"
        data = flow.data
        answer = Answer("report")
        answer.add(b(tr("report.summary")))
        if "new_name" in data:
            answer.add(b(tr("report.new_network")), t(data["new_name"]))
            place = data.get("place") or {}
            if place.get("name"):
                state = f" ({self.brain.catalog.state_name(place['state'])})" \
                    if place.get("state") and place["state"] != place["name"] else ""
                answer.add(b(tr("report.place")), t(place["name"] + state))
        else:
            answer.add(b(tr("report.network")), t(data["network_name"]))
        answer.add(b(tr("report.body")), t(data["body"]), i(tr("cut", limit=MAX_BODY) if data.get("cut") else ""))
        source = data.get("source")
        answer.add(b(tr("report.source")), t(f"{visible_domain(source)} – {source}" if source
                                             else tr("report.no_source")))
        answer.add(i(tr("report.confirm_again") if again else tr("report.confirm")))
        answer.buttons = [[Button(tr("btn.send"), actions.flow("ok")), Button(tr("btn.cancel"), actions.flow("x"))]]
        return answer

    def _submit(self, flow: Flow, key: str, caller: Caller) -> Answer:
        refused = self._limits(caller)
        if refused:
            self.flows.end(key)
            return text_answer("report", refused)
        data = flow.data
        new = "new_name" in data
        self.flows.end(key)  # sent or not: the dialogue is over (the user's words stay in their chat)
        report_id = self.db.add_report(
            network_id=None if new else data["network_id"],
            network_name=data["new_name"] if new else data["network_name"],
            body=data["body"], source_url=data.get("source"), reporter=caller.user,
            place=data.get("place") if new else None)
        self._note_sent(caller.user)
        log.info("Report #%d received", report_id)
        answer = text_answer("report", tr("report.sent", id=report_id))
        report = self.db.report(report_id)
        if report is not None:
            open_count = self.db.count_reports("open")
            for admin in sorted(self.admins):
                with i18n.use(self.brain.language_of_user(admin)):
                    answer.outbox.append(Notice(admin, self._admin_card(report, open_count)))
        return answer

    # -- buttons of the report dialogue ------------------------------------------------------------------
    def _report_button(self, action: str, caller: Caller, key: str) -> Answer:
        ref = action[2:]
        if ref == "+":
            answer = self._start_report(caller, key, "new", None, None, False)
        elif ref:  # a network's card: the dialogue starts at "what is wrong" (or asks, if it is gone)
            answer = self._start_report(caller, key, "fix", ref, None, False)
        else:
            answer = self._start_report(caller, key, None, None, None, False)
        answer.below = True
        return answer

    def _flow_button(self, action: str, caller: Caller, key: str) -> Answer:
        token = action[2:]
        flow = self.flows.get(key)
        if token == "x":
            self.flows.end(key)
            intent = INTENT_OF_FLOW[flow.kind] if flow else "report"
            if flow is not None and flow.kind == "comment":
                return text_answer(intent, tr("rating.no_comment"))
            return text_answer(intent, tr("cancelled"))
        if flow is None:
            return text_answer("report", tr("expired"))
        if flow.kind == "comment" and token == "skip":
            self.flows.end(key)
            return text_answer("rating", tr("rating.no_comment"))
        if flow.kind != "report":
            return text_answer(INTENT_OF_FLOW[flow.kind], tr("expired"))
        if token == "new" and flow.step in ("network", "name"):
            return self._new_network(flow)
        if token == "skip" and flow.step == "source":
            flow.data["source"] = None
            return self._summary(flow)
        if token == "ok" and flow.step == "confirm":
            return self._submit(flow, key, caller)
        if flow.step == "place" and token not in ("new", "skip", "ok"):
            region = self._region_of_ref(token)
            if region is not None:
                return self._set_place(flow, region, None)
        return text_answer("report", tr("expired"))

    # == admins ============================================================================================
    def _admin_card(self, report: Report, open_count: int | None = None) -> Answer:
        """A new report as the admins see it, with the three decisions."""
        answer = Answer("admin")
        head = [b(tr("admin.new_report", id=report.id))]
        if open_count is not None:
            head.append(t(tr("admin.open_count", count=open_count)))
        answer.add(*head)
        self._report_lines(answer, report, full=True)
        answer.buttons = [self._decision_row(report.id, short=False)]
        if report.network_id:
            answer.buttons.append([Button(tr("btn.profile"), actions.profile(report.network_id))])
        return answer

    @staticmethod
    def _decision_row(report_id: int, short: bool) -> list[Button]:
        suffix = "_short" if short else ""
        return [Button(tr("btn.accept" + suffix, id=report_id), actions.decision(report_id, "a")),
                Button(tr("btn.reject" + suffix, id=report_id), actions.decision(report_id, "x")),
                Button(tr("btn.ask" + suffix, id=report_id), actions.decision(report_id, "q"))]

    def _report_lines(self, answer: Answer, report: Report, full: bool) -> None:
        """The report as plain text (every user-given part is a plain span: escaped, never a link)."""
        if report.network_id:
            answer.add(t(tr("admin.existing", name=report.network_name, id=report.network_id)))
        else:
            answer.add(t(tr("admin.new", name=report.network_name)))
            if report.place_name:
                answer.add(t(tr("admin.place", place=_place_label(report, self.brain.catalog.state_name))))
        body = report.body if full else user_text(report.body, 300)[0]
        answer.add(t(tr("admin.body", body=body)))
        if report.source_url:
            answer.add(t(tr("admin.source", domain=visible_domain(report.source_url), url=report.source_url)))
        elif full:
            answer.add(t(tr("admin.no_source")))
        notes = self.db.notes(report.id)
        for note in notes[-4:] if full else notes[-2:]:
            key = "admin.note_admin" if note.author == "admin" else "admin.note_reporter"
            answer.add(i(tr(key, text=note.body if full else user_text(note.body, 200)[0])))
        if report.status == "open" and report.reporter is None:
            answer.add(i(tr("admin.reporter_gone")))

    def _admin_list(self, note: list | None) -> Answer:
        answer = Answer("admin")
        if note:
            answer.add(*note)
        reports = self.db.reports("open", limit=ADMIN_LIST)
        total = self.db.count_reports("open")
        if not reports:
            answer.add(b(tr("admin.list_none")))
            return answer
        answer.add(b(tr("admin.list_title", count=total)))
        for report in reports:
            answer.add(b(f"#{report.id}"), t(f" · {_day(report.created_at)}"))
            self._report_lines(answer, report, full=False)
            answer.buttons.append(self._decision_row(report.id, short=True))
        if total > len(reports):
            answer.add(i(tr("admin.list_more", count=total - len(reports))))
        answer.add(i(tr("admin.list_hint")))
        return answer

    def _admin_button(self, action: str, caller: Caller, key: str) -> Answer:
        if not self.is_admin(caller):
            return text_answer("admin", tr("only_admins"))
        parts = action.split(":")
        if len(parts) != 3 or actions.decode(action) is None:
            return self._admin_list(None)
        report_id, verb = int(parts[1]), parts[2]
        if verb == "q":
            report = self.db.report(report_id)
            if report is None or report.status != "open":
                answer = text_answer("admin", tr("admin.gone", id=report_id))
            else:
                self.flows.start(key, "question", "text", report=report_id)
                answer = text_answer("admin", tr("admin.ask_question", id=report_id),
                                     buttons=[[Button(tr("btn.cancel"), actions.flow("x"))]])
            answer.below = True
            return answer
        report = self.db.decide(report_id, "accepted" if verb == "a" else "rejected")
        if report is None:
            return self._admin_list([b(tr("admin.gone", id=report_id))])
        log.info("Report #%d %s", report_id, "accepted" if verb == "a" else "rejected")
        outbox = []
        if report.reporter:
            key_text = "reporter.accepted" if verb == "a" else "reporter.rejected"
            with i18n.use(self.brain.language_of_user(report.reporter)):
                outbox.append(Notice(report.reporter, text_answer("report", tr(key_text, id=report.id,
                                                                              name=report.network_name))))
        done = tr("admin.accepted" if verb == "a" else "admin.rejected", id=report_id)
        told = tr("admin.told") if report.reporter else tr("admin.not_told")
        answer = self._admin_list([b(done), t(" " + told)])
        answer.outbox = outbox
        return answer

    def _question(self, flow: Flow, key: str, text: str, caller: Caller) -> Answer:
        report_id = flow.data["report"]
        self.flows.end(key)
        if not self.is_admin(caller):
            return text_answer("admin", tr("only_admins"))
        question, _cut = user_text(text, MAX_BODY)
        report = self.db.report(report_id)
        if report is None or report.status != "open" or not question:
            return text_answer("admin", tr("admin.gone", id=report_id))
        self.db.add_note(report_id, "admin", question)
        if not report.reporter:
            return text_answer("admin", tr("admin.not_told"))
        with i18n.use(self.brain.language_of_user(report.reporter)):
            notice = Answer("report")
            notice.add(b(tr("reporter.question", id=report_id, name=report.network_name)))
            notice.add(t(question))
            notice.add(i(tr("reporter.question_hint")))
            notice.buttons = [[Button(tr("btn.reply"), actions.reply_to(report_id))]]
        answer = text_answer("admin", tr("admin.question_sent", id=report_id))
        answer.outbox.append(Notice(report.reporter, notice))
        return answer

    def _reply_button(self, action: str, caller: Caller, key: str) -> Answer:
        report_id = int(action[2:])
        report = self.db.report(report_id)
        if report is None or report.status != "open" or report.reporter is None or report.reporter != caller.user:
            answer = text_answer("report", tr("reporter.not_yours"))
        else:
            self.flows.start(key, "reply", "text", report=report_id)
            answer = text_answer("report", tr("reporter.ask_reply", id=report_id),
                                 buttons=[[Button(tr("btn.cancel"), actions.flow("x"))]])
        answer.below = True
        return answer

    def _reply(self, flow: Flow, key: str, text: str, caller: Caller) -> Answer:
        report_id = flow.data["report"]
        self.flows.end(key)
        body, _cut = user_text(text, MAX_BODY)
        report = self.db.report(report_id)
        if report is None or report.status != "open" or report.reporter != caller.user or not body:
            return text_answer("report", tr("reporter.not_yours"))
        self.db.add_note(report_id, "reporter", body)
        answer = text_answer("report", tr("reporter.reply_sent"))
        for admin in sorted(self.admins):
            with i18n.use(self.brain.language_of_user(admin)):
                card = Answer("admin")
                card.add(b(tr("admin.reply", id=report_id)))
                card.add(t(body))
                card.buttons = [self._decision_row(report_id, short=False)]
            answer.outbox.append(Notice(admin, card))
        return answer

    # == ratings ===========================================================================================
    def _rate(self, action: str, caller: Caller, key: str) -> Answer:
        answer = Answer("rating", below=True)
        if actions.decode(action) is None:
            answer.toast = tr("rating.failed")
            return answer
        up, intent, kind = action.split(":")[1:]
        try:
            rating_id = self.db.add_rating(intent, kind, 1 if up == "+" else -1)
        except UserDataUnavailable as exc:
            log.warning("Rating not stored: %s", exc)
            answer.toast = tr("rating.failed")
            return answer
        answer.toast = tr("rating.thanks")
        answer.strip_actions = "v:"
        if up == "-":
            self.flows.start(key, "comment", "text", rating=rating_id)
            answer.add(tr("rating.ask_comment"))
            answer.buttons = [[Button(tr("btn.no_comment"), actions.flow("skip"))]]
        return answer

    def _comment(self, flow: Flow, key: str, text: str) -> Answer:
        self.flows.end(key)
        if phrases.is_skip(text):
            return text_answer("rating", tr("rating.no_comment"))
        comment, _cut = user_text(text, MAX_COMMENT)
        if comment:
            self.db.add_comment(flow.data["rating"], comment)
        return text_answer("rating", tr("rating.comment_saved"))

    def satisfaction(self) -> tuple[list[tuple[str, str, int, int]], dict]:
        """Ratings per (intent, kind) and the user-data counts, for /stats and ``netzwerkbot stats``."""
        rows = self.db.satisfaction()
        counts = self.db.counts()
        counts["comments"] = self.db.count_comments()
        return rows, counts

    # == home place ========================================================================================
    def _home_command(self, arg: str, caller: Caller, key: str) -> Answer:
        if not caller.user:
            return text_answer("home", tr("only_in_chat", command="/heimat"))
        if arg:
            return self._home_from_text(arg, caller, key)
        home = self.db.home(caller.user)
        self.flows.start(key, "home", "place")
        answer = Answer("home", request_location=True)
        if home is None:
            answer.add(tr("home.none"))
            return answer
        answer.add(b(tr("home.show", name=home.name)))
        answer.add(tr("home.show_hint"))
        answer.buttons = [[Button(tr("btn.nearby_home"), self._home_action(home)),
                           Button(tr("btn.clear_home"), actions.home_ref("-"))]]
        return answer

    def _home_from_text(self, text: str, caller: Caller, key: str, quiet: bool = False) -> Answer | None:
        """Save the place ``text`` names; ``quiet``: None instead of an explanation if it names none."""
        query = self.brain.understand("/naehe " + user_text(text, MAX_PLACE)[0])
        if query.intent == "nearby" and query.region is not None:
            if query.region.kind not in HOME_KINDS:
                return None if quiet else text_answer("home", tr("home.too_large"))
            return self._save_home(query.region, caller, key)
        if query.intent == "clarify" and query.choices:
            return _place_choices(Answer("home"), tr("home.which"), query.choices, actions.home_ref)
        return None if quiet else text_answer("home", tr("home.unknown_place"))

    def _save_home(self, region: Region, caller: Caller, key: str) -> Answer:
        if region.lat is None or region.lon is None:
            return text_answer("home", tr("home.unknown_place"))
        if region.kind == "point":
            home = Home(caller.user, None, "point", tr("home.point"), None, round(region.lat, 2), round(region.lon, 2))
        else:
            home = Home(caller.user, actions.region_ref(region), region.kind, region.name, region.state,
                        region.lat, region.lon)
        self.db.set_home(home)
        self.flows.end(key)
        answer = Answer("home")
        answer.add(b(tr("home.saved", name=home.name)))
        answer.add(tr("home.saved_hint"))
        answer.buttons = [[Button(tr("btn.nearby_home"), self._home_action(home)),
                           Button(tr("btn.clear_home"), actions.home_ref("-"))]]
        return answer

    def _home_text(self, flow: Flow, key: str, text: str, caller: Caller) -> Answer:
        """After /heimat: a place sets the home place; anything else is a question as usual."""
        answer = self._home_from_text(text, caller, key, quiet=True)
        if answer is not None:
            return answer
        self.flows.end(key)
        return self._dress(self.brain.ask(text, caller, plain=True), caller, free=True)

    def _home_point(self, lat: float, lon: float, caller: Caller, key: str) -> Answer:
        if not (GERMANY[0] <= lat <= GERMANY[1] and GERMANY[2] <= lon <= GERMANY[3]):
            return text_answer("home", tr("home.outside"))
        return self._save_home(Region("point", tr("home.point"), lat=lat, lon=lon), caller, key)

    def _home_button(self, action: str, caller: Caller, key: str) -> Answer:
        ref = action[2:]
        if ref == "-":
            had, subscribed = self.db.clear_home(caller.user)
            self.flows.end(key)
            return text_answer("home", tr("home.cleared_abo" if subscribed else "home.cleared" if had else "home.nothing"))
        region = self._region_of_ref(ref)
        if region is None or region.kind not in HOME_KINDS:
            return text_answer("home", tr("home.unknown_place"))
        return self._save_home(region, caller, key)

    # == subscription ======================================================================================
    def _abo_command(self, arg: str, caller: Caller) -> Answer:
        if not caller.user:
            return text_answer("abo", tr("only_in_chat", command="/abo"))
        if fold(arg) in ABO_OFF:
            return self._abo_end(caller)
        subscription = self.db.subscription(caller.user)
        if subscription is not None:
            answer = Answer("abo")
            answer.add(b(tr("abo.show", km=f"{subscription.radius_km:.0f}", name=subscription.home.name,
                            since=_day(subscription.since))))
            answer.buttons = [[Button(tr("btn.unsubscribe"), actions.abo(False))]]
            return answer
        return self._abo_start(caller)

    def _abo_start(self, caller: Caller) -> Answer:
        if not self.db.subscribe(caller.user, RADIUS_KM):
            return text_answer("abo", tr("abo.need_home"))
        home = self.db.home(caller.user)
        answer = Answer("abo")
        answer.add(b(tr("abo.started", km=f"{RADIUS_KM:.0f}", name=home.name if home else "")))
        answer.add(tr("abo.started_hint"))
        answer.buttons = [[Button(tr("btn.unsubscribe"), actions.abo(False))]]
        return answer

    def _abo_end(self, caller: Caller) -> Answer:
        ended = self.db.unsubscribe(caller.user)
        return text_answer("abo", tr("abo.ended") if ended else tr("abo.none"),
                           buttons=[[Button(tr("btn.subscribe"), actions.abo(True))]] if ended else None)

    def _abo_button(self, action: str, caller: Caller, key: str) -> Answer:
        return self._abo_start(caller) if action == actions.abo(True) else self._abo_end(caller)

    def blocked(self, user: str) -> None:
        """The messenger says ``user`` blocked the bot: end their subscription (nothing can reach them)."""
        try:
            if self.db.unsubscribe(user):
                log.info("A subscriber blocked the bot; subscription ended")
        except UserDataUnavailable as exc:
            log.warning("Could not end the subscription of a user who blocked the bot: %s", exc)

    # -- what is new after a reload ----------------------------------------------------------------------
    def _snapshot(self) -> tuple[frozenset[str], frozenset[tuple[str, int, str]], frozenset[int]]:
        with self.brain._lock:
            store = self.brain.store
            return frozenset(store.all_ids()), frozenset(store.award_pairs()), frozenset(store.award_years())

    def reload(self) -> tuple[dict, list[Notice]]:
        """``Brain.reload`` plus the news for subscribers: networks and award winners that are new within
        their radius, and award years that are new (one :class:`Notice` per subscriber, kind "news")."""
        before = self._known
        counts = self.brain.reload()
        self._known = after = self._snapshot()
        try:
            notices = self.news(before, after)
        except UserDataUnavailable as exc:
            log.warning("Subscribers not told what is new: %s", exc)
            notices = []
        return counts, notices

    def news(self, before, after) -> list[Notice]:
        new_ids = after[0] - before[0]
        new_awards = {pair for pair in after[1] - before[1] if pair[0] in after[0]}
        new_years = sorted(after[2] - before[2])
        if not (new_ids or new_awards or new_years):
            return []
        subscriptions = self.db.subscriptions()
        if not subscriptions:
            return []
        candidates = new_ids | {nid for nid, _year, _award in new_awards}
        notices = []
        for subscription in subscriptions:
            home = subscription.home
            with self.brain._lock:
                near = self.brain.store.nearest(home.lat, home.lon, max_km=subscription.radius_km,
                                                among=candidates) if candidates else []
            if not near and not new_years:
                continue
            with i18n.use(self.brain.language_of_user(subscription.user)):
                news = self._news_answer(subscription, near, new_ids, new_awards, new_years)
            notices.append(Notice(subscription.user, news, kind="news"))
        log.info("News after reload: %d new networks, %d new awards, %d new years; %d of %d subscribers told",
                 len(new_ids), len(new_awards), len(new_years), len(notices), len(subscriptions))
        return notices

    def _news_answer(self, subscription, near, new_ids, new_awards, new_years) -> Answer:
        answer = Answer("abo")
        home = subscription.home
        if near:
            answer.add(b(tr("news.title", km=f"{subscription.radius_km:.0f}", name=home.name)))
        else:
            answer.add(b(tr("news.title_years")))
        ids = [nid for nid, _km, _town in near]
        km_of = {nid: km for nid, km, _town in near}
        with self.brain._lock:
            summaries = {s.id: s for s in self.brain.store.summaries_by_ids(ids)}
        awards_of: dict[str, list[str]] = {}
        for nid, year, award in sorted(new_awards, key=lambda p: (p[1], p[2])):
            awards_of.setdefault(nid, []).append(award_label(award, year))
        fresh_ids = [nid for nid in ids if nid in new_ids and nid in summaries]
        awarded = [nid for nid in ids if nid not in new_ids and nid in awards_of and nid in summaries]
        shown = []
        for title, group in (("news.networks", fresh_ids), ("news.awards", awarded)):
            if not group:
                continue
            answer.add(b(tr(title)))
            for nid in group:
                net = summaries[nid]
                shown.append(net)
                km = km_of[nid]
                details = [", ".join(net.towns[:1] or self.brain.catalog.state_names(net.states)),
                           _("im Ort") if km < 1 else _("{km} km").format(km=number(km))]
                if nid in awards_of:
                    details.append("🏆 " + "; ".join(awards_of[nid]))
                answer.add(t(f"{len(shown)}. "), b(net.name), t(" – " + " · ".join(d for d in details if d)))
        for year in new_years:
            answer.add(t(tr("news.year", year=year)))
        answer.add(i(tr("news.footer")))
        for n, net in enumerate(shown[:NEWS_BUTTONS], start=1):
            answer.buttons.append([Button(f"{n}. {net.name}"[:60], actions.profile(net.id))])
        if new_years:
            answer.buttons.append([Button(tr("btn.award_year", year=y), actions.award(y)) for y in new_years[-3:]])
        answer.networks, answer.total = shown, len(shown)
        return answer

    # == forgetting ========================================================================================
    def _forget(self, caller: Caller, key: str) -> Answer:
        flow = self.flows.end(key)
        # what the brain keeps of the chat in memory goes too: its last turn and its language choice
        self.brain.forget_conversation(caller)
        self.brain.languages.forget(caller.conversation)
        with self._recent_lock:
            self._recent.pop(caller.user or "", None)
        if not caller.user:
            return text_answer("forget", tr("forget.nothing"))
        try:
            done = self.db.forget(caller.user)
        except UserDataUnavailable as exc:
            log.warning("Forget failed: %s", exc)
            return text_answer("forget", tr("forget.failed"))
        log.info("A user's data was forgotten")
        items = []
        if done["home"]:
            items.append(tr("forget.home"))
        if done["abo"]:
            items.append(tr("forget.abo"))
        if done["reports"]:
            items.append(trn("forget.reports", done["reports"]))
        if flow is not None:
            items.append(tr("forget.flow"))
        return text_answer("forget", tr("forget.done", items=", ".join(items)) if items else tr("forget.nothing"))
