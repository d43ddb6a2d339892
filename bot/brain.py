"""The brain: one object that answers texts, button actions and locations, for any face.

It wires the store, gazetteer, name matcher, understanding and answering together. Telegram
handlers and the console both call :meth:`Brain.ask`, :meth:`Brain.act` and :meth:`Brain.locate`
and render the returned :class:`Answer` themselves. :meth:`reload` re-opens the database (after an
import) without restarting the process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from pathlib import Path

from . import actions
from .answer import Answerer
from .catalog import Catalog
from .gazetteer import Gazetteer
from .models import Answer, Query
from .names import NameMatcher
from .settings import Settings
from .store import Store
from .understand import Understanding

log = logging.getLogger(__name__)


class Brain:
    def __init__(self, db_path: Path, data_dir: Path, auto_build: bool = True):
        self.db_path, self.data_dir = db_path, data_dir
        self.catalog = Catalog.load(data_dir)
        self.started = time.time()
        self.intent_counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._open(auto_build)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Brain":
        return cls(settings.db_path, settings.data_dir)

    def _open(self, auto_build: bool) -> None:
        store = Store.open(self.db_path, self.data_dir, self.catalog, auto_build=auto_build)
        gazetteer = Gazetteer(store, self.catalog)
        names = NameMatcher(store.name_index())
        self.store = store
        self.gazetteer = gazetteer
        self.understanding = Understanding(store, gazetteer, self.catalog, names)
        self.answerer = Answerer(store, gazetteer, self.catalog)

    def reload(self) -> dict:
        """Re-open the database (e.g. after ``db import``); the old one stays in use if that fails."""
        old = self.store
        with self._lock:
            self._open(auto_build=True)
        old.close()
        return self.store.counts()

    def understand(self, text: str) -> Query:
        return self.understanding.understand(text)

    def answer(self, query: Query, count: bool = True) -> Answer:
        """``count=False`` for answers nobody asked for directly (inline previews), so /stats stays honest."""
        with self._lock:
            answer = self.answerer.answer(query)
        if count:
            self.intent_counts[answer.intent] += 1
        return answer

    def ask(self, text: str) -> Answer:
        with self._lock:
            query = self.understanding.understand(text)
        return self.answer(query)

    def act(self, action: str, count: bool = True) -> Answer:
        """Answer a button press; forged or outdated actions get a polite 'not available' answer."""
        query = actions.decode(action)
        if query is None:
            query = Query(intent="stale")
        return self.answer(query, count=count)

    def locate(self, lat: float, lon: float) -> Answer:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return self.answer(Query(intent="stale"))
        return self.answer(self.understanding.from_location(lat, lon))
