"""The SQLite store: opening it (building or refreshing it when needed) and every query the bot makes.

Queries return plain dicts and small dataclasses, never SQL rows leaking to callers, so answering
code does not need to know the schema. User text never reaches SQL except as bound parameters, and
full-text queries are built from folded word tokens only (see :meth:`Store.search_text`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import heapq
import json
import math
import sqlite3
import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable

import sqlite_utils

from .build import (
    SCHEMA_VERSION,
    SEP,
    BuildError,
    StoreError,
    build_database,
    source_fingerprint,
)
from .catalog import Catalog
from .textnorm import fold


@dataclass(slots=True)
class NetworkSummary:
    """What a list entry needs: enough for one line and for the JSON schema's ``networks`` items."""

    id: str
    name: str
    states: list[str]
    towns: list[str]
    lat: float | None
    lon: float | None
    placed_by: str | None
    status: str | None
    award_years: list[int]
    distance_km: float | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "states": self.states, "towns": self.towns,
                "distance_km": self.distance_km, "award_years": self.award_years}


@dataclass
class NetworkDetail(NetworkSummary):
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    status_note: str | None = None
    organisation: str | None = None
    website: str | None = None
    address: str | None = None
    office_contact: str | None = None
    founded: str | None = None
    profile: str | None = None
    profile_en: str | None = None  # an English profile, where the record has one (optional)
    facts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    as_of: str | None = None
    districts: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    awards: list[dict] = field(default_factory=list)
    seat: str | None = None  # the seat's postcode, or "lat, lon"
    seat_basis: str | None = None  # how it was derived: address, organisation, town, district, capital (or None)
    seat_place: str | None = None  # the municipality of a postcode seat
    scope: str | None = None  # "state", "national", or None for a regional network


EARTH_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = EARTH_KM
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


_SUMMARY_COLUMNS = "s.network_id, s.name, s.states, s.towns, s.lat, s.lon, s.placed_by, s.status, s.award_years"
_SUMMARY_SELECT = f"select {_SUMMARY_COLUMNS} from network_summaries s"


def _split(value: str | None) -> list[str]:
    return value.split(SEP) if value else []


def _parse_row(row: tuple) -> tuple:
    """The NetworkSummary fields of a ``network_summaries`` row (no JSON, no award subquery)."""
    nid, name, states, towns, lat, lon, placed_by, status, years = row
    return (nid, name, states.split(SEP) if states else [], towns.split(SEP) if towns else [],
            lat, lon, placed_by, status, [int(y) for y in years.split(",")] if years else [])


def _summary(row: tuple) -> NetworkSummary:
    return NetworkSummary(*_parse_row(row))


def _corrupt(db_path: Path, detail: str) -> StoreError:
    return StoreError(
        f"Die Datenbank {db_path} ist beschädigt oder keine netzwerkbot-Datenbank ({detail}). "
        f"Sie wurde nicht verändert. Sichern oder löschen Sie die Datei und bauen Sie sie neu: "
        f"netzwerkbot db build --force"
    )


def _quick_check(conn: sqlite3.Connection, db_path: Path) -> None:
    result = conn.execute("pragma quick_check(1)").fetchone()[0]
    if result != "ok":
        raise _corrupt(db_path, " ".join(str(result).split())[:160])


def _probe(conn: sqlite3.Connection, db_path: Path) -> None:
    """Cheap damage detection on every open (about a millisecond whatever the size).

    Reads the first and last row of every table (so a table whose pages were overwritten, or a file
    cut short, fails here with one clear message instead of in the middle of an answer), runs one
    full-text query, and compares the page count in the header with the file size. A mismatch runs the
    full ``quick_check``. Damage inside a table is found by ``quick_check`` at ``db import`` and by
    ``integrity_check`` at ``db check``, not here (it reads every page: 0.24 s at 100k networks).
    """
    page_size = conn.execute("pragma page_size").fetchone()[0]
    page_count = conn.execute("pragma page_count").fetchone()[0]
    try:
        size = db_path.stat().st_size
    except OSError:
        size = page_size * page_count
    if size != page_size * page_count:
        _quick_check(conn, db_path)
    tables = conn.execute("select name, sql from sqlite_master where type = 'table' and sql not like 'create virtual%' "
                          "collate nocase").fetchall()
    for name, sql in tables:
        quoted = '"' + name.replace('"', '""') + '"'
        conn.execute(f"select * from {quoted} limit 1").fetchall()
        if "without rowid" not in (sql or "").lower():
            conn.execute(f"select * from {quoted} order by rowid desc limit 1").fetchall()
    if any(name == "networks_fts" for name, _ in conn.execute("select name, 1 from sqlite_master where type = 'table'")):
        conn.execute("select rowid from networks_fts where networks_fts match '\"netzwerk\"*' limit 1").fetchall()


def _open_checked(db_path: Path, integrity: bool = True, probe: bool = True) -> sqlite3.Connection:
    """Open read-write and check that the file is a sound database of our schema; raise StoreError if not.

    ``integrity``: run SQLite's ``quick_check``, which reads every page (20 ms for the bundled data,
    0.5 s at 100k networks): ``db import`` and ``db export`` do, opening the bot does not. Otherwise
    ``probe``: the cheap check of :func:`_probe` (``db check`` turns it off to report damage itself).
    """
    conn = None
    try:
        conn = sqlite3.connect(db_path, check_same_thread=False)
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()
        if integrity:
            _quick_check(conn, db_path)
        elif probe:
            _probe(conn, db_path)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise _corrupt(db_path, str(exc)) from None
    if version is None:
        conn.close()
        raise StoreError(f"Die Datenbank {db_path} hat keine Schema-Version. Neu bauen: netzwerkbot db build --force")
    return conn


def ensure_database(db_path: Path, data_dir: Path, catalog: Catalog | None = None) -> str | None:
    """Build the database when it is missing or older than its sources. Returns what was done, or None."""
    if not (data_dir / "networks.yaml").exists():
        raise StoreError(f"Keine Quelldaten in {data_dir} (networks.yaml fehlt). NETZWERKBOT_DATA_DIR prüfen.")
    reason = None
    if not db_path.exists():
        reason = "neu gebaut (Datei fehlte)"
    else:
        conn = _open_checked(db_path, integrity=False)
        try:
            meta = dict(conn.execute("select key, value from meta").fetchall())
        finally:
            conn.close()
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            reason = f"neu gebaut (Schema {meta.get('schema_version')} -> {SCHEMA_VERSION})"
        elif meta.get("source_fingerprint") != source_fingerprint(data_dir):
            reason = "neu gebaut (Quelldaten geändert)"
    if reason:
        try:
            build_database(data_dir, db_path, catalog)
        except PermissionError as exc:
            raise StoreError(f"Kann die Datenbank {db_path} nicht schreiben ({exc.strerror}). "
                             f"NETZWERKBOT_DB auf einen beschreibbaren Ort setzen.") from None
        except OSError as exc:
            raise StoreError(f"Kann die Datenbank {db_path} nicht anlegen: {exc}") from None
        except BuildError as exc:
            raise StoreError(str(exc)) from None
    return reason


@contextlib.contextmanager
def _gc_paused(freeze: bool = False):
    """No garbage collection while building big long-lived tables (100k+ tuples: the collector would
    only slow this down); ``freeze``: afterwards move everything to the permanent generation, as
    ``Brain`` does after start-up, so later full collections do not walk these tables (0.2 s each at
    100k networks, often enough to dominate the p99 of answers)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def _locked(method):
    """Run a Store method under the store's lock: the connection is shared between threads (the bot
    answers in worker threads), and the lazily built caches must be built once."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper


CHUNK = 900  # bound parameters per "in (…)" query (SQLite allows 999 on old builds)
AMONG_MEASURED = 2000  # up to this many networks ("among") are measured directly instead of through the grid
RANK_SPAN = 1e8  # more than any number of networks: the name rank fits below one 0.1 km step (exact in a float)
BULK = 200  # summaries_by_ids for more ids than this loads every summary row into memory first
GRID_DEG = 0.25  # cell size of the in-memory point grid (about 28 × 17 km in Germany)


class Store:
    """Read access to a built database (plus the in-memory tables the brain matches against).

    The file is treated as read-only while a Store is open (``Brain.reload`` opens a new Store after an
    import), so ordered id lists and the point grid are cached on the instance. Every query method
    holds ``self.lock`` (an RLock), so a Store may be used from several threads.
    """

    def __init__(self, db_path: Path, catalog: Catalog, checked: bool = False):
        """``checked``: :func:`ensure_database` has just verified the file, skip the second probe."""
        self.path = db_path
        self.catalog = catalog
        self.lock = threading.RLock()
        self.conn = _open_checked(db_path, integrity=False) if not checked else \
            sqlite3.connect(db_path, check_same_thread=False)
        self.conn.execute("pragma query_only = 1")
        self.db = sqlite_utils.Database(self.conn)
        self._id_lists: dict[tuple, list[str]] = {}
        self._name_rank: dict[str, int] = {}  # network id -> its place in the list of all, by name
        self._grid_cells: dict[tuple[int, int], list[tuple]] | None = None
        self._all_points: list[tuple] | None = None
        self._points_of: dict[str, list[tuple]] | None = None
        self._memo: dict = {}  # counts and award events, read once
        self._fields: dict[str, tuple] | None = None  # network id -> its NetworkSummary fields (see name_rows)

    @classmethod
    def open(cls, db_path: Path, data_dir: Path, catalog: Catalog | None = None, auto_build: bool = True) -> "Store":
        catalog = catalog or Catalog.load(data_dir)
        if auto_build:
            ensure_database(db_path, data_dir, catalog)
            return cls(db_path, catalog, checked=True)
        if not db_path.exists():
            raise StoreError(f"Die Datenbank {db_path} fehlt. Bauen: netzwerkbot db build")
        return cls(db_path, catalog)

    @_locked
    def close(self) -> None:
        self.conn.close()

    # -- meta -------------------------------------------------------------------------------------
    @_locked
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("select key, value from meta").fetchall())

    @_locked
    def counts(self) -> dict:
        """Totals (the start and help answers show them): counted once per Store, 28 ms at 100k."""
        if "counts" not in self._memo:
            self._memo["counts"] = self._counts()
        return dict(self._memo["counts"])

    def _counts(self) -> dict:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "networks": q("select count(*) from networks"),
            "imported": q("select count(*) from networks where origin = 'import'"),
            "postcodes": q("select count(distinct postcode) from postcodes"),
            "places": q("select count(*) from places"),
            "award_events": q("select count(*) from award_events"),
            "without_coordinates": q("select count(*) from networks where lat is null"),
        }

    @_locked
    def data_depth(self) -> dict:
        """How deep the data is (``db stats``): networks with a seat, with an office address or contact."""
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "networks": q("select count(*) from networks"),
            "with_seat": q("select count(*) from networks where seat is not null"),
            "with_address": q("select count(*) from networks where coalesce(address, '') != ''"),
            "with_contact": q("select count(*) from networks where coalesce(address, '') != '' "
                              "or coalesce(office_contact, '') != ''"),
            "seat_basis": dict(self.conn.execute(
                "select coalesce(seat_basis, '-'), count(*) from networks where seat is not null "
                "group by 1 order by 2 desc").fetchall()),
        }

    @_locked
    def counts_per_state(self) -> dict[str, int]:
        rows = self.conn.execute(
            "select name, count(distinct network_id) from network_regions where kind = 'state' group by name")
        found = dict(rows.fetchall())
        return {s.name: found.get(s.name, 0) for s in self.catalog.states}

    # -- networks ---------------------------------------------------------------------------------
    @_locked
    def summaries_by_ids(self, ids: list[str]) -> list[NetworkSummary]:
        """Summaries in the order of ``ids`` (unknown ids are skipped).

        Each call returns new objects (callers set ``distance_km``), but the lists in them (states, towns,
        award years) are parsed once and shared: do not change them. The fields of every network are in
        memory (parsed with :meth:`name_rows` at start-up, or by the first call for many ids): about 1 µs
        per network at 100k; a few ids before that come from SQLite.
        """
        if not ids:
            return []
        fields = self._fields
        if fields is None and len(ids) > BULK:
            fields = self._load_fields()
        if fields is not None:
            get = fields.get
            return [NetworkSummary(*f) for f in map(get, ids) if f is not None]
        found: dict[str, tuple] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), CHUNK):
            part = unique[start:start + CHUNK]
            for row in self.conn.execute(f"{_SUMMARY_SELECT} where s.network_id in ({','.join('?' * len(part))})",
                                         part):
                found[row[0]] = row
        return [_summary(found[i]) for i in ids if i in found]

    @_locked
    def network(self, network_id: str) -> NetworkDetail | None:
        rows = list(self.db.query("select * from networks where id = ?", [network_id]))
        summary = self.summaries_by_ids([network_id])
        if not rows or not summary:
            return None
        row, base = rows[0], summary[0]
        awards = [dict(a) for a in self.db.query(
            "select year, award, note from network_awards where network_id = ? order by year, award", [network_id])]
        topics = [r["name"] for r in self.db.query(
            "select name from network_topics where network_id = ? and kind = 'topic'", [network_id])]
        sectors = [r["name"] for r in self.db.query(
            "select name from network_topics where network_id = ? and kind = 'sector'", [network_id])]
        return NetworkDetail(
            **{f.name: getattr(base, f.name) for f in fields(NetworkSummary)}, aliases=json.loads(row["aliases"]), kind=row["kind"], status_note=row["status_note"],
            organisation=row["organisation"], website=row["website"], address=row["address"],
            office_contact=row["office_contact"], founded=row["founded"], profile=row["profile"],
            facts=json.loads(row["facts"]), sources=json.loads(row["sources"]),
            unconfirmed=json.loads(row["unconfirmed"]), as_of=row["as_of"], districts=json.loads(row["districts"]),
            topics=topics, sectors=sectors, awards=awards, seat=row["seat"], seat_basis=row["seat_basis"],
            seat_place=row["seat_place"], scope=row["scope"], profile_en=row["profile_en"])

    def _point_lists(self, ids: list[str]) -> dict[str, list[tuple[float, float, str | None]]]:
        if self._points_of is not None:
            points_of = self._points_of
            return {nid: [(p[1], p[2], p[6]) for p in points_of[nid]] for nid in ids if nid in points_of}
        found: dict[str, list[tuple[float, float, str | None]]] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), CHUNK):
            part = unique[start:start + CHUNK]
            for nid, lat, lon, town in self.conn.execute(
                    f"select network_id, lat, lon, name from network_points "
                    f"where network_id in ({','.join('?' * len(part))}) order by rowid", part):
                found.setdefault(nid, []).append((lat, lon, town))
        return found

    @_locked
    def exists(self, network_id: str) -> bool:
        return self.conn.execute("select 1 from networks where id = ?", [network_id]).fetchone() is not None

    @_locked
    def name_index(self) -> list[tuple[str, str, list[str], str | None]]:
        """(id, name, aliases, status) of every network, for fuzzy matching in memory."""
        out = []
        for nid, names, status in self.conn.execute("select network_id, names, status from network_summaries"):
            parts = names.split(SEP)
            out.append((nid, parts[0], parts[1:], status))
        return out

    @_locked
    def name_rows(self) -> list[tuple[str, list[str], list[str]]]:
        """(id, [name, *aliases], the same folded) of every network: what ``NameMatcher.from_rows`` needs,
        folded at build time so start-up does not fold 100k names again. The same scan keeps every
        network's summary fields in memory for :meth:`summaries_by_ids`."""
        rows = self.conn.execute(f"select {_SUMMARY_COLUMNS}, s.names, s.folds from network_summaries s").fetchall()
        with _gc_paused():
            self._fields = {r[0]: _parse_row(r[:9]) for r in rows}
            return [(r[0], r[9].split(SEP), r[10].split(SEP)) for r in rows]

    def _load_fields(self) -> dict[str, tuple]:
        if self._fields is None:
            with _gc_paused(freeze=True):
                self._fields = {r[0]: _parse_row(r) for r in self.conn.execute(_SUMMARY_SELECT)}
        return self._fields

    # -- ordered id lists (cached: the file does not change while a Store is open) ------------------
    def _ordered_ids(self) -> list[str]:
        """Every network id, ordered by name (case-insensitive), then id: the order of every list."""
        ids = self._id_lists.get(("all",))
        if ids is None:
            ids = self._id_lists[("all",)] = [r[0] for r in self.conn.execute(
                "select network_id from network_summaries order by name collate nocase, network_id")]
            self._name_rank = {nid: rank for rank, nid in enumerate(ids)}
        return ids

    def _cached_ids(self, key: tuple, sql: str, params: list) -> list[str]:
        """The networks ``sql`` selects, in the order of :meth:`_ordered_ids`: the selection is a plain
        index lookup, ordered by each network's place in the one sorted list (sorting each selection by
        name in SQL took ~30-60 ms per state or topic at 100k, ~3 ms this way)."""
        ids = self._id_lists.get(key)
        if ids is None:
            self._ordered_ids()
            chosen = {r[0] for r in self.conn.execute(sql, params)}
            if not chosen <= self._name_rank.keys():
                # the file changed under this Store (an import before /reload): order by the new list of all;
                # lists built before keep what they showed until the reload replaces this Store
                self._id_lists.pop(("all",), None)
                self._ordered_ids()
            rank = self._name_rank
            ids = self._id_lists[key] = sorted(chosen, key=lambda nid: rank.get(nid, len(rank)))
        return list(ids)

    @_locked
    def all_ids(self) -> list[str]:
        """Every network id, ordered by name (case-insensitive), then id."""
        return list(self._ordered_ids())

    @_locked
    def ids_in_state(self, state: str) -> list[str]:
        """Ids of the networks working in ``state`` (canonical name), ordered by name, then id."""
        return self._cached_ids(("state", state), "select network_id from network_regions "
                                                  "where kind = 'state' and name = ?", [state])

    @_locked
    def ids_with_topic(self, kind: str, name: str, state: str | None = None) -> list[str]:
        """Ids of the networks with topic/sector ``name`` (optionally in ``state``), ordered by name, then id."""
        everywhere = self._cached_ids(("topic", kind, name, None), "select network_id from network_topics "
                                                                   "where kind = ? and name = ?", [kind, name])
        if not state:
            return everywhere
        # the state's part of the topic's list, kept in the list's order; filtering in memory instead of a
        # query per topic and state
        key = ("topic", kind, name, state)
        ids = self._id_lists.get(key)
        if ids is None:
            in_state = set(self.ids_in_state(state))
            ids = self._id_lists[key] = [i for i in everywhere if i in in_state]
        return list(ids)

    def _cached_set(self, key: tuple, sql: str) -> frozenset[str]:
        found = self._id_lists.get(key)
        if found is None:
            found = self._id_lists[key] = frozenset(r[0] for r in self.conn.execute(sql))
        return found

    @_locked
    def ended_ids(self) -> frozenset[str]:
        """Networks that ended or dissolved (ranked last in lists, left out when active ones are asked)."""
        return self._cached_set(("ended",), "select network_id from network_summaries "
                                            "where status in ('ended', 'dissolved')")

    @_locked
    def sector_ids(self) -> frozenset[str]:
        """Networks of a sector (Logistik, Glas, …): not "general" networks of their place."""
        return self._cached_set(("sectors",), "select distinct network_id from network_topics where kind = 'sector'")

    # -- regions ----------------------------------------------------------------------------------
    @_locked
    def ids_in_region(self, kind: str, key: str, state: str | None = None) -> list[str]:
        """Networks whose region entry of ``kind`` (state/district/town) has the folded ``key``."""
        sql = "select distinct network_id from network_regions where kind = ? and key = ?"
        params: list = [kind, key]
        if state:
            sql += " and state = ?"
            params.append(state)
        return [r[0] for r in self.conn.execute(sql, params)]

    # -- distances --------------------------------------------------------------------------------
    def warm_up_steps(self) -> list[Callable[[], object]]:
        """What the first question of a kind would build, in small steps: the point grid first (~0.3-0.6 s
        at 100k; every place question needs it), then the sets of ended and sector networks (~90 ms at
        100k) and the ordered list of every state and topic (~10-20 ms each). Each step takes the lock on
        its own, so questions are answered in between; ``Brain.warm_up`` runs the later ones when no
        question is waiting."""
        def points() -> None:
            with self.lock:
                self._load_points()

        steps: list[Callable[[], object]] = [points, self.ended_ids, self.sector_ids]
        steps += [functools.partial(self.ids_in_state, state) for state in self.state_names()]
        steps += [functools.partial(self.ids_with_topic, kind, name) for kind, name in self.topic_names()]
        return steps

    def _load_points(self) -> None:
        """Every network point in memory, in a grid of GRID_DEG cells (built on first use: ~0.2 s at 100k).

        A point is (network id, lat, lon, x, y, z, town name or None, rank of the network's name) with
        (x, y, z) the point on the unit sphere: the straight-line (chord) distance between two such points grows with
        the great-circle distance, so comparing chords finds the nearest point without trigonometry.
        """
        if self._grid_cells is not None:
            return
        with _gc_paused(freeze=True):
            self._load_points_now()

    def _load_points_now(self) -> None:
        cells: dict[tuple[int, int], list[tuple]] = {}
        points_of: dict[str, list[tuple]] = {}
        everything = []
        radians, cos, sin, floor = math.radians, math.cos, math.sin, math.floor
        rows = self.conn.execute(
            "select p.network_id, p.lat, p.lon, p.name, s.name from network_points p "
            "join network_summaries s on s.network_id = p.network_id "
            "where p.lat is not null and p.lon is not null order by p.rowid").fetchall()
        # the networks' order by name, then id, as one integer (sorting thousands of results by it is cheap)
        rank = {nid: k for k, (_name, nid) in enumerate(sorted({(r[4], r[0]) for r in rows}))}
        for nid, lat, lon, town, _name in rows:
            phi, lam = radians(lat), radians(lon)
            point = (nid, lat, lon, cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi), town, rank[nid])
            everything.append(point)
            points_of.setdefault(nid, []).append(point)
            cells.setdefault((floor(lat / GRID_DEG), floor(lon / GRID_DEG)), []).append(point)
        self._all_points, self._points_of, self._grid_cells = everything, points_of, cells

    def _cells_near(self, lat: float, lon: float, radius: float | None) -> list[tuple[float, float, list[tuple]]]:
        """(lower bound km, upper bound km, points) of every grid cell that may hold a point within
        ``radius`` (every cell without one), nearest first.

        The bounds are the distances to the cell's nearest and farthest corner (clamped point) with a
        margin for the great circle bending poleward (under 0.01 km at 100 km, ~3 km at 900 km).
        """
        out = []
        G = GRID_DEG
        cells = self._grid_cells
        if radius is not None:
            # the cells of a generous bounding box (the longitude span at the box's polar edge)
            dlat = radius / 110.0 + G
            dlon = radius / (110.0 * math.cos(math.radians(min(89.0, abs(lat) + dlat)))) + G
            keys = [(cy, cx) for cy in range(math.floor((lat - dlat) / G), math.floor((lat + dlat) / G) + 1)
                    for cx in range(math.floor((lon - dlon) / G), math.floor((lon + dlon) / G) + 1)
                    if (cy, cx) in cells]
        else:
            keys = list(cells)
        for cy, cx in keys:
            points = cells[(cy, cx)]
            lat_lo, lon_lo = cy * G, cx * G
            near_lat = min(max(lat, lat_lo), lat_lo + G)
            near_lon = min(max(lon, lon_lo), lon_lo + G)
            lower = haversine_km(lat, lon, near_lat, near_lon)
            lower = max(0.0, lower * 0.99 - 1.0)
            if radius is not None and lower > radius:
                continue
            far_lat = lat_lo if abs(lat - lat_lo) > abs(lat - lat_lo - G) else lat_lo + G
            far_lon = lon_lo if abs(lon - lon_lo) > abs(lon - lon_lo - G) else lon_lo + G
            upper = haversine_km(lat, lon, far_lat, far_lon) * 1.01 + 1.0
            out.append((lower, upper, points))
        out.sort(key=lambda c: c[0])
        return out

    @staticmethod
    def _unit(lat: float, lon: float) -> tuple[float, float, float]:
        phi, lam = math.radians(lat), math.radians(lon)
        return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)

    @staticmethod
    def _chord2(radius: float | None) -> float:
        """The squared chord of ``radius`` km, a hair generous (the exact test in km follows)."""
        if radius is None:
            return math.inf
        chord = 2 * math.sin(min(math.pi / 2, radius / (2 * EARTH_KM)))
        return chord * chord * (1 + 1e-9)

    @staticmethod
    def _scan(points, x0: float, y0: float, z0: float, within: float, best: dict) -> list[str]:
        """Fold ``points`` into ``best``: network id -> (squared chord, point) of its nearest point.
        Returns the ids that were not in ``best`` before."""
        get = best.get
        added = []
        for point in points:
            dx, dy, dz = point[3] - x0, point[4] - y0, point[5] - z0
            d = dx * dx + dy * dy + dz * dz
            if d <= within:
                old = get(point[0])
                if old is None:
                    added.append(point[0])
                    best[point[0]] = (d, point)
                elif d < old[0]:
                    best[point[0]] = (d, point)
        return added

    @staticmethod
    def _km(lat: float, lon: float, d: float, point: tuple, limit: float) -> float:
        """Kilometres from the squared chord (one asin instead of a haversine per point); where that could
        round differently from haversine_km (within 1e-6 km of a 0.05 km step or of ``limit``),
        haversine_km decides, so the figures are the same as everywhere else."""
        km = 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(d) / 2))
        tenths = km * 10
        if abs(tenths - math.floor(tenths) - 0.5) < 1e-5 or abs(km - limit) < 1e-6:
            km = haversine_km(lat, lon, point[1], point[2])
        return km

    def _best_points(self, lat: float, lon: float, radius: float | None, exclude: set[str] | None,
                     limit: int | None = None, among: set[str] | None = None) -> dict[str, tuple[float, tuple]]:
        """network id -> (km to its nearest point, that point) for the networks with a point within
        ``radius`` km (any radius: ``None``), leaving out ``exclude`` and, with ``among``, every network
        not in it. With ``limit``, at least the ``limit`` nearest of them (and every network as near as
        the last of those); cells are scanned nearest first and the scan stops when no unscanned cell can
        hold a nearer point.
        """
        x0, y0, z0 = self._unit(lat, lon)
        within = self._chord2(radius)
        wanted = self._wanted(exclude, among)
        best: dict[str, tuple[float, tuple]] = {}
        if among is not None and len(among) <= AMONG_MEASURED:
            # a few networks (a small topic): measure their points, not every point of the grid around
            for nid in among:
                if wanted(nid):
                    self._scan(self._points_of.get(nid, ()), x0, y0, z0, within, best)
        else:
            cells = self._cells_near(lat, lon, radius)
            counted = 0  # wanted networks in best (new keys are counted as the cells add them)
            for k, (_lower, _upper, points) in enumerate(cells):
                added = self._scan(points, x0, y0, z0, within, best)
                counted += sum(1 for nid in added if wanted(nid)) if exclude or among is not None else len(added)
                if limit and k + 1 < len(cells) and counted >= limit:
                    found = [d for nid, (d, _point) in best.items() if wanted(nid)]
                    # the limit-th nearest so far; 0.15 km more so nothing unscanned can tie it when rounded
                    kth = heapq.nsmallest(limit, found)[-1]
                    kth_km = 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(kth) / 2))
                    if cells[k + 1][0] > kth_km + 0.15:
                        break
        limit_km = math.inf if radius is None else radius
        out = {}
        for nid, (d, point) in best.items():
            if wanted(nid):
                km = self._km(lat, lon, d, point, limit_km)
                if km <= limit_km:
                    out[nid] = (km, point)
        return out

    @staticmethod
    def _wanted(exclude: set[str] | None, among: set[str] | None) -> Callable[[str], bool]:
        if among is not None:
            return (lambda nid: nid in among and nid not in exclude) if exclude else among.__contains__
        return (lambda nid: nid not in exclude) if exclude else (lambda nid: True)

    @_locked
    def count_near(self, lat: float, lon: float, max_km: float, exclude: set[str] | None = None,
                   among: set[str] | None = None) -> int:
        """``len(nearest(lat, lon, max_km, exclude=exclude, among=among))`` without measuring and ranking
        every network: grid cells wholly within ``max_km`` are counted by the networks in them, and only
        the points of the cells on the radius's edge are measured. A list's title and page count need
        the total while its page needs only the first few: at 100k networks 17,000 lie within 100 km of
        Mainz (all of them ranked: ~50 ms; counted: a few ms).
        """
        counted = self.near_ids(lat, lon, max_km, among)
        return len(counted) - sum(1 for nid in exclude or () if nid in counted)

    @_locked
    def near_ids(self, lat: float, lon: float, max_km: float, among: set[str] | None = None) -> set[str]:
        """The ids within ``max_km`` (only those ``among``), unranked: what ``count_near`` counts."""
        self._load_points()
        x0, y0, z0 = self._unit(lat, lon)
        surely = self._chord2(max_km - 0.001) / (1 + 1e-8)  # nearer than this: within, whatever the rounding
        within = self._chord2(max_km)
        counted: set[str] = set()
        doubtful: list[tuple] = []
        for _lower, upper, points in self._cells_near(lat, lon, max_km):
            if upper <= max_km:  # the cell's farthest corner (with margin) is within: every point counts
                counted.update([point[0] for point in points])
                continue
            for point in points:
                dx, dy, dz = point[3] - x0, point[4] - y0, point[5] - z0
                d = dx * dx + dy * dy + dz * dz
                if d <= surely:
                    counted.add(point[0])
                elif d <= within:
                    doubtful.append((d, point))
        for d, point in doubtful:  # within a metre of the radius: decided exactly as nearest() decides
            if point[0] not in counted and self._km(lat, lon, d, point, max_km) <= max_km:
                counted.add(point[0])
        if among is not None:
            counted &= among
        return counted

    @_locked
    def nearest(self, lat: float, lon: float, max_km: float | None = None, limit: int | None = None,
                exclude: set[str] | None = None, among: set[str] | None = None) -> list[tuple[str, float, str | None]]:
        """(network id, km to its nearest place rounded to 0.1, that place's town or None), nearest first.

        Placed networks by the distance of their nearest place (any of their towns; a network placed by
        its district has the district's centre, without a town name). Ties by network name, then id.
        With ``max_km`` only networks within it; ``limit``: only the first ``limit`` (without ``max_km``
        the nearest ones however far, as the old 150 km / 400 km / everything widening did); ``exclude``:
        not these; ``among``: only these (a topic's networks). The first ``limit`` are exactly the head of
        the list without ``limit``, so a page can be had without the whole list. No summaries
        are built. The points live in memory, in a grid (loaded on first use: ~0.3 s at 100k networks),
        and with ``limit`` only the cells near enough are scanned: a page of the nearest costs a few ms
        even where 17,000 networks are within 100 km (all of them: ~50 ms at 100k).
        """
        self._load_points()
        best = self._best_points(lat, lon, max_km, exclude, limit, among)
        # by km (rounded, as shown), then name and id: one number per network, a plain sort
        found: list[tuple[str, float, str | None]] = []
        keys: list[float] = []
        for nid, (km, point) in best.items():
            tenths = round(km, 1)
            found.append((nid, tenths, point[6]))
            keys.append(tenths * RANK_SPAN + point[7])
        order = sorted(range(len(found)), key=keys.__getitem__)
        if limit:
            order = order[:limit]
        return [found[k] for k in order]

    @_locked
    def distances(self, ids: list[str], lat: float, lon: float) -> dict[str, tuple[float, str | None]]:
        """Per id: (km to its nearest place rounded to 0.1, that place's town or None); ids without places
        are left out."""
        out = {}
        for nid, spots in self._point_lists(ids).items():
            km, town = min(((haversine_km(lat, lon, plat, plon), t) for plat, plon, t in spots),
                           key=lambda kt: kt[0])
            out[nid] = (round(km, 1), town)
        return out

    # -- full text --------------------------------------------------------------------------------
    @_locked
    def search_text(self, words: list[str], limit: int = 50, columns: tuple[str, ...] = ()) -> list[str]:
        """Ids matching all ``words`` (prefix match) in the FTS index, optionally only in ``columns``.

        User text never reaches FTS5 syntax: each word is folded to [a-z0-9] and quoted. The index strips
        diacritics ("ä" -> "a") while people type "ae", so each word is tried in both spellings.
        """
        terms = []
        for word in words[:8]:
            folded = fold(word).replace(" ", "")
            if not folded:
                continue
            plain = folded.replace("ae", "a").replace("oe", "o").replace("ue", "u")
            variants = dict.fromkeys([folded, plain])
            terms.append("(" + " OR ".join(f'"{v}"*' for v in variants) + ")")
        if not terms:
            return []
        match = " AND ".join(terms)
        if columns:
            match = "{" + " ".join(columns) + "} : (" + match + ")"
        rows = self.conn.execute(
            "select n.id from networks_fts f join networks n on n.rowid = f.rowid "
            "where networks_fts match ? order by rank limit ?", [match, limit])
        return [r[0] for r in rows]

    # -- awards -----------------------------------------------------------------------------------
    @_locked
    def award_events(self, year: int | None = None) -> list[dict]:
        """Award events (of ``year``) with their known winners, by name; read once per Store and year."""
        key = ("award_events", year)
        if key not in self._memo:
            self._memo[key] = self._award_events(year)
        return [dict(e, sources=list(e["sources"]), winner_ids=list(e["winner_ids"])) for e in self._memo[key]]

    def _award_events(self, year: int | None) -> list[dict]:
        sql, params = "select * from award_events", []
        if year is not None:
            sql += " where year = ?"
            params.append(year)
        events = [dict(r) for r in self.db.query(sql + " order by year, award", params)]
        for e in events:
            e["sources"] = json.loads(e["sources"] or "[]")
            e["winner_ids"] = [r[0] for r in self.conn.execute(
                "select a.network_id from network_awards a join networks n on n.id = a.network_id "
                "where a.year = ? and a.award = ? order by n.name collate nocase", [e["year"], e["award"]])]
        return events

    @_locked
    def award_pairs(self) -> set[tuple[str, int, str]]:
        """Every award of every network as (network id, year, award): what is new after a reload."""
        return {(nid, int(year), award) for nid, year, award in
                self.conn.execute("select network_id, year, award from network_awards")}

    @_locked
    def award_years(self) -> list[int]:
        return [r[0] for r in self.conn.execute("select distinct year from award_events order by year")]

    # -- gazetteer --------------------------------------------------------------------------------
    @_locked
    def load_places(self) -> list[dict]:
        columns = ("id", "name", "key", "short_key", "state", "district", "district_code", "parent", "lat", "lon", "size")
        # plain tuples zipped once: sqlite-utils' dict rows took a third of the gazetteer's start-up
        return [dict(zip(columns, row)) for row in self.conn.execute(f"select {', '.join(columns)} from places")]

    @_locked
    def load_districts(self) -> list[dict]:
        return [dict(r) for r in self.db.query("select * from districts")]

    @_locked
    def state_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("select name from states order by name")]

    @_locked
    def topic_names(self) -> list[tuple[str, str]]:
        """(kind, name) of every topic and sector some network has."""
        return [(r[0], r[1]) for r in self.conn.execute("select distinct kind, name from network_topics order by 1, 2")]

    @_locked
    def load_states(self) -> list[dict]:
        return [dict(r) for r in self.db.query("select * from states")]

    @_locked
    def postcode(self, postcode: str) -> dict | None:
        rows = list(self.db.query(
            "select * from postcodes where postcode = ? order by is_main desc, place limit 1", [postcode]))
        return dict(rows[0]) if rows else None
