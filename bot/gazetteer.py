"""Places, districts and states in memory, for matching words of a question against them.

Loaded once from the store (about 14,500 places, 400 districts, 16 states: a few milliseconds and
a few MB). Exact lookups are dictionary hits on folded names; typo-tolerant lookups use rapidfuzz
over the names of municipalities only, and only when nothing matched exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .catalog import Catalog
from .models import Region
from .placenames import district_core
from .store import Store
from .textnorm import fold


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    state: str
    district: str
    district_code: str
    parent: str | None
    lat: float
    lon: float
    size: int
    postcode: str  # one of its postcodes: a stable reference to the place for buttons
    main: int = 0  # postcodes whose main place it is: small villages that share a postcode have 0

    @property
    def label(self) -> str:
        if not self.district or self.district == f"Stadt {self.name}":  # "Halle (Saale) (Sachsen-Anhalt)"
            return f"{self.name} ({self.state})"
        return f"{self.name} ({self.district}, {self.state})"


@dataclass(frozen=True)
class District:
    name: str
    core: str
    state: str
    code: str
    lat: float
    lon: float
    is_city: bool


class Gazetteer:
    def __init__(self, store: Store, catalog: Catalog):
        self.catalog = catalog
        self.by_key: dict[str, list[Place]] = defaultdict(list)
        self.by_short: dict[str, list[Place]] = defaultdict(list)
        rows = store.load_places()
        first_postcode, main = {}, {}
        for r in store.db.query("select place, district_code, min(postcode) as pc, sum(is_main) as main "
                                "from postcodes group by place, district_code"):
            first_postcode[(r["place"], r["district_code"])] = r["pc"]
            main[(r["place"], r["district_code"])] = r["main"] or 0
        for r in rows:
            place = Place(r["id"], r["name"], r["state"], r["district"], r["district_code"], r["parent"],
                          r["lat"], r["lon"], r["size"], first_postcode.get((r["name"], r["district_code"]), ""),
                          main.get((r["name"], r["district_code"]), 0))
            self.by_key[r["key"]].append(place)
            if r["short_key"] and r["short_key"] != r["key"]:
                self.by_short[r["short_key"]].append(place)
        for places in list(self.by_key.values()) + list(self.by_short.values()):
            places.sort(key=lambda p: (p.parent is not None, -p.size, -p.main, p.name))
        self.districts: dict[str, District] = {}
        self.districts_by_core: dict[str, list[District]] = defaultdict(list)
        for r in store.load_districts():
            d = District(r["name"], r["core"], r["state"], r["code"], r["lat"], r["lon"], bool(r["is_city"]))
            self.districts[d.code] = d
            self.districts_by_core[d.core].append(d)
        self.states = {r["name"]: r for r in store.load_states()}
        by_name = {d.name: d for d in self.districts.values()}
        self.areas: dict[str, tuple[object, list[District]]] = {}
        for landscape in catalog.landscapes:
            covered = [by_name[name] for name in landscape.districts if name in by_name]
            if covered:
                self.areas[landscape.code] = (landscape, covered)
        self.max_words = max(len(k.split()) for k in list(self.by_key) + list(self.by_short))
        # municipality names for typo-tolerant matching (localities are too many and too obscure)
        self._fuzzy_names = sorted({k for k, ps in self.by_key.items() if any(p.parent is None for p in ps) and len(k) >= 4})

    # -- exact -----------------------------------------------------------------------------------
    def places(self, key: str) -> list[Place]:
        """Places whose folded full name or short name is ``key``, likeliest first."""
        found = list(self.by_key.get(key, []))
        found += [p for p in self.by_short.get(key, []) if p not in found]
        municipalities = [p for p in found if p.parent is None]
        # a municipality of that name beats a locality ("Halle" is the town, not "Halle Neustadt")
        ranked = municipalities + [p for p in found if p.parent is not None] if municipalities else found
        return sorted(ranked, key=lambda p: (p.parent is not None, -p.size, -p.main))

    def district(self, text: str) -> list[District]:
        return self.districts_by_core.get(district_core(text), [])

    def district_by_code(self, code: str) -> District | None:
        return self.districts.get(code)

    def place_by_postcode(self, store: Store, postcode: str) -> Place | None:
        row = store.postcode(postcode)
        if not row:
            return None
        for place in self.by_key.get(fold(row["place"]), []):
            if place.district_code == row["district_code"]:
                return place
        return None

    # -- regions (shared by understanding and answering, so a button rebuilds the same region) -------
    @staticmethod
    def town_region(place: Place) -> Region:
        return Region("town", place.name, place.state, place.lat, place.lon, key=fold(place.parent or place.name),
                      code=place.postcode)

    def postcode_region(self, store: Store, postcode: str) -> Region | None:
        """A postcode area: its own coordinates (not its town's), named with its main place."""
        row = store.postcode(postcode)
        place = self.place_by_postcode(store, postcode)
        if row is None or place is None:
            return None
        return Region("postcode", f"{postcode} {place.name}", place.state, row["lat"], row["lon"],
                      key=fold(place.parent or place.name), code=postcode)

    def district_region(self, district: District) -> Region:
        return Region("district", district.name, district.state, district.lat, district.lon, key=district.core,
                      code=district.code)

    def area_region(self, code: str) -> Region | None:
        """A landscape as a region: centred on its districts, in the state most of them belong to."""
        found = self.areas.get(code)
        if not found:
            return None
        landscape, districts = found
        states = [d.state for d in districts]
        state = max(set(states), key=states.count)
        lat = round(sum(d.lat for d in districts) / len(districts), 4)
        lon = round(sum(d.lon for d in districts) / len(districts), 4)
        return Region("area", landscape.name, state, lat, lon, key=code, code=code)

    def area_districts(self, code: str) -> list[District]:
        return self.areas[code][1] if code in self.areas else []

    def state_centre(self, state: str) -> tuple[float, float] | None:
        row = self.states.get(state)
        return (row["lat"], row["lon"]) if row else None

    # -- fuzzy -----------------------------------------------------------------------------------
    def fuzzy_places(self, text: str, cutoff: float = 88.0, limit: int = 3) -> list[tuple[str, float]]:
        key = fold(text)
        if len(key) < 5:
            return []
        return [(name, score) for name, score, _ in
                process.extract(key, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)]
