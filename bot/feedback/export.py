"""Accepted reports as an import file: ``netzwerkbot reports export --format yaml``.

Each accepted report becomes a record in the fields of ``data/networks.yaml`` that the operator edits and
then imports with ``netzwerkbot db import`` (and a running bot picks up with ``/reload``):

* a report about a known network gives that network's current record (as ``db export`` writes it), with
  the report's source added to ``sources`` – the operator makes the correction the report describes;
* a report of a missing network gives a new record: an id made from the proposed name, the name, the
  state and town or district the reporter named, the source, today as ``as_of``.

In YAML every record is preceded by comments quoting the report(s) it comes from (user text on comment
lines only, one line each: it can never become data unless the operator copies it). Every record is
validated as an import would validate it; what is still missing (e.g. a state nobody named) is listed,
so the operator knows what to fill in before ``db import``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import yaml

from ..catalog import Catalog
from ..importer import export_records
from ..records import ALL_FIELDS, ID_PATTERN, to_flat_row, validate_record
from ..textnorm import fold
from .userdb import Report, UserDB


def _slug(name: str, taken: set[str]) -> str:
    base = "-".join(fold(name).split())[:56].strip("-") or "netzwerk"
    slug, n = base, 2
    while slug in taken or not ID_PATTERN.match(slug):
        slug = f"{base[:53]}-{n}"
        n += 1
    taken.add(slug)
    return slug


def _new_record(report: Report, taken: set[str], today: str) -> dict:
    record: dict = {"id": _slug(report.network_name, taken), "name": report.network_name, "kind": "network",
                    "status": "active", "states": [report.place_state] if report.place_state else []}
    if report.place_kind in ("town", "postcode") and report.place_name:
        record["towns"] = [re.sub(r"^\d{5}\s+", "", report.place_name)]
    elif report.place_kind == "district" and report.place_name:
        record["districts"] = [report.place_name]
    if report.source_url:
        record["sources"] = [report.source_url]
    record["as_of"] = today
    return record


def _comment_lines(report: Report) -> list[str]:
    """The report as YAML comment lines (whitespace, incl. Unicode line breaks, collapsed: one line each)."""
    def one_line(text: str) -> str:
        return " ".join(str(text).split())

    about = f"zu {report.network_id}" if report.network_id else f"neues Netzwerk „{one_line(report.network_name)}“"
    lines = [f"# Meldung #{report.id} vom {report.created_at[:10]} {about}:", f"#   {one_line(report.body)}"]
    if report.place_name:
        lines.append(f"#   Ort: {one_line(report.place_name)}" + (f" ({report.place_state})" if report.place_state else ""))
    if report.source_url:
        lines.append(f"#   Quelle: {one_line(report.source_url)}")
    return lines


def export_reports(users_db: Path, network_db: Path, data_dir: Path, fmt: str = "yaml",
                   status: str = "accepted") -> tuple[str, list[str], list[int]]:
    """(the import file's text, what the operator still has to fill in, the report ids in it)."""
    db = UserDB(users_db)
    try:
        reports = db.reports(status)
    finally:
        db.close()
    existing = {r["id"]: r for r in json.loads(export_records(network_db, "json"))} if reports else {}
    vocab = Catalog.load(data_dir).vocabulary()
    taken = set(existing)
    today = dt.date.today().isoformat()
    records: list[tuple[dict, list[Report]]] = []
    by_network: dict[str, int] = {}
    problems: list[str] = []
    for report in reports:
        if report.network_id and report.network_id in existing:
            if report.network_id in by_network:
                records[by_network[report.network_id]][1].append(report)
                continue
            record = dict(existing[report.network_id])
            by_network[report.network_id] = len(records)
            records.append((record, [report]))
        else:
            if report.network_id:
                problems.append(f"Meldung #{report.id}: Netzwerk {report.network_id} gibt es nicht mehr – als neues "
                                f"Netzwerk exportiert.")
            records.append((_new_record(report, taken, today), [report]))
    for record, sources in records:
        for report in sources:
            if report.source_url and report.source_url not in record.setdefault("sources", []):
                record["sources"].append(report.source_url)
        _rec, found = validate_record(record, 1, vocab)
        for problem in found:
            problems.append(f"Meldung #{', #'.join(str(r.id) for r in sources)} ({record['id']}): {problem.field}: "
                            f"{problem.message} – bitte ergänzen")
    ids = [r.id for _record, group in records for r in group]
    return _render(records, fmt), problems, ids


def _render(records: list[tuple[dict, list[Report]]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r for r, _ in records], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(ALL_FIELDS), lineterminator="\n")
        writer.writeheader()
        for record, _reports in records:
            writer.writerow(to_flat_row(record))
        return out.getvalue()
    if fmt != "yaml":
        raise ValueError(f"unbekanntes Format {fmt!r}")
    lines = ["# netzwerkbot: übernommene Meldungen als Importdatei. Jeden Datensatz prüfen und bearbeiten (die",
             "# Meldung steht als Kommentar darüber), dann: netzwerkbot db import DATEI --dry-run,",
             "# netzwerkbot db import DATEI und im Bot /reload.", "networks:"]
    if not records:
        lines[-1] = "networks: []"
    for record, reports in records:
        for report in reports:
            lines.extend(_comment_lines(report))
        dumped = yaml.safe_dump([record], allow_unicode=True, sort_keys=False, width=110)
        lines.extend(dumped.rstrip("\n").split("\n"))
    return "\n".join(lines) + "\n"
