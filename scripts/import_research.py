#!/usr/bin/env python3
"""Turn the researched facts in ``../shared/data/networks.yaml`` into the project's data files.

Run once when new research arrives::

    python scripts/import_research.py ../shared/data/networks.yaml [profiles.yaml]

It writes ``data/networks.yaml`` (one record per network: every sourced field kept, plus the
profile text written for the bot and an ``as_of`` date) and ``data/awards.yaml`` (the award
events). Profiles come from the optional profiles file (``id: text``) or, when absent, from the
existing ``data/networks.yaml`` so that hand-edited profiles survive a re-import. Nothing is
invented: every other field is copied as sourced.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
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

FIELD_ORDER = ("id", "name", "aliases", "kind", "status", "status_note", "states", "districts", "towns",
               "organisation", "website", "address", "office_contact", "founded", "topics", "sectors",
               "profile", "facts", "awards", "sources", "unconfirmed", "as_of")


def convert(research: Path, profiles_path: Path | None) -> tuple[list[dict], list[dict]]:
    source = yaml.safe_load(research.read_text(encoding="utf-8"))
    if profiles_path:
        profiles = yaml.safe_load(profiles_path.read_text(encoding="utf-8"))
    elif (DATA / "networks.yaml").exists():
        existing = yaml.safe_load((DATA / "networks.yaml").read_text(encoding="utf-8"))
        profiles = {n["id"]: n.get("profile") for n in existing["networks"]}
    else:
        profiles = {}
    networks = []
    for raw in source["networks"]:
        rec = {key: raw.get(key) for key in FIELD_ORDER if raw.get(key) not in (None, [], "")}
        rec["profile"] = " ".join(str(profiles.get(raw["id"]) or "").split()) or None
        rec["as_of"] = AS_OF
        for key in ("states", "districts", "towns", "aliases", "topics", "sectors", "facts", "sources",
                    "unconfirmed", "awards"):
            rec.setdefault(key, [])
        networks.append({key: rec[key] for key in FIELD_ORDER if key in rec and rec[key] is not None})
    awards = []
    for raw in source["awards"]:
        event = dict(raw)
        if event.get("date") is not None:
            event["date"] = str(event["date"])
        event["hinweis"] = AWARD_NOTES_DE.get((raw["year"], raw["award"]))
        event["as_of"] = AS_OF
        awards.append(event)
    return networks, awards


def dump(path: Path, header: str, key: str, items: list[dict]) -> None:
    text = yaml.safe_dump({key: items}, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(header + text, encoding="utf-8")


def main(argv: list[str]) -> int:
    research = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data" / "networks.yaml"
    profiles = Path(argv[2]) if len(argv) > 2 else None
    networks, awards = convert(research, profiles)
    missing = [n["id"] for n in networks if not n.get("profile")]
    dump(DATA / "networks.yaml",
         "# Regional networks for securing skilled workers, built from researched, sourced facts\n"
         "# (scripts/import_research.py). Edit freely; every record keeps its sources and `as_of` date.\n"
         "# `profile` is the bot's own description; `unconfirmed` are caveats that must never be shown as facts.\n",
         "networks", networks)
    dump(DATA / "awards.yaml",
         "# BMAS award events \"Innovatives Netzwerk\" and related distinctions, one per year and category.\n"
         "# `hinweis` is the German note the bot shows; winners are linked from the networks' `awards`.\n",
         "awards", awards)
    print(f"{len(networks)} networks, {len(awards)} award events; without profile: {len(missing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
