"""``netzwerkbot db import`` and ``db export``: operator data in and out, all or nothing.

An import validates every row first and reports every problem with its row number. Only a file
without problems is written, in one SQLite transaction: networks are upserted by id and the
validated records are kept in the ``imports`` table so a later rebuild from ``data/`` re-applies
them. A crash or kill at any point leaves the database exactly as it was (SQLite rolls back an
unfinished transaction when the file is next opened).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
import yaml

from .build import BuildReport, Placer, _encode, write_networks
from .catalog import Catalog
from .records import (
    ALL_FIELDS,
    RowProblem,
    parse_seat,
    read_rows,
    to_flat_row,
    validate_records,
)
from .store import _open_checked


@dataclass
class ImportResult:
    rows: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


# A hook for tests: called between batches inside the transaction (e.g. to simulate a crash).
_between_batches = None
BATCH = 500


def import_file(db_path: Path, path: Path, catalog: Catalog, fmt: str | None = None, dry_run: bool = False) -> ImportResult:
    rows = read_rows(path, fmt)
    records, problems = validate_records(rows, catalog.vocabulary())
    result = ImportResult(rows=len(rows), problems=problems, dry_run=dry_run)
    conn = _open_checked(db_path)
    try:
        existing = {r[0] for r in conn.execute("select id from networks")}
        result.added = [r["id"] for r in records if r["id"] not in existing]
        result.updated = [r["id"] for r in records if r["id"] in existing]
        if problems or dry_run or not records:
            return result
        db = sqlite_utils.Database(conn)
        placer = Placer(db)
        now = dt.datetime.now().isoformat(timespec="seconds")
        with db.atomic():  # one transaction: every row or none
            for start in range(0, len(records), BATCH):
                batch = records[start:start + BATCH]
                for rec in batch:
                    rec["as_of"] = rec.get("as_of") or now[:10]
                write_networks(db, batch, {r["id"]: "import" for r in batch}, placer, BuildReport())
                conn.executemany(
                    "insert into imports (id, record, imported_at, source) values (?, ?, ?, ?) on conflict(id) do "
                    "update set record = excluded.record, imported_at = excluded.imported_at, source = excluded.source",
                    [(r["id"], _encode(r), now, path.name) for r in batch])
                if _between_batches:
                    _between_batches(start)
    except sqlite3.DatabaseError as exc:  # locked, read-only, disk full, damaged: nothing was committed
        raise OSError(f"Import in {db_path} fehlgeschlagen, nichts geändert: {exc}") from None
    finally:
        conn.close()
    return result


def export_records(db_path: Path, fmt: str) -> str:
    """All networks as CSV, JSON or YAML in the import format (so an export can be re-imported)."""
    conn = _open_checked(db_path)
    conn.row_factory = sqlite3.Row
    try:
        records = []
        for row in conn.execute("select * from networks order by id"):
            rec = {
                "id": row["id"], "name": row["name"], "aliases": json.loads(row["aliases"]), "kind": row["kind"],
                "status": row["status"], "status_note": row["status_note"], "states": json.loads(row["states"]),
                "districts": json.loads(row["districts"]), "towns": json.loads(row["towns"]),
                "organisation": row["organisation"], "website": row["website"], "address": row["address"],
                "office_contact": row["office_contact"],
                "founded": int(row["founded"]) if row["founded"] and row["founded"].isdigit() else row["founded"],
                "topics": [t for t in (row["topics"] or "").split(" | ") if t],
                "sectors": [t for t in (row["sectors"] or "").split(" | ") if t],
                "profile": row["profile"], "facts": json.loads(row["facts"]),
                "awards": [{k: v for k, v in dict(a).items() if v is not None} for a in conn.execute(
                    "select year, award, note from network_awards where network_id = ? order by year", [row["id"]])],
                "sources": json.loads(row["sources"]), "unconfirmed": json.loads(row["unconfirmed"]),
                "as_of": row["as_of"], "seat": parse_seat(row["seat"])[0], "seat_basis": row["seat_basis"],
                "scope": row["scope"], "profile_en": row["profile_en"],
            }
            records.append({k: v for k, v in rec.items() if v is not None})
    finally:
        conn.close()
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump({"networks": records}, allow_unicode=True, sort_keys=False, width=110)
    if fmt == "csv":
        out = io.StringIO()
        # RFC 4180 line ends: a "\r" inside a profile is then quoted like "\n" (with "\n" alone it was not,
        # and the file broke at that row on import)
        writer = csv.DictWriter(out, fieldnames=list(ALL_FIELDS), lineterminator="\r\n")
        writer.writeheader()
        for rec in records:
            writer.writerow(to_flat_row(rec))
        return out.getvalue()
    raise ValueError(f"unbekanntes Format {fmt!r}")


TOWN_FAR_FROM_SEAT_KM = 150.0


def _towns_far_from_their_seat(conn: sqlite3.Connection) -> list[tuple[str, str, float]]:
    """Towns of a regional network placed far from its seat: usually a namesake elsewhere in the state
    was taken for the town meant ("Amberg" in the Unterallgäu for the Amberg-Sulzbacher Land), which
    would list the network as nearby where it is not. Networks for a whole state are left out."""
    from .store import haversine_km
    rows = conn.execute(
        "select n.id, p.name, n.lat, n.lon, p.lat, p.lon from networks n join network_points p "
        "on p.network_id = n.id where n.placed_by = 'seat' and p.name is not null "
        "and coalesce(n.scope, '') not in ('state', 'national') order by n.id, p.name")
    far = [(nid, town, haversine_km(lat, lon, plat, plon)) for nid, town, lat, lon, plat, plon in rows]
    return [row for row in far if row[2] > TOWN_FAR_FROM_SEAT_KM]


def check_database(db_path: Path) -> list[str]:
    """Consistency problems: damage, duplicates, networks without seat or coordinates, towns far from their
    network's seat, unknown states, dangling awards, award events with more named winners than awards."""
    conn = _open_checked(db_path, integrity=False, probe=False)  # a damaged file is reported below, not refused
    problems = []
    try:
        integrity = conn.execute("pragma integrity_check").fetchone()[0]
        if integrity != "ok":
            return [f"SQLite integrity_check: {' '.join(str(integrity).split())[:300]} – Datei sichern und "
                    f"neu bauen: netzwerkbot db build --force"]
        for name, ids in conn.execute(
                "select lower(name), group_concat(id, ', ') from networks group by lower(name) having count(*) > 1"):
            problems.append(f"Doppelter Name {name!r}: {ids}")
        for (nid,) in conn.execute("select id from networks where lat is null order by id"):
            problems.append(f"Ohne Koordinaten (nur Bundesland bekannt): {nid}")
        for nid, placed_by in conn.execute("select id, placed_by from networks where seat is null order by id"):
            how = {"town": "Ortsmitte des ersten Orts", "town2": "Ortsmitte eines weiteren Orts",
                   "district": "Kreismitte"}.get(placed_by, "keine Entfernung möglich")
            problems.append(f"Ohne Sitz (seat; Entfernungen behelfsweise: {how}): {nid}")
        for nid, town, km in _towns_far_from_their_seat(conn):
            problems.append(f"Ort {town!r} liegt {km:.0f} km vom Sitz entfernt: {nid} – ein gleichnamiger Ort "
                            f"anderswo? Kreis ergänzen (districts)")
        for nid, state in conn.execute(
                "select network_id, name from network_regions where kind = 'state' "
                "and name not in (select name from states)"):
            problems.append(f"Unbekanntes Bundesland {state!r} bei {nid}")
        for nid, year, award in conn.execute(
                "select network_id, year, award from network_awards a where not exists "
                "(select 1 from award_events e where e.year = a.year and e.award = a.award)"):
            problems.append(f"Preis ohne Ereignis: {nid} {year} {award!r}")
        for (nid,) in conn.execute(
                "select network_id from network_awards where network_id not in (select id from networks)"):
            problems.append(f"Preis verweist auf unbekanntes Netzwerk: {nid}")
        for year, award, total, unknown, named in conn.execute(
                "select e.year, e.award, e.winners_total, e.unidentified, (select count(distinct a.network_id) "
                "from network_awards a where a.year = e.year and a.award = e.award) from award_events e "
                "where e.winners_total is not null and e.unidentified is not null order by e.year"):
            if unknown < 0 or unknown > total or (named == 0 and unknown < total):
                problems.append(f"Preisjahr {year} {award!r}: {total} Preise, {unknown} ohne Namen, aber "
                                f"{named} Preisträger verknüpft")
            elif named < total - unknown:
                problems.append(f"Preisjahr {year} {award!r}: {total - unknown} Preisträger benannt, aber nur "
                                f"{named} verknüpft")
    except sqlite3.DatabaseError as exc:
        problems.append(f"SQLite: {exc} – Datei sichern und neu bauen: netzwerkbot db build --force")
    finally:
        conn.close()
    return problems
