"""Network records: reading them from YAML, JSON or CSV and validating every row.

The bundled ``data/networks.yaml`` and any file an operator imports go through the same
validation, so the store only ever sees records of one shape. A problem is reported with the row
number (1-based, in file order; for CSV the line number of the row) and the field, and nothing is
imported while any row is bad.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from .textnorm import fold_compact

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
KINDS = ("network", "alliance", "initiative", "project", "campaign")
# How a record's ``seat`` was derived (see data/README.md): the postcode of its published office address, the
# seat town of its coordinating organisation as a source names it, the seat town of the network (first of
# ``towns``), the seat town of its district, or - where nothing is known - the state capital (a stand-in).
SEAT_BASES = ("address", "organisation", "town", "district", "capital")
# ``scope``: "state" for programmes that cover a whole state (or several), "national" for nationwide ones;
# absent means a regional network. Coverage figures count only regional networks for districts.
SCOPES = ("regional", "state", "national")
POSTCODE_PATTERN = re.compile(r"^\d{5}$")
GERMANY_BOX = (47.2, 55.1, 5.8, 15.1)  # south, north, west, east (as bot.answer.GERMANY)
STATUSES = ("active", "renamed", "dissolved", "ended")
LIST_FIELDS = ("aliases", "states", "districts", "towns", "topics", "sectors", "facts", "sources", "unconfirmed")
TEXT_FIELDS = ("name", "kind", "status", "status_note", "organisation", "website", "address", "office_contact",
               "profile", "as_of", "seat_basis", "scope", "profile_en")
ALL_FIELDS = ("id",) + TEXT_FIELDS[:1] + LIST_FIELDS[:1] + TEXT_FIELDS[1:] + LIST_FIELDS[1:] + ("founded", "awards",
                                                                                                "seat")
CSV_SEPARATOR = " | "
# Control characters (Telegram refuses them, terminals interpret them) and bidi overrides (they can
# make a name display as something else): never valid in a record; tab/CR/LF are whitespace.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Spreadsheet formula injection (OWASP "CSV Injection"): a cell beginning with one of these is run as a
# formula by Excel/LibreOffice (``=HYPERLINK(…)`` becomes a live link). CSV export prefixes such a cell
# with ``'`` and CSV import removes that prefix again, so a round trip gives back the exact text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")  # export: the trigger, possibly behind apostrophes of our own
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")       # import: what the export prefixed
FIRST_AWARD_YEAR = 2012
MAX_TEXT = 5000


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (bad YAML/JSON/CSV, wrong top-level shape)."""


@dataclass
class RowProblem:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Zeile {self.row}: {self.field}: {self.message}"


@dataclass
class Vocabulary:
    """What a record may refer to: the state names (with aliases), topics and sectors."""

    states: dict[str, str]  # folded alias -> canonical state name
    topics: set[str]
    sectors: set[str]
    postcodes: frozenset[str] | None = None  # the gazetteer's postcodes (a seat must be one); None: not checked

    def state_name(self, raw: str) -> str | None:
        return self.states.get(fold_compact(raw))


def _as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _parse_awards(value: Any) -> list[dict]:
    """Awards come as a list of ``{year, award, note}`` or, in CSV, ``"2013: Innovatives Netzwerk | …"``."""
    awards = []
    for item in _as_list(value):
        if isinstance(item, dict):
            awards.append(item)
        elif isinstance(item, (int, str)):
            text = str(item)
            year, _, award = text.partition(":")
            awards.append({"year": year.strip(), "award": award.strip() or "Innovatives Netzwerk"})
        else:
            awards.append({"year": item, "award": ""})
    return awards


def validate_record(raw: Any, row: int, vocab: Vocabulary, current_year: int | None = None) -> tuple[dict | None, list[RowProblem]]:
    """Check one record; return it normalised (or ``None``) and the problems found."""
    problems: list[RowProblem] = []
    current_year = current_year or dt.date.today().year

    def bad(field: str, message: str) -> None:
        problems.append(RowProblem(row, field, message))

    if not isinstance(raw, dict):
        bad("*", "ein Datensatz muss ein Objekt mit Feldern sein")
        return None, problems

    rec: dict[str, Any] = {}
    unknown = sorted(set(raw) - set(ALL_FIELDS))
    if unknown:
        bad(",".join(unknown), "unbekanntes Feld")

    rid = raw.get("id")
    rid = str(rid).strip() if rid is not None else ""
    if not rid:
        bad("id", "fehlt")
    elif not ID_PATTERN.match(rid):
        bad("id", f"{rid!r} ist keine gültige ID (a-z, 0-9, Bindestrich, höchstens 60 Zeichen)")
    rec["id"] = rid

    for name in TEXT_FIELDS:
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            rec[name] = None
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()[:10]
        if not isinstance(value, (str, int, float)):
            bad(name, "muss Text sein")
            continue
        text = " ".join(str(value).split()) if name not in ("profile", "profile_en") else str(value).strip()
        if _FORBIDDEN.search(text):
            bad(name, f"enthält ein Steuer- oder Richtungszeichen (U+{ord(_FORBIDDEN.search(text).group()):04X})")
        if len(text) > MAX_TEXT:
            bad(name, f"zu lang ({len(text)} Zeichen, höchstens {MAX_TEXT})")
        rec[name] = text
    if not rec.get("name"):
        bad("name", "fehlt")
    if rec.get("kind") and rec["kind"] not in KINDS:
        bad("kind", f"{rec['kind']!r} ist keiner von {', '.join(KINDS)}")
    if rec.get("status") and rec["status"] not in STATUSES:
        bad("status", f"{rec['status']!r} ist keiner von {', '.join(STATUSES)}")
    if rec.get("website") and not URL_PATTERN.match(rec["website"]):
        bad("website", f"{rec['website']!r} ist keine http(s)-Adresse")
    if rec.get("as_of"):
        try:
            dt.date.fromisoformat(rec["as_of"])
        except ValueError:
            bad("as_of", f"{rec['as_of']!r} ist kein Datum (JJJJ-MM-TT)")

    for name in LIST_FIELDS:
        items = []
        for item in _as_list(raw.get(name)):
            if not isinstance(item, (str, int, float)) or not str(item).strip():
                bad(name, "Listeneinträge müssen Text sein")
                continue
            if _FORBIDDEN.search(str(item)):
                bad(name, f"enthält ein Steuer- oder Richtungszeichen (U+{ord(_FORBIDDEN.search(str(item)).group()):04X})")
                continue
            items.append(" ".join(str(item).split()))
        rec[name] = items

    states = []
    for state in rec["states"]:
        canonical = vocab.state_name(state)
        if canonical is None:
            bad("states", f"unbekanntes Bundesland {state!r}")
        elif canonical not in states:
            states.append(canonical)
    rec["states"] = states
    if not states and not any(p.field == "states" for p in problems):
        bad("states", "mindestens ein Bundesland ist nötig")
    for topic in rec["topics"]:
        if topic not in vocab.topics:
            bad("topics", f"unbekanntes Handlungsfeld {topic!r}")
    for sector in rec["sectors"]:
        if sector not in vocab.sectors:
            bad("sectors", f"unbekannte Branche {sector!r}")

    founded = raw.get("founded")
    if founded is None or founded == "":
        rec["founded"] = None
    elif isinstance(founded, int) or (isinstance(founded, str) and founded.strip().isdigit()):
        year = int(founded)
        if not 1945 <= year <= current_year:
            bad("founded", f"Gründungsjahr {year} ist unplausibel")
        rec["founded"] = year
    elif isinstance(founded, str):
        rec["founded"] = " ".join(founded.split())
    else:
        bad("founded", "muss eine Jahreszahl oder ein Text sein")

    awards = []
    for award in _parse_awards(raw.get("awards")):
        year = award.get("year")
        try:
            year = int(str(year).strip())
        except (TypeError, ValueError):
            bad("awards", f"Preisjahr {year!r} ist keine Jahreszahl")
            continue
        if not FIRST_AWARD_YEAR <= year <= current_year:
            bad("awards", f"Preisjahr {year} liegt nicht zwischen {FIRST_AWARD_YEAR} und {current_year}")
            continue
        name = " ".join(str(award.get("award") or "Innovatives Netzwerk").split())
        entry = {"year": year, "award": name}
        if award.get("note"):
            entry["note"] = " ".join(str(award["note"]).split())
        awards.append(entry)
    rec["awards"] = awards

    seat, seat_problem = parse_seat(raw.get("seat"), vocab.postcodes)
    if seat_problem:
        bad("seat", seat_problem)
    rec["seat"] = seat
    if rec.get("seat_basis") and rec["seat_basis"] not in SEAT_BASES:
        bad("seat_basis", f"{rec['seat_basis']!r} ist keiner von {', '.join(SEAT_BASES)}")
    if rec.get("seat_basis") and seat is None and not seat_problem:
        bad("seat_basis", "ohne seat")
    if isinstance(seat, str) and rec.get("address") and not rec.get("seat_basis") and seat in rec["address"]:
        rec["seat_basis"] = "address"  # a seat taken from the published address needs no explanation
    if rec.get("seat_basis") == "address" and isinstance(seat, str) and seat not in (rec.get("address") or ""):
        bad("seat_basis", f"Sitz {seat} steht nicht in der Anschrift")
    if rec.get("scope") and rec["scope"] not in SCOPES:
        bad("scope", f"{rec['scope']!r} ist keiner von {', '.join(SCOPES)}")
    if rec.get("scope") == "regional":
        rec["scope"] = None  # the default
    return (rec if not problems else None), problems


def parse_seat(value: Any, postcodes: frozenset[str] | None = None) -> tuple[str | dict | None, str | None]:
    """A seat as a record holds it: a postcode (``'12489'``) or ``{lat, lon}``; and the problem, if any.

    Accepted: a 5-digit string; a mapping with ``lat`` and ``lon``; in CSV the text ``"52.43, 13.53"``.
    A postcode must be in the gazetteer (when ``postcodes`` is given), coordinates inside Germany. A
    number is refused: YAML reads ``01067`` as 1067 (or an octal number), so postcodes must be quoted.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return None, f"{value!r}: Postleitzahl als Text in Anführungszeichen angeben (z. B. '01067')"
    if isinstance(value, str):
        text = value.strip()
        if POSTCODE_PATTERN.match(text):
            if postcodes is not None and text not in postcodes:
                return None, f"Postleitzahl {text} gibt es im Ortsverzeichnis nicht"
            return text, None
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 2:
            value = {"lat": parts[0], "lon": parts[1]}
        else:
            return None, f"{text!r} ist weder eine fünfstellige Postleitzahl noch 'Breite, Länge'"
    if not isinstance(value, dict) or set(value) != {"lat", "lon"}:
        return None, "Postleitzahl (Text) oder {lat: …, lon: …} erwartet"
    try:
        lat, lon = float(value["lat"]), float(value["lon"])
    except (TypeError, ValueError):
        return None, f"Koordinaten {value['lat']!r}, {value['lon']!r} sind keine Zahlen"
    south, north, west, east = GERMANY_BOX
    if not (south <= lat <= north and west <= lon <= east):
        return None, f"Koordinaten {lat}, {lon} liegen nicht in Deutschland"
    return {"lat": round(lat, 5), "lon": round(lon, 5)}, None


def seat_text(seat: str | dict | None) -> str:
    """A seat as one text (CSV, the database): the postcode, or "lat, lon"."""
    if seat is None:
        return ""
    if isinstance(seat, dict):
        return f"{seat['lat']}, {seat['lon']}"
    return seat


def validate_records(rows: Iterable[tuple[int, Any]], vocab: Vocabulary) -> tuple[list[dict], list[RowProblem]]:
    """Validate all rows; duplicate ids inside one file are a problem of the later row."""
    records, problems, seen = [], [], {}
    for row, raw in rows:
        rec, row_problems = validate_record(raw, row, vocab)
        problems.extend(row_problems)
        if rec is None:
            continue
        if rec["id"] in seen:
            problems.append(RowProblem(row, "id", f"doppelte ID {rec['id']!r} (schon in Zeile {seen[rec['id']]})"))
            continue
        seen[rec["id"]] = row
        records.append(rec)
    return records, problems


def read_rows(path: Path, fmt: str | None = None) -> list[tuple[int, Any]]:
    """Read a CSV, JSON or YAML file into ``(row number, raw record)`` pairs."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # newline="": line ends inside CSV fields stay as written
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: keine UTF-8-Datei ({exc.reason} bei Byte {exc.start})") from None
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise ImportFormatError(f"{path}: CSV braucht eine Kopfzeile mit mindestens 'id', 'name', 'states'")
        rows = []
        for record in reader:
            if None in record:
                rows.append((reader.line_num, {"id": record.get("id"), "__extra__": record.pop(None)}))
                continue
            rows.append((reader.line_num, {k: csv_cell_value(v) for k, v in record.items() if v not in (None, "")}))
        return rows
    try:
        if fmt == "json":
            data = json.loads(text)
        elif fmt in ("yaml", "yml"):
            data = yaml.safe_load(text)
        else:
            raise ImportFormatError(f"{path}: unbekanntes Format {fmt!r} (csv, json oder yaml)")
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ImportFormatError(f"{path}: Datei nicht lesbar: {exc}") from None
    if isinstance(data, dict) and "networks" in data:
        data = data["networks"]
    if not isinstance(data, list):
        raise ImportFormatError(f"{path}: erwartet eine Liste von Netzwerken (oder ein Objekt mit 'networks')")
    return list(enumerate(data, start=1))


def to_flat_row(rec: dict) -> dict[str, str]:
    """One record as a CSV row: lists joined with `` | ``, awards as ``year: award``, each cell made safe
    for spreadsheets (:func:`csv_cell`)."""
    row = {}
    for name in ALL_FIELDS:
        value = rec.get(name)
        if name == "awards":
            value = CSV_SEPARATOR.join(f"{a['year']}: {a['award']}" for a in value or [])
        elif name == "seat":
            value = seat_text(value)
        elif isinstance(value, list):
            value = CSV_SEPARATOR.join(value)
        row[name] = "" if value is None else csv_cell(str(value))
    return row


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula trigger gets a ``'`` in front.

    Text that already starts with apostrophes before a trigger (``'=x``) gets one more, so that
    :func:`csv_cell_value` – which removes exactly one – gives back every text exactly, a phone
    number ``+49 …`` included.
    """
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def csv_cell_value(cell: str) -> str:
    """The text behind a cell written by :func:`csv_cell`: one leading ``'`` before a trigger is removed."""
    return cell[1:] if _QUOTED.match(cell) else cell
