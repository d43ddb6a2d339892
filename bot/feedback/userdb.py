"""The user-data database: what users told the bot, in a SQLite file of its own (``settings.users_db``).

The network database is rebuilt from ``data/`` at will (``db build --force`` replaces the file); this
one holds what cannot be rebuilt – reports, ratings, home places, subscriptions – and is never touched
by a build. The bot and the CLI (``netzwerkbot reports …``) may write to it at the same time:

* WAL journal, so readers never wait for a writer and a writer never blocks readers;
* ``busy_timeout``: a writer waits for another writer (another process) instead of failing at once;
* every write is one ``BEGIN IMMEDIATE`` transaction (the write lock is taken at the start, so two
  writers never deadlock upgrading read locks); ``synchronous = FULL``: a committed write survives a
  crash of the process and of the machine;
* the schema is created and migrated by the bot: ``meta`` (key, value) holds ``kind`` =
  ``netzwerkbot-userdata`` and ``schema_version``; migrations run in one write transaction, so two
  processes opening a new file at once do not both migrate. A file of another kind (e.g. the network
  database by mistake) or of a newer schema is refused, never changed.

Every failure – locked beyond the timeout, disk full, damaged file, unwritable place – becomes
:class:`UserDataUnavailable`, which the features turn into "gerade nicht verfügbar" while the bot keeps
answering questions. After a damaged or unopenable file the next attempt waits ``RETRY_SECONDS``.

Retention (stated in /datenschutz and the README) is enforced by :meth:`UserDB.purge`, run with the
first write after the file is opened and then at most once a day.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

log = logging.getLogger(__name__)

KIND = "netzwerkbot-userdata"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 3000
RETRY_SECONDS = 30.0
PURGE_EVERY = 24 * 3600.0

# retention, in days (see /datenschutz)
KEEP_DECIDED_REPORTS = 365
KEEP_REPORTER_OPEN = 180
KEEP_RATINGS = 365
KEEP_UNUSED_HOME = 365

REPORT_STATUSES = ("open", "accepted", "rejected", "exported")

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """create table reports (
            id integer primary key autoincrement,
            created_at text not null,
            status text not null default 'open' check (status in ('open', 'accepted', 'rejected', 'exported')),
            network_id text,                 -- an existing network; null for a network we do not know yet
            network_name text not null,      -- its name at the time, or the proposed name of a new one
            place_kind text, place_ref text, place_name text, place_state text,  -- new network: where
            body text not null,              -- what is wrong or missing
            source_url text,
            reporter text,                   -- user id to tell the outcome; null once decided or forgotten
            decided_at text
        )""",
        "create index reports_by_status on reports (status, id)",
        "create index reports_by_reporter on reports (reporter)",
        """create table report_notes (
            id integer primary key,
            report_id integer not null references reports (id) on delete cascade,
            at text not null,
            author text not null check (author in ('admin', 'reporter')),
            body text not null
        )""",
        "create index report_notes_by_report on report_notes (report_id)",
        """create table ratings (
            id integer primary key,
            day text not null,               -- YYYY-MM-DD; no user id, no question
            intent text not null,
            kind text not null,
            rating integer not null check (rating in (-1, 1)),
            comment text                     -- optional, after a thumbs-down
        )""",
        "create index ratings_by_day on ratings (day)",
        """create table homes (
            user text primary key,
            ref text,                        -- o12345 | z12345 | d12345 | l<code>; null for a shared location
            kind text not null,
            name text not null,
            state text,
            lat real not null,
            lon real not null,
            saved_at text not null,
            used_at text not null
        )""",
        """create table subscriptions (
            user text primary key references homes (user) on delete cascade,
            since text not null,
            radius_km real not null
        )""",
    ]),
]


class UserDataUnavailable(RuntimeError):
    """The user database cannot be used right now; the message says why (never any user data)."""


@dataclass
class Report:
    id: int
    created_at: str
    status: str
    network_id: str | None
    network_name: str
    place_kind: str | None
    place_ref: str | None
    place_name: str | None
    place_state: str | None
    body: str
    source_url: str | None
    reporter: str | None
    decided_at: str | None


@dataclass
class Note:
    report_id: int
    at: str
    author: str
    body: str


@dataclass
class Home:
    user: str
    ref: str | None
    kind: str
    name: str
    state: str | None
    lat: float
    lon: float
    saved_at: str = ""
    used_at: str = ""


@dataclass
class Subscription:
    user: str
    since: str
    radius_km: float
    home: Home


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _transient(exc: sqlite3.Error) -> bool:
    """Locked, busy or full: the file is fine, try again later with the same connection."""
    text = str(exc).lower()
    return any(word in text for word in ("locked", "busy", "full"))


class UserDB:
    """The user-data database. Thread-safe (one connection, one lock); opened on first use."""

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.clock = clock
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._failed_at: float | None = None
        self._failure = ""
        self._purged_at: float | None = None

    # -- connection ---------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_SECONDS:
            raise UserDataUnavailable(self._failure)
        conn = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"pragma busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("pragma foreign_keys = on")
            conn.execute("pragma synchronous = full")
            current = self._current(conn)  # reading only: a foreign file is refused before anything is changed
            if not current:
                self._refuse_foreign(conn)
            check = conn.execute("pragma quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {check}")
            if conn.execute("pragma journal_mode").fetchone()[0] != "wal":  # set once, then kept by the file
                conn.execute("pragma journal_mode = wal")
            if not current:
                self._migrate(conn)
        except UserDataUnavailable as exc:
            self._give_up(conn, str(exc))
            raise
        except (sqlite3.Error, OSError) as exc:
            reason = f"{self.path}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"
            if isinstance(exc, sqlite3.Error) and _transient(exc):
                if conn is not None:
                    conn.close()
                raise UserDataUnavailable(reason) from None
            self._give_up(conn, reason)
            raise UserDataUnavailable(reason) from None
        self._conn, self._failed_at = conn, None
        return conn

    def _give_up(self, conn: sqlite3.Connection | None, reason: str) -> None:
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._failed_at, self._failure = time.monotonic(), reason
        log.warning("User database unavailable: %s", reason)

    @staticmethod
    def _current(conn: sqlite3.Connection) -> bool:
        """Is the file ours and of this schema already? (Read only: opening needs no write lock then.)"""
        if conn.execute("select 1 from sqlite_master where type = 'table' and name = 'meta'").fetchone() is None:
            return False
        meta = dict(conn.execute("select key, value from meta where key in ('kind', 'schema_version')"))
        return meta.get("kind") == KIND and meta.get("schema_version") == str(SCHEMA_VERSION)

    def _refuse_foreign(self, conn: sqlite3.Connection) -> tuple[set[str], dict]:
        """Raise if the file holds something else (e.g. the network database) or a newer schema."""
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        meta = dict(conn.execute("select key, value from meta")) if "meta" in tables else {}
        if tables - {"sqlite_sequence"} and meta.get("kind") != KIND:
            raise UserDataUnavailable(f"{self.path} ist keine Nutzerdaten-Datei des netzwerkbot "
                                      f"(meta.kind = {meta.get('kind')!r}); nichts verändert.")
        version = int(meta.get("schema_version") or 0)
        if version > SCHEMA_VERSION:
            raise UserDataUnavailable(f"{self.path} hat Schema {version}, dieser Bot kennt nur bis "
                                      f"{SCHEMA_VERSION}; bitte den Bot aktualisieren.")
        return tables, meta

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("begin immediate")
        try:
            tables, meta = self._refuse_foreign(conn)  # again, under the write lock
            version = int(meta.get("schema_version") or 0)
            if "meta" not in tables:
                conn.execute("create table meta (key text primary key, value text)")
            for target, statements in MIGRATIONS:
                if target > version:
                    for statement in statements:
                        conn.execute(statement)
                    version = target
            conn.executemany("insert into meta (key, value) values (?, ?) on conflict (key) do update set value = "
                             "excluded.value", [("kind", KIND), ("schema_version", str(version))])
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """The connection, with every SQLite or OS failure turned into UserDataUnavailable."""
        with self._lock:
            conn = self._connect()
            try:
                yield conn
            except UserDataUnavailable:
                raise
            except (sqlite3.Error, OSError) as exc:
                reason = f"{self.path}: {exc}"
                if isinstance(exc, sqlite3.Error) and _transient(exc):
                    log.warning("User database busy or full: %s", exc)
                else:  # damaged, vanished, read-only: reopen (after a pause) next time
                    self._conn = None
                    self._give_up(conn, reason)
                raise UserDataUnavailable(reason) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
        with self._guard() as conn:
            conn.execute("begin immediate")
            try:
                yield conn
                conn.execute("commit")
            except BaseException:
                try:
                    conn.execute("rollback")
                except sqlite3.Error:
                    pass
                raise
        self._maybe_purge()

    def _read(self):
        return self._guard()

    def now(self) -> str:
        return _iso(self.clock())

    def _days_ago(self, days: int) -> str:
        return _iso(self.clock() - days * 86400)

    # -- retention -----------------------------------------------------------------------------------
    def _maybe_purge(self) -> None:
        if self._purged_at is None or time.monotonic() - self._purged_at >= PURGE_EVERY:
            self._purged_at = time.monotonic()
            try:
                self.purge()
            except UserDataUnavailable:
                pass

    def purge(self) -> dict[str, int]:
        """Delete what is past its retention period (see the module docstring); returns counts."""
        with self._guard() as conn:
            conn.execute("begin immediate")
            try:
                counts = {
                    "reports": conn.execute("delete from reports where status != 'open' and decided_at < ?",
                                            [self._days_ago(KEEP_DECIDED_REPORTS)]).rowcount,
                    "reporters": conn.execute("update reports set reporter = null where status = 'open' and "
                                              "reporter is not null and created_at < ?",
                                              [self._days_ago(KEEP_REPORTER_OPEN)]).rowcount,
                    "ratings": conn.execute("delete from ratings where day < ?",
                                            [self._days_ago(KEEP_RATINGS)[:10]]).rowcount,
                    "homes": conn.execute("delete from homes where used_at < ? and user not in "
                                          "(select user from subscriptions)",
                                          [self._days_ago(KEEP_UNUSED_HOME)]).rowcount,
                }
                conn.execute("commit")
            except BaseException:
                conn.execute("rollback")
                raise
        if any(counts.values()):
            log.info("User data past retention removed: %s", counts)
        return counts

    # -- reports -------------------------------------------------------------------------------------
    _REPORT_COLUMNS = ("id, created_at, status, network_id, network_name, place_kind, place_ref, place_name, "
                       "place_state, body, source_url, reporter, decided_at")

    def add_report(self, *, network_id: str | None, network_name: str, body: str, source_url: str | None,
                   reporter: str | None, place: dict | None = None) -> int:
        place = place or {}
        with self._write() as conn:
            cursor = conn.execute(
                "insert into reports (created_at, status, network_id, network_name, place_kind, place_ref, "
                "place_name, place_state, body, source_url, reporter) values (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.now(), network_id, network_name, place.get("kind"), place.get("ref"), place.get("name"),
                 place.get("state"), body, source_url, reporter])
            return int(cursor.lastrowid)

    def report(self, report_id: int) -> Report | None:
        with self._read() as conn:
            row = conn.execute(f"select {self._REPORT_COLUMNS} from reports where id = ?", [report_id]).fetchone()
        return Report(*row) if row else None

    def reports(self, status: str | None = "open", limit: int | None = None) -> list[Report]:
        sql, params = f"select {self._REPORT_COLUMNS} from reports", []
        if status is not None:
            sql += " where status = ?"
            params.append(status)
        sql += " order by id"
        if limit is not None:
            sql += " limit ?"
            params.append(limit)
        with self._read() as conn:
            return [Report(*row) for row in conn.execute(sql, params)]

    def count_reports(self, status: str = "open") -> int:
        with self._read() as conn:
            return conn.execute("select count(*) from reports where status = ?", [status]).fetchone()[0]

    def open_reports_of(self, user: str) -> int:
        with self._read() as conn:
            return conn.execute("select count(*) from reports where status = 'open' and reporter = ?",
                                [user]).fetchone()[0]

    def decide(self, report_id: int, status: str) -> Report | None:
        """Close an open report as ``accepted`` or ``rejected``; returns it as it was (with its reporter, to
        tell them), or None if it is not open. The reporter link is removed: it is not needed any more."""
        if status not in ("accepted", "rejected"):
            raise ValueError(status)
        with self._write() as conn:
            row = conn.execute(f"select {self._REPORT_COLUMNS} from reports where id = ? and status = 'open'",
                               [report_id]).fetchone()
            if row is None:
                return None
            conn.execute("update reports set status = ?, decided_at = ?, reporter = null where id = ?",
                         [status, self.now(), report_id])
        return Report(*row)

    def mark_exported(self, ids: list[int]) -> int:
        with self._write() as conn:
            return sum(conn.execute("update reports set status = 'exported' where id = ? and status = 'accepted'",
                                    [i]).rowcount for i in ids)

    def add_note(self, report_id: int, author: str, body: str) -> None:
        with self._write() as conn:
            conn.execute("insert into report_notes (report_id, at, author, body) values (?, ?, ?, ?)",
                         [report_id, self.now(), author, body])

    def notes(self, report_id: int) -> list[Note]:
        with self._read() as conn:
            return [Note(*row) for row in conn.execute(
                "select report_id, at, author, body from report_notes where report_id = ? order by id", [report_id])]

    # -- ratings -------------------------------------------------------------------------------------
    def add_rating(self, intent: str, kind: str, rating: int) -> int:
        with self._write() as conn:
            cursor = conn.execute("insert into ratings (day, intent, kind, rating) values (?, ?, ?, ?)",
                                  [self.now()[:10], intent, kind, 1 if rating > 0 else -1])
            return int(cursor.lastrowid)

    def add_comment(self, rating_id: int, comment: str) -> bool:
        with self._write() as conn:
            return conn.execute("update ratings set comment = ? where id = ? and rating = -1 and comment is null",
                                [comment, rating_id]).rowcount == 1

    def satisfaction(self) -> list[tuple[str, str, int, int]]:
        """(intent, kind, thumbs up, thumbs down) per intent and kind."""
        with self._read() as conn:
            return [tuple(r) for r in conn.execute(
                "select intent, kind, sum(rating = 1), sum(rating = -1) from ratings group by intent, kind "
                "order by intent, kind")]

    def comments(self, limit: int = 20) -> list[tuple[str, str, str, str]]:
        """The latest comments: (day, intent, kind, comment)."""
        with self._read() as conn:
            return [tuple(r) for r in conn.execute(
                "select day, intent, kind, comment from ratings where comment is not null order by id desc limit ?",
                [limit])]

    def count_comments(self) -> int:
        with self._read() as conn:
            return conn.execute("select count(*) from ratings where comment is not null").fetchone()[0]

    # -- home place ----------------------------------------------------------------------------------
    _HOME_COLUMNS = "user, ref, kind, name, state, lat, lon, saved_at, used_at"

    def home(self, user: str) -> Home | None:
        with self._read() as conn:
            row = conn.execute(f"select {self._HOME_COLUMNS} from homes where user = ?", [user]).fetchone()
        return Home(*row) if row else None

    def set_home(self, home: Home) -> None:
        now = self.now()
        with self._write() as conn:
            conn.execute(
                f"insert into homes ({self._HOME_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (user) do "
                "update set ref = excluded.ref, kind = excluded.kind, name = excluded.name, state = excluded.state, "
                "lat = excluded.lat, lon = excluded.lon, saved_at = excluded.saved_at, used_at = excluded.used_at",
                [home.user, home.ref, home.kind, home.name, home.state, home.lat, home.lon, now, now])

    def touch_home(self, user: str) -> None:
        """Remember that the home place was used today (it is kept 12 months after its last use)."""
        today = self.now()[:10]
        with self._write() as conn:
            conn.execute("update homes set used_at = ? where user = ? and substr(used_at, 1, 10) < ?",
                         [self.now(), user, today])

    def clear_home(self, user: str) -> tuple[bool, bool]:
        """Delete the home place (and so the subscription); returns (had a home, had a subscription)."""
        with self._write() as conn:
            subscribed = conn.execute("delete from subscriptions where user = ?", [user]).rowcount > 0
            had = conn.execute("delete from homes where user = ?", [user]).rowcount > 0
        return had, subscribed

    # -- subscriptions -------------------------------------------------------------------------------
    def subscription(self, user: str) -> Subscription | None:
        with self._read() as conn:
            row = conn.execute(
                f"select s.user, s.since, s.radius_km, {', '.join('h.' + c for c in self._HOME_COLUMNS.split(', '))} "
                "from subscriptions s join homes h on h.user = s.user where s.user = ?", [user]).fetchone()
        return Subscription(row[0], row[1], row[2], Home(*row[3:])) if row else None

    def subscribe(self, user: str, radius_km: float) -> bool:
        """Start a subscription (the user must have a home place); False if there is none."""
        with self._write() as conn:
            if conn.execute("select 1 from homes where user = ?", [user]).fetchone() is None:
                return False
            conn.execute("insert into subscriptions (user, since, radius_km) values (?, ?, ?) on conflict (user) do "
                         "update set radius_km = excluded.radius_km", [user, self.now(), radius_km])
        return True

    def unsubscribe(self, user: str) -> bool:
        with self._write() as conn:
            return conn.execute("delete from subscriptions where user = ?", [user]).rowcount > 0

    def subscriptions(self) -> list[Subscription]:
        with self._read() as conn:
            rows = conn.execute(
                f"select s.user, s.since, s.radius_km, {', '.join('h.' + c for c in self._HOME_COLUMNS.split(', '))} "
                "from subscriptions s join homes h on h.user = s.user order by s.user").fetchall()
        return [Subscription(r[0], r[1], r[2], Home(*r[3:])) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
            return {"homes": q("select count(*) from homes"), "subscriptions": q("select count(*) from subscriptions"),
                    "open_reports": q("select count(*) from reports where status = 'open'"),
                    "ratings": q("select count(*) from ratings")}

    # -- forgetting ----------------------------------------------------------------------------------
    def forget(self, user: str) -> dict[str, int]:
        """Everything stored about ``user``, at once: home, subscription, the link to their reports (the
        reports stay, anonymous). Returns what was deleted."""
        with self._write() as conn:
            subscription = conn.execute("delete from subscriptions where user = ?", [user]).rowcount
            home = conn.execute("delete from homes where user = ?", [user]).rowcount
            reports = conn.execute("update reports set reporter = null where reporter = ?", [user]).rowcount
        return {"home": home, "abo": subscription, "reports": reports}

    def rows_mentioning(self, value: str) -> list[tuple[str, str]]:
        """(table, column) of every cell equal to ``value`` (tests and ``doctor``: nothing left of a user)."""
        found = []
        with self._read() as conn:
            tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
            for table in tables:
                for column in [r[1] for r in conn.execute(f'pragma table_info("{table}")')]:
                    hit = conn.execute(f'select 1 from "{table}" where cast("{column}" as text) = ? limit 1',
                                       [value]).fetchone()
                    if hit:
                        found.append((table, column))
        return found
