#!/usr/bin/env python3
"""Derive a seat for every network of the base research and write ``data/research/seats.yaml``.

    .venv/bin/python scripts/assign_seats.py            # writes data/research/seats.yaml
    .venv/bin/python scripts/assign_seats.py --check    # exit 1 if the file is not what the rules give

A seat is the postcode of the network's coordinating office; it places the network for distances and
the map pin (see data/README.md). The rules, in order (``seat_basis`` records which one applied):

1. ``OVERRIDES`` below: networks whose seat a rule cannot find (Berlin localities, networks without a
   town or district), each with where its postcode comes from.
2. ``address``: the first postcode in the published office address, if the gazetteer knows it
   (``73726`` and ``01001`` are a large-customer and a PO-box postcode GeoNames does not list).
3. ``town``: the postcode of the first of ``towns`` nearest that town's centre (GeoNames); where the town is
   no postcode's main place, the town's centre as ``{lat, lon}``.
4. ``district``: the same for the district's administrative seat (``DISTRICT_SEATS``; a "Stadt X" is X).
5. ``capital``: the state capital, with a caveat that the seat is not known (a stand-in for distances).

Networks that arrive through research files (``networks:`` in data/research/*.yaml) carry their own seat
and are not listed here. ``import_research.py`` applies this file.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.build import Placer, build_database  # noqa: E402
from bot.catalog import Catalog  # noqa: E402
from bot.store import haversine_km  # noqa: E402

DATA = ROOT / "data"
SEATS = DATA / "research" / "seats.yaml"
GEONAMES = "GeoNames-Postleitzahlen (data/gazetteer/postcodes_de.tsv)"

# The administrative seat of a district, where a network is known only by its district(s).
DISTRICT_SEATS = {
    "Landkreis Hof": ("Hof", "Stadt Hof"),
    "Kreis Groß-Gerau": ("Groß-Gerau", "Kreis Groß-Gerau"),
    "Wetteraukreis": ("Friedberg (Hessen)", "Wetteraukreis"),
    "Landkreis Cuxhaven": ("Cuxhaven", "Landkreis Cuxhaven"),
    "Oberbergischer Kreis": ("Gummersbach", "Oberbergischer Kreis"),
    "Hochsauerlandkreis": ("Meschede", "Hochsauerlandkreis"),
    "Landkreis Schmalkalden-Meiningen": ("Meiningen", "Landkreis Schmalkalden-Meiningen"),
}

CAPITAL_CAVEAT = ("Sitz der Koordinierungsstelle in den Quellen nicht belegt; für Entfernungen und die Karte steht "
                  "ersatzweise die Landeshauptstadt {capital}.")

# Seats a rule cannot derive. ``seat`` is a postcode, or ``town`` a place whose central postcode is taken;
# ``add_sources`` are copied into the record's sources (the fact "the carrier sits in X" rests on them),
# ``evidence`` only documents where a postcode comes from.
OVERRIDES: dict[str, dict] = {
    # Berlin: at the network's locality or district, not the city centre (GeoNames calls these postcodes "Berlin")
    "fachkraeftenetzwerk-adlershof": {
        "seat": "12489", "seat_basis": "town",
        "evidence": "Postleitzahl des Ortsteils Adlershof: https://de.zxc.wiki/wiki/Berlin-Adlershof"},
    "kooperationsvereinbarung-unternehmen-neukoelln": {
        "seat": "12043", "seat_basis": "town",
        "evidence": "Postleitzahlen des Ortsteils Neukölln (12043–12059), Rathaus Neukölln Karl-Marx-Straße 83, 12043: "
                    "https://de.frwiki.wiki/wiki/Rixdorf, https://de.zxc.wiki/wiki/Bezirk_Neuk%C3%B6lln"},
    "unternehmensnetzwerk-grossbeerenstrasse": {
        "seat": "12105", "seat_basis": "town",
        "evidence": "Gewerbegebiet Großbeerenstraße mit dem früheren Gaswerk Mariendorf "
                    "(https://netzwerk-grossbeerenstrasse.de/home/presse/9-netzwerk/61-bahnhof-marienfelde); "
                    "Altes Gaswerk Mariendorf, 12105 Berlin-Mariendorf (https://de.nearbywiki.org/detail/9005675)"},
    "bbwa-friedrichshain-kreuzberg": {
        "seat": "10247", "seat_basis": "organisation",
        "add_sources": ["https://www.morgenpost.de/bezirke/friedrichshain-kreuzberg/article232557657/"
                        "Rigaer-94-Rathaus-Friedrichshain-Kreuzberg-geschlossen.html"],
        "evidence": "Rathaus des Bezirksamts Friedrichshain-Kreuzberg, Frankfurter Allee 35/37 (zitierte Seite, ohne PLZ); "
                    "die PLZ 10247 dieser Anschrift stammt aus öffentlichen Adressangaben des Bezirksamts, nicht aus "
                    "der zitierten Seite; GeoNames führt 10247 als Berlin Friedrichshain"},
    "regionales-fachkraefte-buendnis-friedrichshain-kreuzberg": {
        "seat": "10247", "seat_basis": "district",
        "evidence": "Verwaltungssitz des Bezirks Friedrichshain-Kreuzberg (Rathaus Frankfurter Allee 35/37, "
                    "https://www.morgenpost.de/bezirke/friedrichshain-kreuzberg/article232557657/"
                    "Rigaer-94-Rathaus-Friedrichshain-Kreuzberg-geschlossen.html)"},
    # networks without a town or district in their record
    "fachkraefteallianz-ostwuerttemberg": {
        "town": "Schwäbisch Gmünd", "seat_basis": "organisation",
        "add_sources": ["http://www.ostwuerttemberg.de/de/wiro/wiro.asp"],
        "evidence": "Die federführende WiRO hat ihren Sitz in Schwäbisch Gmünd (eigene Seite der WiRO)"},
    "kompetenzregion-lausitz": {
        "seat": "03046", "seat_basis": "organisation",
        "add_sources": ["http://wirtschaftsregion-lausitz.de/de/wirtschaft/landkreise-und-stadt-cottbus.html"],
        "evidence": "Wirtschaftsregion Lausitz GmbH, Am Turm 14, 03046 Cottbus (eigene Seite)"},
    "arbeitgeberschmiede-suedwestfalen-plus": {
        "town": "Olpe", "seat_basis": "organisation",
        "evidence": "Der Datensatz nennt die Südwestfalen Agentur GmbH mit Sitz in Olpe"},
    "regionalmanagement-nordhessen-arbeitskraeftesicherung": {
        "town": "Kassel", "seat_basis": "district",
        "evidence": "Gebiet: Stadt Kassel und die fünf nordhessischen Landkreise (Korrektur in "
                    "data/research/regions-2026-12.yaml); ihr erster Kreis ist die Stadt Kassel"},
    "netzwerk-teilzeitausbildung-baden-wuerttemberg": {"seat_basis": "capital", "scope": "state"},
    "schulewirtschaft-bayern": {"seat_basis": "capital", "scope": "state"},
    "zukunftsinitiative-eifel-fachkraeftekampagne": {"seat_basis": "capital"},
    # state-wide and nationwide programmes (their seat is found by the rules)
    "zukunftsbuendnis-fachkraefte-saar": {"scope": "state"},
    "initiative-ausbildungsbotschafter-baden-wuerttemberg": {"scope": "state"},
    "hueben-und-drueben": {"scope": "national"},
}

POSTCODE = re.compile(r"(?<!\d)\d{5}(?!\d)")


class Seats:
    def __init__(self, placer: Placer, catalog: Catalog):
        self.placer = placer
        self.catalog = catalog

    def central_postcode(self, town: str, states: list[str], district: str | None = None) -> str | dict | None:
        """The postcode of ``town`` whose /naehe point is nearest the town's centre (GeoNames); where no
        postcode has the town as its main place (03130 is shared by 15 places, its point is Bagenz), the
        town's centre itself as ``{lat, lon}``."""
        codes = set()
        if district:
            found = self.placer.district(district, states)
            codes = {found["code"]} if found else set()
        place = self.placer.town(town, states, codes)
        if place is None:
            return None
        municipality = place["parent"] or place["name"]
        candidates = [pc for pc, row in self.placer.postcodes.items()
                      if row["town"] == municipality and row["district_code"] == place["district_code"]]
        if not candidates:
            return {"lat": place["lat"], "lon": place["lon"]}
        return min(candidates, key=lambda pc: (haversine_km(place["lat"], place["lon"], self.placer.postcodes[pc]["lat"],
                                                            self.placer.postcodes[pc]["lon"]), pc))

    def derive(self, rec: dict) -> dict:
        states = rec["states"]
        spec = dict(OVERRIDES.get(rec["id"], {}))
        basis = spec.pop("seat_basis", None)
        seat = spec.pop("seat", None)
        town = spec.pop("town", None)
        caveat = None
        if town:
            seat = self.central_postcode(town, states)
        if seat is None and basis == "capital":
            capital = self.catalog.state_by_name[states[0]].capital
            seat = self.central_postcode(capital, [states[0]])
            caveat = CAPITAL_CAVEAT.format(capital=capital)
        if seat is None and basis is None:
            seat, basis = self._by_rules(rec)
        if seat is None:
            raise SystemExit(f"{rec['id']}: kein Sitz ableitbar")
        entry = {"id": rec["id"], "seat": seat, "seat_basis": basis}
        if "scope" in spec:
            entry["scope"] = spec.pop("scope")
        if caveat:
            entry["caveat"] = caveat
        entry.update(spec)
        return entry

    def _by_rules(self, rec: dict) -> tuple[str | None, str | None]:
        states = rec["states"]
        for postcode in POSTCODE.findall(rec.get("address") or ""):
            if postcode in self.placer.postcodes:
                return postcode, "address"
        for town in rec["towns"][:1]:
            found = self.central_postcode(town, states)
            if found:
                return found, "town"
        for district in rec["districts"][:1]:
            if district.startswith("Stadt "):
                found = self.central_postcode(district[len("Stadt "):], states, district)
            elif district in DISTRICT_SEATS:
                found = self.central_postcode(*DISTRICT_SEATS[district][:1], states, DISTRICT_SEATS[district][1])
            else:
                found = None
            if found:
                return found, "district"
        return None, None


HEADER = """\
# The seat of every network of the base research (scripts/assign_seats.py writes this file; its docstring has
# the rules). `seat`: postcode of the coordinating office; `seat_basis`: how it was found (address: the published
# office address; organisation: the carrier's seat as a source names it; town: the centre of the network's first
# town; district: the centre of its district's administrative seat; capital: the state capital, a stand-in with a
# caveat). `scope`: state/national for programmes that are not regional. `add_sources` are copied into the
# record, `caveat` into its `unconfirmed`; `evidence` only documents the postcode. Postcodes and centres: GeoNames.
"""


def build(records: list[dict]) -> list[dict]:
    catalog = Catalog.load(DATA)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "seats.sqlite"
        build_database(DATA, db, catalog)
        import sqlite_utils

        placer = Placer(sqlite_utils.Database(db))
        seats = Seats(placer, catalog)
        return [seats.derive(rec) for rec in records]


def base_records() -> list[dict]:
    """The records of data/networks.yaml that no research file brings as a new network."""
    records = yaml.safe_load((DATA / "networks.yaml").read_text(encoding="utf-8"))["networks"]
    new = set()
    for path in sorted((DATA / "research").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        new |= {n.get("id") for n in raw.get("networks") or [] if isinstance(n, dict)}
    return [r for r in records if r["id"] not in new]


def render(entries: list[dict]) -> str:
    return HEADER + yaml.safe_dump({"seats": entries}, allow_unicode=True, sort_keys=False, width=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with data/research/seats.yaml")
    args = parser.parse_args(argv)
    text = render(build(base_records()))
    if args.check:
        same = SEATS.exists() and SEATS.read_text(encoding="utf-8") == text
        print("seats.yaml ist aktuell." if same else "seats.yaml weicht von den Regeln ab: scripts/assign_seats.py")
        return 0 if same else 1
    SEATS.parent.mkdir(parents=True, exist_ok=True)
    SEATS.write_text(text, encoding="utf-8")
    entries = yaml.safe_load(text)["seats"]
    bases: dict = {}
    for e in entries:
        bases[e["seat_basis"]] = bases.get(e["seat_basis"], 0) + 1
    print(f"{len(entries)} Sitze nach {SEATS.relative_to(ROOT)}: " + ", ".join(f"{k}: {v}" for k, v in bases.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
