"""Deriving towns and districts from GeoNames postcode rows (used when the database is built).

GeoNames has one row per postcode and place, and writes localities as "<Gemeinde> <Ortsteil>"
("Dresden Friedrichstadt", "Heiligengrabe Blesendorf"). We derive:

* places: one per name and district, with the mean coordinates of its rows, its postcodes and, for
  a locality, its parent municipality;
* the main place of every postcode: the municipality with the most rows there (16909 is shared by
  Wittstock/Dosse and Heiligengrabe; Wittstock, the town, has the most localities);
* short names people use: "Frankfurt" for "Frankfurt am Main" and "Frankfurt (Oder)",
  "Wittstock" for "Wittstock/Dosse", "Kreuzberg" for the Berlin locality.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .textnorm import fold

_SHORTEN = re.compile(
    r"\s*(\(.*?\)|/.*$|,.*$|\s(am|an der|an den|im|in der|in|bei|ob der|auf der|vor der)\s.*$|\s[ai]\.\s?d\.\s?.*$)"
)
_DISTRICT_PREFIX = re.compile(r"^(landkreis|kreis|stadt|lk|lkr|bezirk|regionalverband|region|staedteregion)\s+")


def short_name(name: str) -> str:
    """"Frankfurt am Main" -> "Frankfurt", "Halle (Saale)" -> "Halle", "Wittstock/Dosse" -> "Wittstock"."""
    short = _SHORTEN.sub("", name).strip()
    return short or name


# islands GeoNames knows no municipality of, as their main town: the build places a network's "Sylt" there and
# the understanding reads "auf Sylt" as Westerland
ISLAND_TOWNS = {"sylt": "westerland", "amrum": "wittduen", "foehr": "wyk auf foehr"}


def district_core(name: str) -> str:
    """Fold a district name to what distinguishes it: "Landkreis Göttingen" -> "goettingen"."""
    key = fold(name.replace("a.d.", "an der ").replace("i.d.", "in der "))
    key = _DISTRICT_PREFIX.sub("", key)
    return key


@dataclass
class PostcodeRow:
    postcode: str
    place: str
    state: str
    district: str
    district_code: str
    lat: float
    lon: float


@dataclass
class Place:
    name: str
    state: str
    district: str
    district_code: str
    parent: str | None
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    postcodes: set[str] = field(default_factory=set)
    size: int = 0  # postcodes of the municipality including its localities: a stand-in for population

    @property
    def lat(self) -> float:
        return round(sum(self.lats) / len(self.lats), 4)

    @property
    def lon(self) -> float:
        return round(sum(self.lons) / len(self.lons), 4)


def read_postcodes(path: Path) -> list[PostcodeRow]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        for rec in csv.DictReader(lines, delimiter="\t"):
            rows.append(PostcodeRow(rec["postcode"], rec["place"], rec["state"], rec["district"],
                                    rec["district_code"], float(rec["lat"]), float(rec["lon"])))
    return rows


def derive_places(rows: list[PostcodeRow]) -> tuple[list[Place], dict[str, str]]:
    """Return all places and, per postcode, the name of its main place."""
    names_by_district: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names_by_district[row.district_code].add(row.place)

    def parent_of(name: str, code: str) -> str | None:
        words = name.split(" ")
        for cut in range(len(words) - 1, 0, -1):
            candidate = " ".join(words[:cut])
            if candidate in names_by_district[code]:
                return candidate
        return None

    places: dict[tuple[str, str], Place] = {}
    per_postcode: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        key = (row.place, row.district_code)
        place = places.get(key)
        if place is None:
            place = places[key] = Place(row.place, row.state, row.district, row.district_code,
                                        parent_of(row.place, row.district_code))
        place.lats.append(row.lat)
        place.lons.append(row.lon)
        place.postcodes.add(row.postcode)
        per_postcode[row.postcode][place.parent or place.name] += 1

    family_postcodes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for place in places.values():
        family_postcodes[(place.parent or place.name, place.district_code)] |= place.postcodes
    for place in places.values():
        place.size = len(family_postcodes[(place.parent or place.name, place.district_code)])

    main_place = {}
    for postcode, counts in per_postcode.items():
        # most rows first (the town with its localities); on a tie the first name, so builds are repeatable
        main_place[postcode] = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return list(places.values()), main_place
