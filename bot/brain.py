"""The brain: one object that answers texts, button actions and locations, for any face.

It wires the store, gazetteer, name matcher, understanding and answering together. Telegram
handlers and the console both call :meth:`Brain.ask`, :meth:`Brain.act` and :meth:`Brain.locate`
and render the returned :class:`Answer` themselves. :meth:`reload` re-opens the database (after an
import) without restarting the process.

Thread safety: every call holds one re-entrant lock for its whole duration (understanding, answering
and every store access), so the Telegram handlers may run the brain in worker threads
(``asyncio.to_thread``) while the event loop stays free.

Answers to texts, button actions and locations are kept in a bounded LRU cache (the data does not change
while a Store is open; :meth:`reload` clears it). Real traffic repeats a lot (/start, buttons, paging,
the big states). Cached answers are shared: callers must not change them (renderers only read).
The cache and the counters have a lock of their own that is only ever held for a dictionary
operation, never while answering: :meth:`cached` may therefore run on the event loop, and a cache
hit needs no worker thread (the hop costs more than the look-up, and a busy brain does not delay it).
"""

from __future__ import annotations

import copy
import gc
import logging
import sqlite3
import threading
import time
from collections import Counter, OrderedDict
from pathlib import Path

from . import actions, i18n, language
from .answer import PAGE_SIZE, Answerer
from .catalog import Catalog
from .conversation import Conversations, LanguageChoices, State
from .feedback.talkback import Talkback
from .gazetteer import Gazetteer
from .models import Answer, Caller, Query
from .names import NameMatcher
from .settings import Settings, default_user_db_path
from .store import Store
from .understanding import Understanding

log = logging.getLogger(__name__)

CACHE_SIZE = 2048  # answers kept (LRU); 0 turns the cache off
CACHE_TEXT_LEN = 512  # longer texts are not cached (they are rare and would only take memory)
WARM_UP_QUIET = 0.5  # seconds without an answer before the next step of the warm-up
WARM_UP_PATIENCE = 30.0  # after this many seconds the warm-up goes on even while questions keep coming
CACHE_IDS = 200_000  # network ids held by all cached lists together (~2 MB)


class Brain:
    def __init__(self, db_path: Path, data_dir: Path, auto_build: bool = True, cache_size: int = CACHE_SIZE,
                 users_db: Path | None = None, admins: frozenset = frozenset()):
        self.db_path, self.data_dir = db_path, data_dir
        self.catalog = Catalog.load(data_dir)
        self.started = time.time()
        self.intent_counts: Counter[str] = Counter()
        self.cache_size = cache_size
        self.cache_hits = 0
        self._last_answered = 0.0  # time.monotonic() of the last answer (see warm_up)
        self.warming: threading.Thread | None = None  # the warm-up after a reload
        self._cache: OrderedDict[tuple, tuple[Answer, int]] = OrderedDict()  # key -> (answer, its ids)
        self._cached_ids = 0
        self.conversations = Conversations()  # per chat: the last turn, for follow-ups (in memory only)
        self.languages = LanguageChoices()  # per chat: the language chosen with /sprache (in memory only)
        self.user_languages = LanguageChoices()  # per user: the language of their last answer (for notices to them)
        self._lock = threading.RLock()  # the brain: understanding, answering, the store
        self._cache_lock = threading.Lock()  # the cache and the counters; held for a dict operation only
        self._open(auto_build)
        # -- talkback (issue 13): reports, ratings, home place, subscriptions; its own user database, opened on
        #    first use (bot/feedback/talkback.py)
        self.talkback = Talkback(self, users_db or default_user_db_path(db_path), admins)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Brain":
        return cls(settings.db_path, settings.data_dir, users_db=settings.users_db, admins=settings.admins)

    def _open(self, auto_build: bool) -> None:
        store = Store.open(self.db_path, self.data_dir, self.catalog, auto_build=auto_build)
        gazetteer = Gazetteer(store, self.catalog)
        names = NameMatcher.from_rows(store.name_rows())
        self.store = store
        self.gazetteer = gazetteer
        self.names = names
        self.understanding = Understanding(store, gazetteer, self.catalog, names)
        self.answerer = Answerer(store, gazetteer, self.catalog, self.understanding.knowledge)
        self._forget_answers()
        # The tables above are hundreds of thousands of long-lived objects at 100k networks. Without this,
        # every full garbage collection walks all of them (0.16 s at 100k, at random moments in answers);
        # frozen, the collector skips them. They are freed by reference counting when a reload drops them.
        gc.freeze()
        # With that base frozen, CPython's damping of full collections (only when the survivors grew by a
        # quarter of the long-lived objects) no longer holds them back: a list answer at 100k networks
        # (thousands of summaries and JSON dicts) set off ~10 full collections of its own temporaries,
        # 20-35 ms each. One full collection per 100 (not 10) middle-generation ones: 9 instead of 87 in
        # 600 questions at 100k, 0.2 s instead of 1.8 s. Only ever raised, never lowered.
        young, middle, old_generation = gc.get_threshold()
        if young and old_generation < 100:
            gc.set_threshold(young, middle, 100)

    def reload(self) -> dict:
        """Re-open the database (e.g. after ``db import``); the old one stays in use if that fails."""
        with self._lock:
            old = self.store
            self._open(auto_build=True)
            old.close()
            counts = self.store.counts()
        # as after a start, in the background: questions are answered meanwhile (see warm_up)
        self.warming = threading.Thread(target=self.warm_up, name="warm-up", daemon=True)
        self.warming.start()
        return counts

    def warm_up(self) -> None:
        """Load what the first questions of a kind would otherwise load (``Store.warm_up_steps``,
        ``NameMatcher.warm_up_steps``); the bot runs it in a worker thread after start and ``reload``. Only the store's lock is held, so questions that do not
        need the store are answered meanwhile. The message catalogues are read too (the English one takes
        ~15 ms to parse, which the first English question would otherwise wait for)."""
        for lang in i18n.LANGUAGES:
            i18n.translations(lang)
            with i18n.use(lang):  # Babel loads a locale's number and date data on first use
                i18n.number(1.5, 1), i18n.day("2014-05-22")
        store = self.store
        # the first step, the point grid, at once: every place question needs it; the rest saves the first
        # question of a kind some 10-90 ms at 100k (nothing noticeable at the bundled size) and is done when
        # no question has been answered for a moment, so that right after a start, when many may be
        # waiting, it does not take their time
        deadline = time.monotonic() + WARM_UP_PATIENCE
        for index, step in enumerate(store.warm_up_steps() + self.names.warm_up_steps()):
            while index and time.monotonic() < deadline and time.monotonic() - self._last_answered < WARM_UP_QUIET:
                time.sleep(WARM_UP_QUIET / 4)
            if self.store is not store:
                return  # reloaded meanwhile: the new database has a warm-up of its own
            try:
                step()
            except sqlite3.ProgrammingError:
                return  # the database was closed meanwhile (a reload, the end of the process)

    def clear_caches(self) -> None:
        """Forget cached answers and the name matcher's memos (the benchmark times uncached answers)."""
        with self._lock:
            self._forget_answers()
            self.names.clear_caches()

    def _forget_answers(self) -> None:
        with self._cache_lock:
            self._cache.clear()
            self._cached_ids = 0

    def understand(self, text: str) -> Query:
        with self._lock:
            return self.understanding.understand(text)

    def language(self, caller: Caller | None, text: str | None = None) -> str:
        """The language to answer in: the chat's choice (/sprache); else the message's own language when it
        is clear ("Which networks are in Saxony?"); else the language of the conversation's last answer (a
        button, "weiter"); else the client's (Telegram's ``language_code``: English for en*, else German)."""
        conversation = caller.conversation if caller else None
        chosen = (caller.chosen_lang if caller else None) or self.languages.get(conversation)
        if chosen:
            return chosen
        talkback = getattr(self, "talkback", None)
        if talkback is not None and caller is not None and (caller.conversation or caller.user):
            flow = talkback.flows.peek(talkback._key(caller))
            if flow is not None:
                return flow.lang  # a dialogue in progress (a report): a name or a text typed into it changes nothing
        if text and not text.startswith("/"):
            detected = language.detect(text)
            if detected:
                return detected
        state = self.conversations.get(conversation)
        if state is not None and state.lang:
            return state.lang
        return i18n.from_client(caller.lang if caller else None)

    def language_of_user(self, user: str | None) -> str:
        """The language to write to ``user`` in when nobody asked (a notice to an admin or a reporter, news for
        a subscriber): what their private chat chose (/sprache), else the language of its last answer, else
        German. Telegram's private chat with a user has the user's id as chat id (``handlers.common.caller_of``)."""
        if not user:
            return i18n.DEFAULT
        chat = f"c{user}"
        state = self.conversations.get(chat)
        return (self.languages.get(chat) or self.user_languages.get(str(user))
                or (state.lang if state is not None and state.lang else i18n.DEFAULT))

    def _note_language(self, caller: Caller | None, answer: Answer | None) -> Answer | None:
        """Remember the language ``caller``'s user was last answered in (notices to them use it), and
        when a question was last answered (the warm-up waits for a quiet moment)."""
        self._last_answered = time.monotonic()
        if answer is not None and caller is not None and caller.user:
            self.user_languages.choose(str(caller.user), answer.lang)
        return answer

    def _choose_language(self, query: Query, caller: Caller | None) -> str | None:
        """"/language en", the 🇬🇧 button: remember the choice for the chat; the new language, else None."""
        info = query.info or ""
        if query.intent == "info" and info.startswith("language:"):
            chosen = info.partition(":")[2]
            self.languages.choose(caller.conversation if caller else None, chosen)
            return chosen
        return None

    def answer(self, query: Query, count: bool = True) -> Answer:
        """``count=False`` for answers nobody asked for directly (inline previews), so /stats stays honest.
        The answer is written in the current language (``bot.i18n.use``)."""
        with self._lock:
            answer = self.answerer.answer(query)
            answer.lang = i18n.current()
        if count:
            self._count(answer.intent)
        return answer

    def intent_snapshot(self) -> dict[str, int]:
        """The answers per intent so far, copied under the counters' lock (for /stats on the event loop)."""
        with self._cache_lock:
            return dict(self.intent_counts)

    def _count(self, intent: str) -> None:
        """``Counter[...] += 1`` is a read and a write: threads and the event loop count under one lock."""
        with self._cache_lock:
            self.intent_counts[intent] += 1

    @staticmethod
    def _key(kind: str, *args, lang: str = i18n.DEFAULT) -> tuple | None:
        """The cache key of ``ask(text)``, ``act(action)`` or ``locate(lat, lon)`` in ``lang``; None if not
        cacheable."""
        if kind == "locate":
            lat, lon = args
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                return None
            # understanding rounds a location to 4 decimals (about 10 m), so the cache may too
            return ("locate", round(lat, 4), round(lon, 4), lang)
        text = args[0]
        if not isinstance(text, str) or len(text) > CACHE_TEXT_LEN:
            return None  # long texts are rare and would only take memory
        if kind == "act" and text.startswith("L:") or kind == "ask" and text.lstrip().startswith(("/sprache", "/language", "/lang")):
            return None  # choosing a language is remembered per chat: never served from the cache
        return (kind, text, lang)

    def cached(self, kind: str, *args, caller: Caller | None = None, plain: bool = False,
               count: bool = True) -> Answer | None:
        return self._note_language(caller, self._cached_answer(kind, *args, caller=caller, plain=plain, count=count))

    def _cached_answer(self, kind: str, *args, caller: Caller | None = None, plain: bool = False,
                       count: bool = True) -> Answer | None:
        """What ``ask``/``act``/``locate`` (``kind``) would return for ``args`` if it is cached, else None.

        Never answers anything itself and never waits for the brain, so it is cheap enough to call on
        the event loop before handing a miss to a worker thread. A message that may follow up on the
        caller's conversation is never answered from the cache.
        """
        # -- talkback hook (issue 13): a dialogue in progress or a feedback command is never a cache hit --
        lang = self.language(caller, args[0] if kind == "ask" and isinstance(args[0], str) else None)
        if not plain and self.talkback.takes(caller, "cached", kind, *args):
            with i18n.use(lang):
                return self.talkback.cached(kind, args, caller)
        conversation = caller.conversation if caller else None
        state = self.conversations.get(conversation)
        if kind == "ask" and state is not None and self._may_follow(args[0], state):
            return None
        key = self._key(kind, *args, lang=lang)
        answer = None if key is None else self._hit(key, count=count)
        if answer is not None:
            self._remember(conversation, state, answer, args[0] if kind == "ask" else None)
        return answer

    def _may_follow(self, text: object, state: State) -> bool:
        return isinstance(text, str) and self.understanding.may_follow(text, state.intent == "clarify")

    def _remember(self, conversation: str | None, state: State | None, answer: Answer,
                  asked: str | None = None) -> None:
        """Keep what ``answer`` (to the message ``asked``) showed as the conversation's last turn."""
        if conversation:
            after = State.after(state, answer, PAGE_SIZE, asked)
            if after is not None:
                self.conversations.put(conversation, after)

    def forget_conversation(self, caller: Caller | None) -> None:
        """Drop what the conversation of ``caller`` remembers (a new conversation starts)."""
        self.conversations.forget(caller.conversation if caller else None)

    def _hit(self, key: tuple, count: bool) -> Answer | None:
        """A shallow copy of the cached answer (counted like a fresh one, and made most recent), or None."""
        if self.cache_size <= 0:
            return None
        with self._cache_lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            self._cache.move_to_end(key)
            self.cache_hits += 1
            if count:
                self.intent_counts[entry[0].intent] += 1
        return copy.copy(entry[0])

    def _cached(self, key: tuple | None, count: bool, make) -> Answer:
        """The cached answer for ``key`` (counted like a fresh one), else ``make()``, cached.

        The cache keeps its own shallow copy and hands out shallow copies: a caller that loads every
        network of a list (the JSON face, see ``Answer.networks``) keeps them, the cache does not. The
        cache is bounded by entries and by the network ids its lists hold (a state list at 100k
        networks holds up to ~15k ids; a place list only the head it shows). A miss is answered under the brain lock and looked up once more there:
        a thread that waited for the lock finds what the thread before it answered.
        """
        if key is None:
            with self._lock:
                return make()
        answer = self._hit(key, count)
        if answer is not None:
            return answer
        with self._lock:
            answer = self._hit(key, count)
            if answer is not None:
                return answer
            answer = make()
            self._store(key, answer)
        return answer

    def _store(self, key: tuple, answer: Answer) -> None:
        if self.cache_size <= 0:
            return
        weight = len(answer.known_ids)  # the ids its list holds (a long place list: only its head)
        with self._cache_lock:
            self._cache[key] = (copy.copy(answer), weight)
            self._cached_ids += weight
            while len(self._cache) > self.cache_size or (self._cached_ids > CACHE_IDS and len(self._cache) > 1):
                _key, (_answer, dropped) = self._cache.popitem(last=False)
                self._cached_ids -= dropped

    def ask(self, text: str, caller: Caller | None = None, plain: bool = False) -> Answer:
        return self._note_language(caller, self._ask(text, caller, plain))

    def act(self, action: str, count: bool = True, caller: Caller | None = None, plain: bool = False) -> Answer:
        """Answer a button press; forged or outdated actions get a polite 'not available' answer."""
        return self._note_language(caller, self._act(action, count, caller, plain))

    def locate(self, lat: float, lon: float, caller: Caller | None = None, plain: bool = False) -> Answer:
        return self._note_language(caller, self._locate(lat, lon, caller, plain))

    def _ask(self, text: str, caller: Caller | None = None, plain: bool = False) -> Answer:
        """Answer a message. With a conversation (``caller.conversation``) a follow-up ("Kontakt dazu",
        "und in Thüringen?", "weiter") is completed from the last turn; a message that cannot refer to it
        is answered on its own, as without a conversation, and may come from the cache."""
        with i18n.use(self.language(caller, text if isinstance(text, str) else None)):
            # -- talkback hook (issue 13): dialogues, reports, ratings, home place; it calls back with plain=True --
            if not plain and self.talkback.takes(caller, "ask", text):
                return self.talkback.ask(text, caller)
            conversation = caller.conversation if caller else None
            state = self.conversations.get(conversation)
            if state is not None and self._may_follow(text, state):
                with self._lock:
                    answer = self.answer(self.understanding.understand(text, state))
            else:
                key = self._key("ask", text, lang=i18n.current())
                if key is None:  # not cacheable: it may be a language choice
                    query = self.understanding.understand(text)
                    chosen = self._choose_language(query, caller)
                    with i18n.use(chosen or i18n.current()):
                        answer = self.answer(query)
                else:
                    answer = self._cached(key, True, lambda: self.answer(self.understanding.understand(text)))
            self._remember(conversation, state, answer, text)
            return answer

    def _act(self, action: str, count: bool = True, caller: Caller | None = None, plain: bool = False) -> Answer:
        with i18n.use(self.language(caller)):
            # -- talkback hook (issue 13): its own buttons (report, rating, admin, home, abo); plain=True calls back --
            if not plain and self.talkback.takes(caller, "act", action):
                return self.talkback.act(action, caller, count)

            def make() -> Answer:
                query = actions.decode(action)
                if query is None:
                    query = Query(intent="stale")
                with i18n.use(self._choose_language(query, caller) or i18n.current()):
                    return self.answer(query, count=count)

            answer = self._cached(self._key("act", action, lang=i18n.current()), count, make)
            if caller is not None and caller.conversation:
                self._remember(caller.conversation, self.conversations.get(caller.conversation), answer)
            return answer

    def _locate(self, lat: float, lon: float, caller: Caller | None = None, plain: bool = False) -> Answer:
        with i18n.use(self.language(caller)):
            # -- talkback hook (issue 13): a location right after /heimat is the home place; plain=True calls back --
            if not plain and self.talkback.takes(caller, "locate", lat, lon):
                return self.talkback.locate(lat, lon, caller)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                return self.answer(Query(intent="stale"))
            answer = self._cached(self._key("locate", lat, lon, lang=i18n.current()), True,
                                  lambda: self.answer(self.understanding.from_location(lat, lon)))
            if caller is not None and caller.conversation:
                self._remember(caller.conversation, self.conversations.get(caller.conversation), answer)
            return answer
