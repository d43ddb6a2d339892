#!/usr/bin/env python3
"""Build ``data/networks.yaml`` and ``data/awards.yaml`` from the research, reproducibly.

Run when new research arrives::

    python scripts/import_research.py [../shared/data/networks.yaml]     # writes data/networks.yaml, awards.yaml
    python scripts/import_research.py --check                             # exit 1 if a re-run would change them

The two files are a build product; nothing in them is edited by hand (an edit there is lost on the next
run: ``--check`` shows it). Their inputs, applied in this order:

1. the base research (``../shared/data/networks.yaml``, English notes, as of 2026-11-27);
2. ``data/research/translations_de.yaml``: the German wording of fields the research wrote in English
   (``organisation``, ``status_note``, ``address``, ``founded`` of networks; ``event``, ``presented_by`` of award
   events). Each entry keeps the English text it translates and applies only while the research still says
   exactly that; when the research changes, the new English text is used and the run warns;
3. ``data/research/profiles_de.yaml``: the bot's own German profile text per network;
4. ``data/research/seats.yaml``: the seat (and scope) of every base network (``scripts/assign_seats.py``);
5. every other ``data/research/*.yaml`` in name order, each with any of: ``networks`` (new records, with
   seat, German profile and as_of), ``rejected`` (candidates not imported and why: counted only),
   ``corrections`` (``set`` replaces fields, ``add`` appends to list fields without duplicates, the
   correction's ``sources`` are appended to the record's; a correction may target an award event with
   ``event: {year, award}`` instead of ``id``) and ``award_findings`` (a newly identified winner: the award
   is added to the network and the event's ``unidentified`` count goes down by one). A corrected record or
   event gets the file's date as ``as_of`` (the file's top-level ``as_of``, else a date in its name, else the
   latest ``as_of`` of its new networks).
   The new networks of all files come first; then corrections and findings, file by file in date order.

Every record is validated as ``netzwerkbot db import`` validates it (bot/records.py, including the seat
against the gazetteer); a bad record stops the run with the file and id, and nothing is written.
Nothing is invented: every field is copied from a sourced input.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.catalog import Catalog  # noqa: E402
from bot.records import ALL_FIELDS, LIST_FIELDS, validate_record  # noqa: E402

DATA = ROOT / "data"
RESEARCH_DIR = DATA / "research"
BASE_RESEARCH = ROOT.parent / "shared" / "data" / "networks.yaml"
AS_OF = "2026-11-27"

# German one-line notes on each award event, written from the research notes (which are English).
AWARD_NOTES_DE = {
    (2012, "Innovatives Netzwerk"): "Erstes Jahr der Auszeichnung. Der Termin wird auch mit dem 19.03.2012 "
    "angegeben. Die Wachstumsregion Ems-Achse könnte einer der nicht benannten Preisträger sein; belegt ist das nicht.",
    (2013, "Innovatives Netzwerk"): "Laut Pressemitteilung gab es bundesweit rund 850 regionale Netzwerke.",
    (2014, "Innovatives Netzwerk"): "Rund 300 Teilnehmende; die Angaben zur Zahl der Netzwerke bundesweit "
    "schwanken zwischen etwa 600 und über 850.",
    (2016, "Innovatives Netzwerk"): "Berichte sprechen auch von „Innovative Netzwerke/Innovative Projekte 2016“. "
    "Für 2015 ist keine Auszeichnung belegt.",
    (2017, "Innovatives Netzwerk"): "Veranstaltet von BMAS und DIHK; Thema: Digitalisierung braucht Qualifizierung. "
    "Wer die Preise überreichte, nennen die Quellen nicht.",
    (2017, "Innovative/r Netzwerkkoordinator/in"): "Erstmals vergeben: ausgezeichnet wurden die Koordinatorinnen "
    "und Koordinatoren der Netzwerke, nicht die Netzwerke selbst.",
    (2018, "Innovatives Netzwerk"): "Veranstaltet von BMAS und DIHK.",
    (2019, "Innovatives Netzwerk"): "Juni 2019, genauer Tag nicht belegt. Ein Bericht deutet auf einen Preisträger "
    "aus Potsdam-Mittelmark hin; bestätigt ist das nicht.",
    (2020, "Innovatives Netzwerk"): "Erstmals vollständig online; Ende Juni 2020, genauer Tag nicht belegt. Letztes "
    "Jahr unter dem Innovationsbüro (DIHK Service GmbH).",
    (2021, "Innovatives Netzwerk"): "Wettbewerb „Innovative Netzwerke 2021“ von BMAS und INQA-Netzwerkbüro. Die Quellen "
    "nennen vier Preisträger; eine Gesamtzahl ist nicht angegeben.",
    (2022, "Innovatives Netzwerk"): "Im Rahmen von INQA während der Aktionswochen „Menschen in Arbeit – Fachkräfte "
    "in den Regionen“. Die Quellen nennen vier Preisträger; eine Gesamtzahl ist nicht angegeben.",
    (2024, "Deutscher Fachkräftepreis – Kategorie Innovatives Netzwerk"): "Erster Deutscher Fachkräftepreis des "
    "BMAS mit sieben Kategorien, eine davon „Innovatives Netzwerk“. Der Preisträger dieser Kategorie liegt uns nicht vor. "
    "Eine eigene Auszeichnung „Innovatives Netzwerk 2023“ ist nicht belegt.",
    (2025, "Deutscher Fachkräftepreis – Kategorie Innovatives Netzwerk"): "Über 400 Einreichungen in allen "
    "Kategorien, drei Nominierte je Kategorie. Der Preisträger der Kategorie „Innovatives Netzwerk“ liegt uns nicht vor.",
}

FIELD_ORDER = ("id", "name", "aliases", "kind", "status", "status_note", "states", "districts", "towns", "seat",
               "seat_basis", "scope", "organisation", "website", "address", "office_contact", "founded", "topics",
               "sectors", "profile", "facts", "awards", "sources", "unconfirmed", "as_of")
NETWORK_LISTS = ("states", "districts", "towns", "aliases", "topics", "sectors", "facts", "sources", "unconfirmed",
                 "awards")
EVENT_ORDER = ("year", "award", "event", "date", "place", "presented_by", "winners_total", "unidentified",
               "applicants", "sources", "notes", "hinweis", "as_of")
EVENT_SETTABLE = ("event", "date", "place", "presented_by", "winners_total", "unidentified", "applicants", "notes",
                  "hinweis")
DOC_KEYS = {"note", "notes", "description", "sources"}  # documentation of a file: accepted, not copied anywhere
RESEARCH_KEYS = {"networks", "rejected", "corrections", "award_findings", "as_of"} | DOC_KEYS
DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
WIDE = re.compile(r"landesweit|bundesweit|Landesprogramm|Landesinitiative|Landesnetzwerk|ganz (Deutschland|Bayern|"
                  r"Sachsen|Thüringen|Hessen|Niedersachsen|Brandenburg|Schleswig-Holstein)", re.IGNORECASE)

NETWORKS_HEADER = (
    "# Regional networks for securing skilled workers, built from researched, sourced facts by\n"
    "# scripts/import_research.py - do not edit here: change the inputs it names (data/research/) and re-run it.\n"
    "# `profile` is the bot's own description; `unconfirmed` are caveats that must never be shown as facts;\n"
    "# `seat` is the postcode of the coordinating office (how it was found: `seat_basis`, see data/README.md).\n")
AWARDS_HEADER = (
    "# BMAS award events \"Innovatives Netzwerk\" and related distinctions, one per year and category.\n"
    "# `hinweis` is the German note the bot shows; winners are linked from the networks' `awards`.\n"
    "# `unidentified`: awards (not networks: one award can go to two networks jointly) whose winner the sources do\n"
    "# not name, from the research notes; null where the number of winners itself is not known.\n")


class ResearchError(ValueError):
    """A research input is wrong; the message names the file and the record."""


@dataclass
class Result:
    networks: list[dict]
    awards: list[dict]
    warnings: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    findings: int = 0
    rejected: int = 0
    files: list[str] = field(default_factory=list)


def _load(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ResearchError(f"{path.name}: kein gültiges YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ResearchError(f"{path.name}: erwartet ein Objekt mit networks/corrections/… oben")
    return data


def _date_of(path: Path, data: dict) -> str | None:
    value = data.get("as_of")
    if value is not None:
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ResearchError(f"{path.name}: as_of {text!r} ist kein Datum (JJJJ-MM-TT)") from None
        return text
    found = DATE_IN_NAME.search(path.name)
    if found:
        return found.group(1)
    dates = []  # else the latest as_of of the file's new networks (research files date each record)
    for rec in data.get("networks") or []:
        value = rec.get("as_of") if isinstance(rec, dict) else None
        if value:
            dates.append(value.isoformat() if isinstance(value, dt.date) else str(value))
    return max(dates) if dates else None


def _ordered(rec: dict) -> dict:
    out = {key: rec[key] for key in FIELD_ORDER if key in rec and rec[key] is not None}
    extra = [k for k in rec if k not in FIELD_ORDER and rec[k] is not None]
    for key in extra:
        out[key] = rec[key]
    return out


def _event_ordered(event: dict) -> dict:
    """The event's fields in a fixed order; ``unidentified`` follows ``winners_total`` (or, without a total, ends
    the event: null there, as the number of winners itself is not known)."""
    order = EVENT_ORDER if "winners_total" in event else tuple(k for k in EVENT_ORDER if k != "unidentified")
    out = {key: event[key] for key in order if key in event}
    for key in event:
        if key not in out:
            out[key] = event[key]
    out.setdefault("unidentified", None)
    return out


def _append(items: list, new: list) -> list:
    """``items`` plus the ``new`` ones not yet in it (order kept)."""
    out = list(items)
    for item in new:
        if item not in out:
            out.append(item)
    return out


class Merger:
    def __init__(self, catalog: Catalog):
        self.vocab = catalog.vocabulary()
        self.networks: dict[str, dict] = {}
        self.events: dict[tuple[int, str], dict] = {}
        self.origin: dict[str, str] = {}  # network id -> the last file that changed it
        self.base_awards: set[tuple[str, int, str]] = set()  # (network, year, award) of the base research
        self.result = Result([], [])

    # -- base --------------------------------------------------------------------------------------
    def base(self, source: dict) -> None:
        for raw in source["networks"]:
            rec = {key: copy.deepcopy(raw.get(key)) for key in FIELD_ORDER if raw.get(key) not in (None, [], "")}
            rec["as_of"] = AS_OF
            for key in NETWORK_LISTS:
                rec.setdefault(key, [])
            self.networks[rec["id"]] = rec
            self.origin[rec["id"]] = "Basisrecherche"
            self.base_awards |= {(rec["id"], int(a["year"]), a["award"]) for a in rec["awards"]}
        for raw in source["awards"]:
            event = dict(raw)
            if event.get("date") is not None:
                event["date"] = str(event["date"])
            event["hinweis"] = AWARD_NOTES_DE.get((raw["year"], raw["award"]))
            event["as_of"] = AS_OF
            self.events[(raw["year"], raw["award"])] = event

    def translations(self, path: Path, data: dict) -> None:
        block = data.get("translations") or {}
        for nid, fields in (block.get("networks") or {}).items():
            rec = self.networks.get(nid)
            if rec is None:
                self.result.warnings.append(f"{path.name}: Übersetzung für unbekanntes Netzwerk {nid}")
                continue
            self._translate(path, f"Netzwerk {nid}", rec, fields)
        for key, fields in (block.get("awards") or {}).items():
            year, _, award = str(key).partition(" ")
            event = self.events.get((int(year), award))
            if event is None:
                self.result.warnings.append(f"{path.name}: Übersetzung für unbekanntes Preisjahr {key}")
                continue
            self._translate(path, f"Preisjahr {key}", event, fields)

    def _translate(self, path: Path, what: str, target: dict, fields: dict) -> None:
        for name, pair in fields.items():
            if not isinstance(pair, dict) or set(pair) != {"en", "de"}:
                raise ResearchError(f"{path.name}: {what}: {name}: erwartet en und de")
            if target.get(name) == pair["en"]:
                target[name] = pair["de"]
            elif target.get(name) != pair["de"]:
                self.result.warnings.append(f"{path.name}: {what}: {name} hat sich in der Recherche geändert; die "
                                            f"Übersetzung gilt nicht mehr, der neue Text wird übernommen: "
                                            f"{str(target.get(name))[:80]!r}")

    def profiles(self, path: Path, data: dict) -> None:
        for nid, text in (data.get("profiles") or {}).items():
            if nid in self.networks and text:
                self.networks[nid]["profile"] = " ".join(str(text).split())

    def seats(self, path: Path, data: dict) -> None:
        for entry in data.get("seats") or []:
            nid = entry.get("id")
            rec = self.networks.get(nid)
            if rec is None:
                raise ResearchError(f"{path.name}: Sitz für unbekanntes Netzwerk {nid!r}")
            if rec.get("seat") is None:
                rec["seat"] = entry.get("seat")
                rec["seat_basis"] = entry.get("seat_basis")
            if entry.get("scope"):
                rec["scope"] = entry["scope"]
            rec["sources"] = _append(rec["sources"], entry.get("add_sources") or [])
            if entry.get("caveat"):
                rec["unconfirmed"] = _append(rec["unconfirmed"], [entry["caveat"]])
            self._check(path, rec)

    # -- research files ----------------------------------------------------------------------------
    def research_networks(self, path: Path, data: dict) -> None:
        """First pass over a research file: its new networks (so any file's corrections may refer to them)."""
        unknown = set(data) - RESEARCH_KEYS
        if unknown:
            raise ResearchError(f"{path.name}: unbekannte Abschnitte {sorted(unknown)} (erlaubt: networks, "
                                f"rejected, corrections, award_findings, as_of, note)")
        self.result.files.append(path.name)
        for raw in data.get("networks") or []:
            self._new_network(path, raw)
        self.result.rejected += len(data.get("rejected") or [])

    def research_changes(self, path: Path, data: dict) -> None:
        """Second pass, files in date order: corrections, then award findings."""
        date = _date_of(path, data)
        if (data.get("corrections") or data.get("award_findings")) and not date:
            raise ResearchError(f"{path.name}: Korrekturen brauchen ein Datum: as_of: JJJJ-MM-TT oben in der Datei, "
                                f"ein Datum im Dateinamen oder as_of bei den neuen Netzwerken der Datei")
        for n, corr in enumerate(data.get("corrections") or [], start=1):
            if not isinstance(corr, dict):
                raise ResearchError(f"{path.name}: Korrektur {n} ist kein Objekt")
            if "event" in corr:
                self._correct_event(path, n, corr, date)
            else:
                self._correct_network(path, n, corr, date)
        for n, finding in enumerate(data.get("award_findings") or [], start=1):
            self._finding(path, n, finding, date)

    def _new_network(self, path: Path, raw: dict) -> None:
        nid = raw.get("id") if isinstance(raw, dict) else None
        if not nid:
            raise ResearchError(f"{path.name}: neues Netzwerk ohne id")
        if nid in self.networks:
            raise ResearchError(f"{path.name}: {nid}: gibt es schon ({self.origin[nid]}); Änderungen an "
                                f"bestehenden Netzwerken gehören unter corrections")
        rec = {key: copy.deepcopy(value) for key, value in raw.items()}
        for key in NETWORK_LISTS:
            rec.setdefault(key, [])
        if isinstance(rec.get("as_of"), dt.date):
            rec["as_of"] = rec["as_of"].isoformat()
        self.networks[nid] = rec
        self.origin[nid] = path.name
        self.result.new.append(nid)
        self._check(path, rec)
        for key, label in (("seat", "Sitz (seat)"), ("profile", "Profiltext"), ("as_of", "Stand (as_of)")):
            if not rec.get(key):
                self.result.warnings.append(f"{path.name}: {nid}: ohne {label}")
        text = " ".join(str(rec.get(k) or "") for k in ("name", "organisation", "profile"))
        if not rec.get("scope") and not rec.get("districts") and WIDE.search(text):
            self.result.warnings.append(f"{path.name}: {nid}: klingt landes- oder bundesweit, hat aber kein scope "
                                        f"(state/national); als regionales Netzwerk gezählt")

    def _correct_network(self, path: Path, n: int, corr: dict, date: str) -> None:
        nid = corr.get("id")
        rec = self.networks.get(nid)
        where = f"{path.name}: Korrektur {n} ({nid})"
        if rec is None:
            raise ResearchError(f"{where}: unbekanntes Netzwerk")
        unknown = set(corr) - {"id", "set", "add", "sources", "note"}
        if unknown:
            raise ResearchError(f"{where}: unbekannte Felder {sorted(unknown)}")
        if not corr.get("sources") and not corr.get("note"):
            raise ResearchError(f"{where}: jede Korrektur braucht sources (oder eine note, woher sie stammt)")
        if "seat" in (corr.get("set") or {}) and "seat_basis" not in corr["set"]:
            rec.pop("seat_basis", None)  # a new seat: the old basis no longer says how it was found
        for name, value in (corr.get("set") or {}).items():
            if name not in ALL_FIELDS or name in ("id", "as_of"):
                raise ResearchError(f"{where}: set: {name!r} ist kein änderbares Feld")
            if value is None or value == [] or value == "":
                rec.pop(name, None)
                if name in NETWORK_LISTS:
                    rec[name] = []
            else:
                rec[name] = copy.deepcopy(value)
        for name, items in (corr.get("add") or {}).items():
            if name not in LIST_FIELDS and name != "awards":
                raise ResearchError(f"{where}: add: {name!r} ist kein Listenfeld")
            rec[name] = _append(rec.get(name) or [], items if isinstance(items, list) else [items])
        rec["sources"] = _append(rec["sources"], corr.get("sources") or [])
        rec["as_of"] = date
        self.origin[nid] = path.name
        if nid not in self.result.corrected:
            self.result.corrected.append(nid)
        self._check(path, rec)

    def _event(self, where: str, ref: dict) -> dict:
        if not isinstance(ref, dict) or "year" not in ref or "award" not in ref:
            raise ResearchError(f"{where}: event braucht year und award")
        event = self.events.get((int(ref["year"]), ref["award"]))
        if event is None:
            raise ResearchError(f"{where}: kein Preisereignis {ref['year']} {ref['award']!r}")
        return event

    def _correct_event(self, path: Path, n: int, corr: dict, date: str) -> None:
        where = f"{path.name}: Korrektur {n} (Preis {corr['event']})"
        event = self._event(where, corr["event"])
        unknown = set(corr) - {"event", "set", "sources", "note"}
        if unknown:
            raise ResearchError(f"{where}: unbekannte Felder {sorted(unknown)}")
        if not corr.get("sources") and not corr.get("note"):
            raise ResearchError(f"{where}: jede Korrektur braucht sources (oder eine note, woher sie stammt)")
        for name, value in (corr.get("set") or {}).items():
            if name not in EVENT_SETTABLE:
                raise ResearchError(f"{where}: set: {name!r} ist kein änderbares Feld eines Preisereignisses")
            event[name] = value
        event["sources"] = _append(event.get("sources") or [], corr.get("sources") or [])
        event["as_of"] = date
        self._check_event(where, event)

    def _finding(self, path: Path, n: int, finding: dict, date: str) -> None:
        where = f"{path.name}: Preisfund {n} ({finding.get('network') if isinstance(finding, dict) else '?'})"
        if not isinstance(finding, dict):
            raise ResearchError(f"{where}: kein Objekt")
        unknown = set(finding) - {"year", "award", "network", "sources", "note"}
        if unknown:
            raise ResearchError(f"{where}: unbekannte Felder {sorted(unknown)}")
        if not finding.get("sources"):
            raise ResearchError(f"{where}: ein Preisfund braucht sources")
        event = self._event(where, {"year": finding.get("year"), "award": finding.get("award")})
        rec = self.networks.get(finding.get("network"))
        if rec is None:
            raise ResearchError(f"{where}: unbekanntes Netzwerk")
        if (rec["id"], event["year"], event["award"]) in self.base_awards:
            self.result.warnings.append(f"{where}: Auszeichnung steht schon in der Basisrecherche")
            return
        if not any(int(a["year"]) == event["year"] and a["award"] == event["award"] for a in rec["awards"]):
            award = {"year": event["year"], "award": event["award"]}
            if finding.get("note"):
                award["note"] = finding["note"]
            rec["awards"] = rec["awards"] + [award]
        # (an award a correction already added is a finding too: the event's count still goes down once)
        rec["sources"] = _append(rec["sources"], finding["sources"])
        rec["as_of"] = date
        if event.get("unidentified") is not None:
            if event["unidentified"] <= 0:
                raise ResearchError(f"{where}: für {event['year']} ist kein Preisträger mehr unbekannt")
            event["unidentified"] -= 1
        event["sources"] = _append(event.get("sources") or [], finding["sources"])
        event["as_of"] = date
        self.origin[rec["id"]] = path.name
        self.result.findings += 1
        self._check(path, rec)
        self._check_event(where, event)

    # -- validation --------------------------------------------------------------------------------
    def _check(self, path: Path, rec: dict) -> None:
        valid, problems = validate_record(_ordered(rec), 1, self.vocab)
        if problems:
            listed = "; ".join(f"{p.field}: {p.message}" for p in problems)
            raise ResearchError(f"{path.name}: {rec.get('id')}: {listed}")
        if valid.get("seat_basis") and not rec.get("seat_basis"):
            rec["seat_basis"] = valid["seat_basis"]  # a seat taken from the address says so

    @staticmethod
    def _check_event(where: str, event: dict) -> None:
        total, unknown = event.get("winners_total"), event.get("unidentified")
        if unknown is not None and (not isinstance(unknown, int) or unknown < 0 or (total is not None and unknown > total)):
            raise ResearchError(f"{where}: unidentified {unknown!r} passt nicht zu winners_total {total!r}")

    def finish(self) -> Result:
        for nid, rec in self.networks.items():
            valid, problems = validate_record(_ordered(rec), 1, self.vocab)
            if problems:
                listed = "; ".join(f"{p.field}: {p.message}" for p in problems)
                raise ResearchError(f"{self.origin[nid]}: {nid}: {listed}")
        keys = {(y, a) for y, a in self.events}
        for nid, rec in self.networks.items():
            for award in rec["awards"]:
                if (int(award["year"]), award["award"]) not in keys:
                    raise ResearchError(f"{self.origin[nid]}: {nid}: Preis {award['year']} {award['award']!r} ohne "
                                        f"Preisereignis in awards")
        self.result.networks = [_ordered(rec) for rec in self.networks.values()]
        self.result.awards = [_event_ordered(e) for e in self.events.values()]
        return self.result


def research_files(research_dir: Path) -> list[tuple[Path, dict]]:
    return [(path, _load(path)) for path in sorted(research_dir.glob("*.yaml"))]


def convert(base: Path, research_dir: Path = RESEARCH_DIR, data_dir: Path = DATA) -> Result:
    """Merge every input; raises ResearchError (naming file and record) on the first bad one."""
    merger = Merger(Catalog.load(data_dir))
    merger.base(_load(base))
    files = research_files(research_dir) if research_dir.exists() else []
    kinds = {"translations": merger.translations, "profiles": merger.profiles, "seats": merger.seats}
    for kind, apply in kinds.items():  # these first, whatever their names: they edit the base research
        for path, data in files:
            if kind in data:
                if set(data) - {kind}:
                    raise ResearchError(f"{path.name}: eine Datei mit {kind} enthält nichts anderes")
                apply(path, data)
    research = [(path, data) for path, data in files if not set(data) & set(kinds)]
    for path, data in research:
        merger.research_networks(path, data)
    for path, data in sorted(research, key=lambda pd: (_date_of(*pd) or "", pd[0].name)):
        merger.research_changes(path, data)
    return merger.finish()


def render(result: Result) -> tuple[str, str]:
    dump = lambda key, items: yaml.safe_dump({key: items}, allow_unicode=True, sort_keys=False, width=110)  # noqa: E731
    return NETWORKS_HEADER + dump("networks", result.networks), AWARDS_HEADER + dump("awards", result.awards)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", type=Path, default=BASE_RESEARCH, help="the base research file")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a run would change the data")
    parser.add_argument("--data", type=Path, default=DATA, help="the data directory (default: data/)")
    args = parser.parse_args(argv)
    research_dir = args.data / "research"
    try:
        result = convert(args.base, research_dir, args.data)
    except (ResearchError, OSError) as exc:
        sys.stderr.write(f"import_research: {exc}\nNichts geschrieben.\n")
        return 2
    for warning in result.warnings:
        sys.stderr.write(f"Warnung: {warning}\n")
    networks_text, awards_text = render(result)
    targets = ((args.data / "networks.yaml", networks_text), (args.data / "awards.yaml", awards_text))
    if args.check:
        changed = [p.name for p, text in targets if not p.exists() or p.read_text(encoding="utf-8") != text]
        print("Aktuell: ein neuer Lauf ändert nichts." if not changed else
              f"Ein neuer Lauf ändert {', '.join(changed)} (Handänderungen dort gehen verloren).")
        return 1 if changed else 0
    for path, text in targets:
        path.write_text(text, encoding="utf-8")
    seats = sum(1 for n in result.networks if n.get("seat"))
    print(f"{len(result.networks)} Netzwerke ({len(result.new)} neu, {len(result.corrected)} korrigiert, {seats} mit "
          f"Sitz), {len(result.awards)} Preisereignisse ({result.findings} neue Preisträger); "
          f"{result.rejected} verworfene Kandidaten; Forschungsdateien: {', '.join(result.files) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
