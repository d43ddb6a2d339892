"""Building the SQLite database from ``data/`` (and keeping operator imports across rebuilds).

The database is always built into a temporary file next to the target and moved into place in one
step, so a crash mid-build never leaves a half-built database behind. Records an operator imported
with ``netzwerkbot db import`` live in the ``imports`` table; a rebuild copies them over and applies
them on top of the bundled data, so updating ``data/`` never loses an import.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .catalog import Catalog
from .placenames import (
    ISLAND_TOWNS,
    Place,
    derive_places,
    district_core,
    read_postcodes,
    short_name,
)
from .records import seat_text, validate_records
from .textnorm import fold
from .yamlfile import load_yaml

SCHEMA_VERSION = 7  # 2: network_points, 3: award_events.unidentified, 4: network_summaries, point names, 5: seat,
# 6: networks.profile_en, 7: district regions keyed by district code (Stadt and Landkreis Leipzig apart)

# Lists stored in one text column (``network_summaries.states`` …) are joined with the ASCII unit separator:
# validation collapses whitespace in every list item and U+001F counts as whitespace, so no item contains it.
SEP = "\x1f"
SOURCE_FILES = ("networks.yaml", "awards.yaml", "states.yaml", "topics.yaml", "gazetteer/postcodes_de.tsv")


class StoreError(RuntimeError):
    """The database cannot be used or built; the message names the file and what to do.

    Defined here (and re-exported by ``bot.store``) so that :class:`BuildError` is one, too: every
    caller that reports a ``StoreError`` as one clear line also reports a failed build that way.
    """


class BuildError(StoreError):
    """The bundled data is inconsistent, or an existing database cannot be carried over."""


@dataclass
class BuildReport:
    networks: int = 0
    imported: int = 0
    postcodes: int = 0
    places: int = 0
    unplaced: list[str] = field(default_factory=list)
    placed_by: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    size_bytes: int = 0


def source_fingerprint(data_dir: Path) -> str:
    """A hash of every source file, stored in the database to tell when it is older than its sources."""
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    digest.update(str(SCHEMA_VERSION).encode())
    return digest.hexdigest()


def load_bundled_records(data_dir: Path, catalog: Catalog) -> list[dict]:
    raw = load_yaml(data_dir / "networks.yaml")
    records, problems = validate_records(enumerate(raw["networks"], start=1), catalog.vocabulary())
    if problems:
        listed = "; ".join(str(p) for p in problems[:10])
        raise BuildError(f"{data_dir / 'networks.yaml'}: {len(problems)} Fehler: {listed}")
    return records


def create_schema(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["states"].create({"code": str, "name": str, "official": str, "capital": str, "aliases": str,
                         "lat": float, "lon": float}, pk="code")
    db["districts"].create({"name": str, "core": str, "state": str, "code": str, "lat": float, "lon": float,
                            "is_city": int}, pk="code")
    db["places"].create({"id": int, "name": str, "key": str, "short_key": str, "state": str, "district": str,
                         "district_code": str, "parent": str, "lat": float, "lon": float, "size": int,
                         "postcodes": str}, pk="id")
    db["postcodes"].create({"postcode": str, "place": str, "state": str, "district": str, "district_code": str,
                            "lat": float, "lon": float, "is_main": int})
    db["networks"].create({
        "id": str, "name": str, "aliases": str, "kind": str, "status": str, "status_note": str,
        "organisation": str, "website": str, "address": str, "office_contact": str, "founded": str,
        "profile": str, "facts": str, "sources": str, "unconfirmed": str, "as_of": str,
        "states": str, "districts": str, "towns": str, "topics": str, "sectors": str,
        "lat": float, "lon": float, "placed_by": str, "origin": str,
        "seat": str, "seat_basis": str, "seat_place": str, "scope": str, "profile_en": str,
    }, pk="id")
    # One small row per network, denormalised, for list answers (Store.summaries_by_ids), ordered lists and
    # start-up (Store.name_rows): scanning ``networks`` would read every profile too. Lists are joined with
    # SEP, award years (distinct, sorted) with ","; ``names`` is [name, *aliases], ``folds`` their fold().
    db.execute("create table network_summaries (network_id text primary key, name text, states text, towns text, "
               "lat real, lon real, placed_by text, status text, award_years text, names text, folds text) "
               "without rowid")
    db["network_regions"].create({"network_id": str, "kind": str, "name": str, "key": str, "state": str},
                                 foreign_keys=[("network_id", "networks", "id")])
    db["network_topics"].create({"network_id": str, "kind": str, "name": str},
                                foreign_keys=[("network_id", "networks", "id")])
    db["network_awards"].create({"network_id": str, "year": int, "award": str, "note": str},
                                foreign_keys=[("network_id", "networks", "id")])
    # the seat and every other placed town of a network: distances are measured to its nearest place
    db["network_points"].create({"network_id": str, "lat": float, "lon": float, "name": str},
                                foreign_keys=[("network_id", "networks", "id")])
    db["award_events"].create({"year": int, "award": str, "event": str, "date": str, "place": str,
                               "presented_by": str, "winners_total": int, "unidentified": int, "applicants": int, "notes": str,
                               "hinweis": str, "sources": str, "as_of": str}, pk=("year", "award"))
    db["imports"].create({"id": str, "record": str, "imported_at": str, "source": str}, pk="id")


def create_indexes(db: sqlite_utils.Database) -> None:
    db["postcodes"].create_index(["postcode"])
    db["postcodes"].create_index(["place"])
    db["places"].create_index(["key"])
    db["places"].create_index(["short_key"])
    db["districts"].create_index(["core"])
    db["networks"].create_index(["lat", "lon"])
    db["network_regions"].create_index(["kind", "key"])
    db["network_regions"].create_index(["kind", "name"])
    db["network_regions"].create_index(["network_id"])
    db["network_topics"].create_index(["kind", "name"])
    db["network_topics"].create_index(["network_id"])
    db["network_awards"].create_index(["year"])
    db["network_awards"].create_index(["network_id"])
    db["network_points"].create_index(["network_id"])
    db["network_points"].create_index(["lat", "lon"])
    db.execute("create index network_summaries_by_name on network_summaries (name collate nocase, network_id)")
    db["networks"].enable_fts(["name", "aliases", "profile", "topics", "sectors"], tokenize="unicode61 remove_diacritics 2",
                                  create_triggers=True)


def write_gazetteer(db: sqlite_utils.Database, data_dir: Path, catalog: Catalog) -> tuple[list[Place], int]:
    rows = read_postcodes(data_dir / "gazetteer" / "postcodes_de.tsv")
    places, main_place = derive_places(rows)
    db["postcodes"].insert_all(
        ({"postcode": r.postcode, "place": r.place, "state": r.state, "district": r.district,
          "district_code": r.district_code, "lat": r.lat, "lon": r.lon,
          "is_main": int(main_place.get(r.postcode) == r.place)} for r in rows), batch_size=5000)
    db["places"].insert_all(
        ({"id": i, "name": p.name, "key": fold(p.name),
          "short_key": fold(p.name[len(p.parent) + 1:] if p.parent else short_name(p.name)),
          "state": p.state, "district": p.district, "district_code": p.district_code, "parent": p.parent,
          "lat": p.lat, "lon": p.lon, "size": p.size, "postcodes": ",".join(sorted(p.postcodes))}
         for i, p in enumerate(places, start=1)), batch_size=5000)
    by_district: dict[str, list] = {}
    for r in rows:
        by_district.setdefault(r.district_code, []).append(r)
    db["districts"].insert_all(
        {"name": rs[0].district, "core": district_core(rs[0].district), "state": rs[0].state, "code": code,
         "lat": round(sum(r.lat for r in rs) / len(rs), 4), "lon": round(sum(r.lon for r in rs) / len(rs), 4),
         "is_city": int(rs[0].district.startswith("Stadt "))}
        for code, rs in by_district.items() if code)
    by_state: dict[str, list] = {}
    for r in rows:
        by_state.setdefault(r.state, []).append(r)
    db["states"].insert_all(
        {"code": s.code, "name": s.name, "official": s.official, "capital": s.capital,
         "aliases": json.dumps(list(s.aliases), ensure_ascii=False),
         "lat": round(sum(r.lat for r in by_state[s.name]) / len(by_state[s.name]), 4),
         "lon": round(sum(r.lon for r in by_state[s.name]) / len(by_state[s.name]), 4)}
        for s in catalog.states)
    return places, len({r.postcode for r in rows})


class Placer:
    """Finds coordinates and districts for a network's towns and districts from the gazetteer."""

    def __init__(self, db: sqlite_utils.Database):
        self.places_by_key: dict[str, list[dict]] = {}
        for row in db.query("select name, key, short_key, state, district, district_code, parent, lat, lon, size from places"):
            self.places_by_key.setdefault(row["key"], []).append(row)
        self.short: dict[str, list[dict]] = {}
        for rows in self.places_by_key.values():
            for row in rows:
                if not row["parent"]:
                    self.short.setdefault(row["short_key"], []).append(row)
        self.districts = {}  # (core, state) -> the districts of that core ("Stadt Leipzig", "Landkreis Leipzig")
        for row in db.query("select * from districts"):
            self.districts.setdefault((row["core"], row["state"]), []).append(row)
        # a postcode's coordinates and municipality as the /naehe answer uses them (its main place first)
        parents = {(r["name"], r["district_code"]): r["parent"] for r in db.query(
            "select name, district_code, parent from places")}
        self.postcodes: dict[str, dict] = {}  # postcode -> its main row
        self.postcode_rows: dict[str, list[dict]] = {}  # postcode -> every row (main first)
        for row in db.query("select postcode, place, district_code, lat, lon from postcodes "
                            "order by postcode, is_main desc, place"):
            town = parents.get((row["place"], row["district_code"])) or row["place"]
            entry = dict(row, town=town)
            self.postcodes.setdefault(row["postcode"], entry)
            self.postcode_rows.setdefault(row["postcode"], []).append(entry)

    def seat(self, seat: str | dict | None, rec: dict | None = None) -> dict | None:
        """Coordinates (and, for a postcode, its municipality and district) of a record's seat.

        A postcode shared by several places stands for the one the record names - one of its towns,
        or the town after the postcode in its address ("03238 Finsterwalde", though GeoNames' main
        place of 03238 is the village Betten) - else for its main place, as /naehe does.
        """
        if seat is None:
            return None
        if isinstance(seat, dict):
            return {"lat": seat["lat"], "lon": seat["lon"], "town": None, "district_code": None}
        rows = self.postcode_rows.get(seat)
        if not rows:
            return None
        if rec is not None and len(rows) > 1:
            named = {fold(t) for t in rec.get("towns") or []} | {fold(short_name(t)) for t in rec.get("towns") or []}
            after = re.search(rf"(?<!\d){seat}\s+([^,;()]+)", rec.get("address") or "")
            if after:
                named |= {fold(after.group(1)), fold(short_name(after.group(1).strip()))}
            for row in rows:
                if fold(row["town"]) in named or fold(row["place"]) in named:
                    return row
        return rows[0]

    def district(self, name: str, states: list[str]) -> dict | None:
        """The gazetteer district a record names. Where a city and the Landkreis around it share the core
        ("Stadt Leipzig", "Landkreis Leipzig"), the name's own word decides, then its full name; a bare
        "Leipzig" is the Landkreis only if the record says Kreis/Landkreis, else the city."""
        core = district_core(name)
        folded = fold(name)
        for state in states:
            found = self.districts.get((core, state)) or []
            if len(found) > 1:
                exact = [d for d in found if fold(d["name"]) == folded]
                county = folded.startswith(("landkreis", "kreis ", "lk ", "lkr", "regionalverband"))
                found = exact or [d for d in found if bool(d["is_city"]) != county] or found
            if found:
                return found[0]
        return None

    def town(self, name: str, states: list[str], district_codes: set[str],
             near: dict | None = None) -> dict | None:
        """The gazetteer place a record's town names, among namesakes the one in the record's districts,
        else the one near its seat (``near``: "Amberg" of the Amberg-Sulzbacher Land is the city, not
        the village of that name in the Unterallgäu), else the bigger one."""
        from .store import haversine_km
        key = fold(name)
        attempts = (
            self.places_by_key.get(key),
            self.places_by_key.get(key.replace("st ", "sankt ", 1) if key.startswith("st ") else ""),
            self.short.get(key),
            self.short.get(fold(short_name(name))),
            self.places_by_key.get(fold(name.split("-")[0])),  # "Berlin-Adlershof" -> Berlin
            self.places_by_key.get(key.removeprefix("bad ")),  # "Bad Belzig" is "Belzig" in GeoNames
            self.places_by_key.get(ISLAND_TOWNS.get(key, "")),  # "Sylt": its main town
        )
        for candidates in attempts:
            candidates = [c for c in candidates or [] if c["state"] in states or not states]
            if candidates:
                def rank(c: dict) -> tuple:
                    km = haversine_km(near["lat"], near["lon"], c["lat"], c["lon"]) if near else 0.0
                    return c["district_code"] in district_codes, km <= SEAT_NEIGHBOURHOOD_KM, not c["parent"], \
                        c["size"], -km
                return max(candidates, key=rank)
        return None


NETWORK_COLUMNS = (
    "id", "name", "aliases", "kind", "status", "status_note", "organisation", "website", "address", "office_contact",
    "founded", "profile", "facts", "sources", "unconfirmed", "as_of", "states", "districts", "towns", "topics",
    "sectors", "lat", "lon", "placed_by", "origin", "seat", "seat_basis", "seat_place", "scope", "profile_en",
)
SEAT_NEIGHBOURHOOD_KM = 60.0  # a town of a network is looked for near its seat before far namesakes
SEAT_NEAR_TOWN_KM = 10.0  # a seat given as coordinates stands for the network's town nearer than this
LABELLED_BASES = (None, "address", "organisation")  # a seat there is named by its municipality in lists
_UPSERT_NETWORK = (
    f"insert into networks ({', '.join(NETWORK_COLUMNS)}) values ({', '.join('?' * len(NETWORK_COLUMNS))}) "
    f"on conflict(id) do update set {', '.join(f'{c} = excluded.{c}' for c in NETWORK_COLUMNS[1:])}"
)


_encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False) without its per-call set-up


def _dumps(value) -> str:
    return _encode(value) if value else "[]"


def write_networks(db: sqlite_utils.Database, records: list[dict], origin: dict[str, str], placer: Placer,
                   report: BuildReport) -> None:
    """Insert (or replace) networks with their regions, topics, awards and points.

    Plain ``executemany`` with fixed statements (sqlite-utils' generic ``insert_all`` spent most of an
    import building statements and converting values). An existing network keeps its row (``on conflict
    do update``, which also keeps the full-text index current through its triggers); its regions,
    topics, awards and points are replaced.
    """
    conn = db.conn
    networks, summaries, regions, topics, awards, points = [], [], [], [], [], []
    ids = [r["id"] for r in records]
    for table in ("network_regions", "network_topics", "network_awards", "network_points"):
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            conn.execute(f"delete from {table} where network_id in ({','.join('?' * len(part))})", part)
    for rec in records:
        nid, states = rec["id"], rec["states"]
        lat = lon = None
        placed_by = None
        district_codes = set()
        seat = placer.seat(rec.get("seat"), rec)
        if seat is not None:
            # the seat wins: it is the network's position (the map pin) and, for distances, one of its points
            lat, lon, placed_by = seat["lat"], seat["lon"], "seat"
        for state in states:
            regions.append((nid, "state", state, fold(state), state))
        for name in rec["districts"]:
            district = placer.district(name, states)
            if district:
                district_codes.add(district["code"])
            # keyed by the district's code: "Stadt Leipzig" and "Landkreis Leipzig" share a name but not an area
            regions.append((nid, "district", district["name"] if district else name,
                            district["code"] if district else district_core(name),
                            district["state"] if district else states[0]))
        town_points = []
        for i, town in enumerate(rec["towns"]):
            place = placer.town(town, states, district_codes, near=seat)
            regions.append((nid, "town", town, fold(place["parent"] or place["name"]) if place else fold(town),
                            place["state"] if place else states[0]))
            if place:
                if place["district_code"] not in district_codes:
                    # the town's district is part of the network's region too (for district questions)
                    regions.append((nid, "district", place["district"], place["district_code"], place["state"]))
                    district_codes.add(place["district_code"])
                town_points.append((nid, place["lat"], place["lon"], town, place))
                if lat is None:
                    lat, lon, placed_by = place["lat"], place["lon"], ("town" if i == 0 else "town2")
        if seat is not None:
            # the seat stands for the town it lies in (that town's centre is not measured as well); in
            # lists it is named by that town, by its own municipality where it is the office, else not
            within = _seat_towns(seat, town_points)
            label = within[0][3] if within else (seat["town"] if rec.get("seat_basis") in LABELLED_BASES else None)
            town_points = [p for p in town_points if not any(p is w for w in within)]
            if within and rec.get("seat_basis") == "town" and _is_the_town(within[0]):
                # a seat known only as "the town" is its centre (Ortsmitte), as the town was placed before;
                # a locality ("Berlin-Adlershof") keeps its postcode's position
                lat, lon = within[0][4]["lat"], within[0][4]["lon"]
            else:
                lat, lon = seat["lat"], seat["lon"]
            if rec.get("seat_basis") == "capital":
                placed_by = "capital"  # a stand-in: lists say "Sitz unbekannt" instead of a distance
            points.append((nid, lat, lon, label))
        points.extend(p[:4] for p in town_points)
        if lat is None and district_codes:
            first = next(d for ds in placer.districts.values() for d in ds if d["code"] in district_codes)
            lat, lon, placed_by = first["lat"], first["lon"], "district"
            points.append((nid, lat, lon, None))
        if lat is None:
            report.unplaced.append(nid)
            placed_by = "state"
        report.placed_by[placed_by] = report.placed_by.get(placed_by, 0) + 1
        for kind in ("topics", "sectors"):
            for name in rec[kind]:
                topics.append((nid, kind[:-1], name))
        for award in rec["awards"]:
            awards.append((nid, award["year"], award["award"], award.get("note")))
        names = [rec["name"], *rec["aliases"]]
        summaries.append((nid, rec["name"], SEP.join(states), SEP.join(rec["towns"]), lat, lon, placed_by,
                          rec.get("status"), ",".join(str(y) for y in sorted({int(a["year"]) for a in rec["awards"]})),
                          SEP.join(names), SEP.join(fold(n) for n in names)))
        networks.append((
            nid, rec["name"], _dumps(rec["aliases"]), rec.get("kind"), rec.get("status"), rec.get("status_note"),
            rec.get("organisation"), rec.get("website"), rec.get("address"), rec.get("office_contact"),
            None if rec.get("founded") is None else str(rec["founded"]), rec.get("profile"), _dumps(rec["facts"]),
            _dumps(rec["sources"]), _dumps(rec["unconfirmed"]), rec.get("as_of"), _dumps(states),
            _dumps(rec["districts"]), _dumps(rec["towns"]), " | ".join(rec["topics"]), " | ".join(rec["sectors"]),
            lat, lon, placed_by, origin.get(nid, "bundled"), seat_text(rec.get("seat")) or None, rec.get("seat_basis"),
            seat["town"] if seat is not None else None, rec.get("scope"), rec.get("profile_en"),
        ))
    conn.executemany(_UPSERT_NETWORK, networks)
    conn.executemany("insert or replace into network_summaries (network_id, name, states, towns, lat, lon, placed_by, "
                     "status, award_years, names, folds) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", summaries)
    conn.executemany("insert into network_regions (network_id, kind, name, key, state) values (?, ?, ?, ?, ?)",
                     regions)
    conn.executemany("insert into network_topics (network_id, kind, name) values (?, ?, ?)", topics)
    conn.executemany("insert into network_awards (network_id, year, award, note) values (?, ?, ?, ?)", awards)
    conn.executemany("insert into network_points (network_id, lat, lon, name) values (?, ?, ?, ?)", points)


def _is_the_town(point: tuple) -> bool:
    """Did the town's name find the place itself (not a part of its name, as "Berlin-Adlershof" finds Berlin)?"""
    place, key = point[4], fold(point[3])
    return key in (place["key"], place["short_key"]) or key.replace("st ", "sankt ", 1) == place["key"]


def _seat_towns(seat: dict, town_points: list[tuple]) -> list[tuple]:
    """The points of the network's towns its seat lies in (first the first of them), or none.

    A postcode lies in a town when the postcode's municipality is the town's ("Berlin-Adlershof" and
    12489 are both Berlin; so are "Berlin-Mariendorf" and "Berlin-Marienfelde"); a seat given as
    coordinates stands for the nearest town within 10 km.
    """
    from .store import haversine_km

    if seat.get("district_code"):
        return [point for point in town_points if point[4]["district_code"] == seat["district_code"]
                and fold(point[4]["parent"] or point[4]["name"]) == fold(seat["town"])]
    near = [(haversine_km(seat["lat"], seat["lon"], p[4]["lat"], p[4]["lon"]), k, p) for k, p in enumerate(town_points)]
    near = [x for x in near if x[0] <= SEAT_NEAR_TOWN_KM]
    return [min(near)[2]] if near else []


def write_award_events(db: sqlite_utils.Database, data_dir: Path) -> None:
    raw = load_yaml(data_dir / "awards.yaml")["awards"]
    db["award_events"].insert_all(
        {"year": a["year"], "award": a["award"], "event": a.get("event"), "date": a.get("date"),
         "place": a.get("place"), "presented_by": a.get("presented_by"), "winners_total": a.get("winners_total"),
         "unidentified": a.get("unidentified"),
         "applicants": a.get("applicants"), "notes": a.get("notes"), "hinweis": a.get("hinweis"),
         "sources": json.dumps(a.get("sources") or [], ensure_ascii=False), "as_of": a.get("as_of")}
        for a in raw)


def read_imports(db_path: Path) -> list[dict]:
    """Imported rows of an existing database, to carry them into a rebuild.

    A missing file or a database without an ``imports`` table has none. A file that exists but
    cannot be read raises :class:`BuildError` instead of answering "no imports": a rebuild would
    otherwise silently drop every record the operator imported. The connection is read-write on
    purpose: if an import was killed mid-transaction, opening it rolls the hot journal back first.
    """
    if not db_path.exists():
        return []
    try:
        conn = sqlite3.connect(db_path)
        try:
            return [{"id": i, "record": r, "imported_at": t, "source": s}
                    for i, r, t, s in conn.execute("select id, record, imported_at, source from imports")]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if str(exc).startswith("no such table"):
            return []
        problem = exc
    except sqlite3.DatabaseError as exc:
        problem = exc
    raise BuildError(
        f"Die vorhandene Datenbank {db_path} ist nicht lesbar ({problem}); importierte Datensätze darin gingen "
        f"beim Neubau verloren, deshalb wurde nichts verändert. Datei sichern (umbenennen) oder löschen, neu bauen "
        f"und frühere Importe mit netzwerkbot db import wiederholen.")


def build_database(data_dir: Path, db_path: Path, catalog: Catalog | None = None) -> BuildReport:
    """Build the database at ``db_path`` from ``data_dir``; keep earlier imports; replace atomically."""
    started = time.perf_counter()
    catalog = catalog or Catalog.load(data_dir)
    report = BuildReport()
    records = load_bundled_records(data_dir, catalog)
    imports = read_imports(db_path)
    tmp = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    conn = None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        db = sqlite_utils.Database(conn)
        conn.execute("pragma journal_mode = off")
        conn.execute("pragma synchronous = off")
        with conn:
            create_schema(db)
            places, report.postcodes = write_gazetteer(db, data_dir, catalog)
            report.places = len(places)
            placer = Placer(db)
            write_networks(db, records, {}, placer, report)
            if imports:
                imported = [json.loads(row["record"]) for row in imports]
                write_networks(db, imported, {r["id"]: "import" for r in imported}, placer, BuildReport())
                db["imports"].insert_all(imports)
            write_award_events(db, data_dir)
            create_indexes(db)
            db["meta"].insert_all([
                {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                {"key": "source_fingerprint", "value": source_fingerprint(data_dir)},
                {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%S")},
                {"key": "data_as_of", "value": max((r.get("as_of") or "" for r in records), default="")},
            ])
        report.networks = db["networks"].count
        report.imported = len(imports)
        conn.execute("pragma journal_mode = delete")
        conn.close()
        conn = None
        os.replace(tmp, db_path)
    except (sqlite3.OperationalError, OSError) as exc:
        # a directory nobody may write, a read-only file system, a parent that is a file, a full
        # disk: one clear line, and the old database (if any) stays as it was
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BuildError(f"Kann die Datenbank {db_path} nicht bauen ({detail}). Ist der Ort beschreibbar und Platz "
                         f"frei? Sonst NETZWERKBOT_DB auf einen beschreibbaren Ort setzen.") from None
    finally:
        if conn is not None:
            conn.close()
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    report.seconds = time.perf_counter() - started
    report.size_bytes = db_path.stat().st_size
    return report
