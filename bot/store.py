"""The SQLite store: opening it (building or refreshing it when needed) and every query the bot makes.

Queries return plain dicts and small dataclasses, never SQL rows leaking to callers, so answering
code does not need to know the schema. User text never reaches SQL except as bound parameters, and
full-text queries are built from folded word tokens only (see :meth:`Store.search_text`).
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .build import SCHEMA_VERSION, BuildError, StoreError, build_database, source_fingerprint
from .catalog import Catalog
from .textnorm import fold


@dataclass
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
    facts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    as_of: str | None = None
    districts: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    awards: list[dict] = field(default_factory=list)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


_SUMMARY_COLUMNS = """n.id, n.name, n.states, n.towns, n.lat, n.lon, n.placed_by, n.status,
    (select group_concat(distinct a.year) from network_awards a where a.network_id = n.id) as award_years"""


def _summary(row: dict) -> NetworkSummary:
    years = sorted({int(y) for y in (row["award_years"] or "").split(",") if y})
    return NetworkSummary(row["id"], row["name"], json.loads(row["states"]), json.loads(row["towns"]),
                          row["lat"], row["lon"], row["placed_by"], row["status"], years)


def _corrupt(db_path: Path, detail: str) -> StoreError:
    return StoreError(
        f"Die Datenbank {db_path} ist beschädigt oder keine netzwerkbot-Datenbank ({detail}). "
        f"Sie wurde nicht verändert. Sichern oder löschen Sie die Datei und bauen Sie sie neu: "
        f"netzwerkbot db build --force"
    )


def _open_checked(db_path: Path, integrity: bool = True) -> sqlite3.Connection:
    """Open read-write and check that the file is a sound database of our schema; raise StoreError if not.

    ``integrity``: also run SQLite's ``quick_check`` (about 20 ms for the bundled data), so a file
    whose header and ``meta`` table survived but whose other pages are damaged is refused here,
    with one clear message, instead of failing in the middle of an answer.
    """
    conn = None
    try:
        conn = sqlite3.connect(db_path, check_same_thread=False)
        version = conn.execute("select value from meta where key = 'schema_version'").fetchone()
        if integrity:
            result = conn.execute("pragma quick_check(1)").fetchone()[0]
            if result != "ok":
                conn.close()
                raise _corrupt(db_path, " ".join(str(result).split())[:160])
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
        conn = _open_checked(db_path)
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


class Store:
    """Read access to a built database (plus the in-memory tables the brain matches against)."""

    def __init__(self, db_path: Path, catalog: Catalog, checked: bool = False):
        """``checked``: :func:`ensure_database` has just verified the file, skip the second quick_check."""
        self.path = db_path
        self.catalog = catalog
        self.conn = _open_checked(db_path, integrity=not checked)
        self.conn.execute("pragma query_only = 1")
        self.db = sqlite_utils.Database(self.conn)

    @classmethod
    def open(cls, db_path: Path, data_dir: Path, catalog: Catalog | None = None, auto_build: bool = True) -> "Store":
        catalog = catalog or Catalog.load(data_dir)
        if auto_build:
            ensure_database(db_path, data_dir, catalog)
            return cls(db_path, catalog, checked=True)
        if not db_path.exists():
            raise StoreError(f"Die Datenbank {db_path} fehlt. Bauen: netzwerkbot db build")
        return cls(db_path, catalog)

    def close(self) -> None:
        self.conn.close()

    # -- meta -------------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.db.query("select key, value from meta")}

    def counts(self) -> dict:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "networks": q("select count(*) from networks"),
            "imported": q("select count(*) from networks where origin = 'import'"),
            "postcodes": q("select count(distinct postcode) from postcodes"),
            "places": q("select count(*) from places"),
            "award_events": q("select count(*) from award_events"),
            "without_coordinates": q("select count(*) from networks where lat is null"),
        }

    def counts_per_state(self) -> dict[str, int]:
        rows = self.conn.execute(
            "select name, count(distinct network_id) from network_regions where kind = 'state' group by name")
        found = dict(rows.fetchall())
        return {s.name: found.get(s.name, 0) for s in self.catalog.states}

    # -- networks ---------------------------------------------------------------------------------
    def summaries(self, where: str = "1", params: tuple | list = (), order: str = "n.name collate nocase") -> list[NetworkSummary]:
        sql = f"select {_SUMMARY_COLUMNS} from networks n where {where} order by {order}"
        return [_summary(r) for r in self.db.query(sql, params)]

    def summaries_by_ids(self, ids: list[str]) -> list[NetworkSummary]:
        """Summaries in the order of ``ids`` (unknown ids are skipped)."""
        found: dict[str, NetworkSummary] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            for s in self.summaries(f"n.id in ({','.join('?' * len(part))})", part):
                found[s.id] = s
        return [found[i] for i in ids if i in found]

    def network(self, network_id: str) -> NetworkDetail | None:
        rows = list(self.db.query(f"select {_SUMMARY_COLUMNS}, n.* from networks n where n.id = ?", [network_id]))
        if not rows:
            return None
        row = rows[0]
        base = _summary(row)
        awards = [dict(a) for a in self.db.query(
            "select year, award, note from network_awards where network_id = ? order by year, award", [network_id])]
        topics = [r["name"] for r in self.db.query(
            "select name from network_topics where network_id = ? and kind = 'topic'", [network_id])]
        sectors = [r["name"] for r in self.db.query(
            "select name from network_topics where network_id = ? and kind = 'sector'", [network_id])]
        return NetworkDetail(
            **base.__dict__, aliases=json.loads(row["aliases"]), kind=row["kind"], status_note=row["status_note"],
            organisation=row["organisation"], website=row["website"], address=row["address"],
            office_contact=row["office_contact"], founded=row["founded"], profile=row["profile"],
            facts=json.loads(row["facts"]), sources=json.loads(row["sources"]),
            unconfirmed=json.loads(row["unconfirmed"]), as_of=row["as_of"], districts=json.loads(row["districts"]),
            topics=topics, sectors=sectors, awards=awards)

    def points(self, ids: list[str]) -> dict[str, list[tuple[float, float]]]:
        """Every placed town of each network (for distances to its nearest place)."""
        found: dict[str, list[tuple[float, float]]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            for nid, lat, lon in self.conn.execute(
                    f"select network_id, lat, lon from network_points where network_id in ({','.join('?' * len(part))})",
                    part):
                found.setdefault(nid, []).append((lat, lon))
        return found

    def exists(self, network_id: str) -> bool:
        return self.conn.execute("select 1 from networks where id = ?", [network_id]).fetchone() is not None

    def name_index(self) -> list[tuple[str, str, list[str], str | None]]:
        """(id, name, aliases, status) of every network, for fuzzy matching in memory."""
        return [(r["id"], r["name"], json.loads(r["aliases"]), r["status"])
                for r in self.db.query("select id, name, aliases, status from networks")]

    # -- regions ----------------------------------------------------------------------------------
    def ids_in_region(self, kind: str, key: str, state: str | None = None) -> list[str]:
        """Networks whose region entry of ``kind`` (state/district/town) has the folded ``key``."""
        sql = "select distinct network_id from network_regions where kind = ? and key = ?"
        params: list = [kind, key]
        if state:
            sql += " and state = ?"
            params.append(state)
        return [r[0] for r in self.conn.execute(sql, params)]

    def in_state(self, state: str) -> list[NetworkSummary]:
        return self.summaries(
            "n.id in (select network_id from network_regions where kind = 'state' and name = ?)", [state])

    def with_topic(self, kind: str, name: str, state: str | None = None) -> list[NetworkSummary]:
        where = "n.id in (select network_id from network_topics where kind = ? and name = ?)"
        params: list = [kind, name]
        if state:
            where += " and n.id in (select network_id from network_regions where kind = 'state' and name = ?)"
            params.append(state)
        return self.summaries(where, params)

    def near(self, lat: float, lon: float, limit: int | None = None, max_km: float | None = None,
             exclude: set[str] | None = None) -> list[NetworkSummary]:
        """Placed networks by the distance of their nearest place (any of their towns).

        With ``max_km`` a bounding box on the ``network_points`` (lat, lon) index prunes first; without
        it the box widens step by step until ``limit`` networks are found.
        """
        radii = [max_km] if max_km else [150.0, 400.0, None]
        best: dict[str, float] = {}
        for radius in radii:
            sql, params = "select network_id, lat, lon from network_points", []
            if radius:
                dlat = radius / 111.0
                dlon = radius / (111.0 * max(0.2, math.cos(math.radians(lat))))
                sql += " where lat between ? and ? and lon between ? and ?"
                params = [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
            best = {}
            for nid, plat, plon in self.conn.execute(sql, params):
                if exclude and nid in exclude:
                    continue
                km = haversine_km(lat, lon, plat, plon)
                if (radius is None or km <= radius) and km < best.get(nid, math.inf):
                    best[nid] = km
            if max_km or limit is None or len(best) >= limit:
                break
        ranked = sorted(best, key=lambda nid: best[nid])
        if limit:
            ranked = ranked[:limit]
        result = self.summaries_by_ids(ranked)
        for summary in result:
            summary.distance_km = round(best[summary.id], 1)
        result.sort(key=lambda s: (s.distance_km, s.name))
        return result

    # -- full text --------------------------------------------------------------------------------
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
    def award_events(self, year: int | None = None) -> list[dict]:
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

    def award_years(self) -> list[int]:
        return [r[0] for r in self.conn.execute("select distinct year from award_events order by year")]

    # -- gazetteer --------------------------------------------------------------------------------
    def load_places(self) -> list[dict]:
        return [dict(r) for r in self.db.query(
            "select id, name, key, short_key, state, district, district_code, parent, lat, lon, size from places")]

    def load_districts(self) -> list[dict]:
        return [dict(r) for r in self.db.query("select * from districts")]

    def load_states(self) -> list[dict]:
        return [dict(r) for r in self.db.query("select * from states")]

    def postcode(self, postcode: str) -> dict | None:
        rows = list(self.db.query(
            "select * from postcodes where postcode = ? order by is_main desc, place limit 1", [postcode]))
        return dict(rows[0]) if rows else None

    def postcodes_of_place(self, name: str, district_code: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "select distinct postcode from postcodes where district_code = ? and (place = ? or place like ?) order by 1",
            [district_code, name, name + " %"])]
