"""How well the networks cover Germany: what ``/naehe <PLZ>`` finds for every postcode, and per district.

Two figures, both measured with the store's own nearest-point search (the one ``/naehe`` answers with):

* **Postcodes**: for each of the gazetteer's postcodes (at the coordinates ``/naehe 12345`` uses), the
  distance to the nearest network of any kind, and the share of postcodes with one within 25 and 50 km.
* **Districts, as the issue measured them**: a district is "farther than 50 km from any network" when
  none of its postcodes has a network (of any kind) within 50 km (``postcode_min_km``).
* **Districts, regional**: for each district, the nearest *regional* network: one whose region includes the district
  (0 km, "im Gebiet"), else the nearest one measured from the district's centre. A regional network is one
  whose ``scope`` is not ``state`` or ``national`` (a state-wide programme counts for the postcode figures,
  located at its seat, but must not hide a district without a network of its own) and that has not ended
  (``status`` ended or dissolved).

All 8,307 postcodes and 400 districts take about a second (the point grid, no per-postcode SQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .store import Store

BANDS_KM = (25.0, 50.0)
NOT_REGIONAL = ("state", "national")
ENDED = ("ended", "dissolved")


@dataclass
class DistrictCoverage:
    code: str
    name: str
    state: str
    covered_by: list[str]  # regional networks whose region includes the district
    nearest_id: str | None  # the nearest regional network (by its nearest point) from the district centre
    nearest_km: float | None
    postcode_min_km: float | None = None  # the nearest any network comes to one of the district's postcodes

    @property
    def km(self) -> float | None:
        """0 where a regional network covers the district, else the distance to the nearest one."""
        return 0.0 if self.covered_by else self.nearest_km


@dataclass
class Coverage:
    postcode_km: dict[str, float | None]  # postcode -> km to the nearest network (None: none at all)
    districts: list[DistrictCoverage]
    regional_ids: set[str] = field(default_factory=set)

    def share_within(self, km: float) -> float:
        found = [d for d in self.postcode_km.values() if d is not None and d <= km]
        return len(found) / len(self.postcode_km) if self.postcode_km else 0.0

    def districts_beyond(self, km: float = 50.0) -> list[DistrictCoverage]:
        """Districts without a regional network within ``km``, farthest first."""
        far = [d for d in self.districts if d.km is None or d.km > km]
        return sorted(far, key=lambda d: (-(d.km if d.km is not None else float("inf")), d.name))

    def districts_far_from_any(self, km: float = 50.0) -> list[DistrictCoverage]:
        """Districts none of whose postcodes has any network within ``km`` (the issue's measure), farthest first."""
        far = [d for d in self.districts if d.postcode_min_km is None or d.postcode_min_km > km]
        return sorted(far, key=lambda d: (-(d.postcode_min_km or float("inf")), d.name))

    def summary(self) -> dict:
        return {
            "postcodes": len(self.postcode_km),
            **{f"share_within_{int(b)}_km": round(self.share_within(b), 4) for b in BANDS_KM},
            "districts": len(self.districts),
            "districts_beyond_50_km": len(self.districts_beyond(50.0)),
            "districts_far_from_any_50_km": len(self.districts_far_from_any(50.0)),
            "regional_networks": len(self.regional_ids),
        }


def postcode_points(store: Store) -> dict[str, tuple[float, float, str]]:
    """Every postcode at the coordinates ``/naehe <PLZ>`` uses (its main place's row, as Store.postcode),
    with that row's district code."""
    points: dict[str, tuple[float, float, str]] = {}
    for postcode, lat, lon, district in store.conn.execute(
            "select postcode, lat, lon, district_code from postcodes order by postcode, is_main desc, place"):
        points.setdefault(postcode, (lat, lon, district))
    return points


def regional_ids(store: Store) -> set[str]:
    """Networks that count for a district: not state-wide or nationwide, not ended."""
    columns = {row[1] for row in store.conn.execute("pragma table_info(networks)")}
    scope = "coalesce(scope, '')" if "scope" in columns else "''"
    return {nid for (nid,) in store.conn.execute(
        f"select id from networks where {scope} not in (?, ?) and coalesce(status, '') not in (?, ?) "
        f"and lat is not null", [*NOT_REGIONAL, *ENDED])}


def measure(store: Store) -> Coverage:
    with store.lock:
        points = postcode_points(store)
        postcode_km: dict[str, float | None] = {}
        for postcode, (lat, lon, _district) in points.items():
            found = store.nearest(lat, lon, limit=1)
            postcode_km[postcode] = found[0][1] if found else None
        district_min: dict[str, float] = {}  # over every postcode with a row in the district
        for postcode, district in store.conn.execute("select distinct postcode, district_code from postcodes"):
            km = postcode_km.get(postcode)
            if km is not None and km < district_min.get(district, float("inf")):
                district_min[district] = km
        regional = regional_ids(store)
        covering: dict[tuple[str, str], list[str]] = {}
        for nid, key, state in store.conn.execute(
                "select network_id, key, state from network_regions where kind = 'district'"):
            if nid in regional:
                covering.setdefault((key, state), []).append(nid)
        districts = []
        for code, name, core, state, lat, lon in store.conn.execute(
                "select code, name, core, state, lat, lon from districts order by state, name"):
            nearest = store.nearest(lat, lon, limit=1, among=regional) if regional else []
            districts.append(DistrictCoverage(
                code, name, state, sorted(set(covering.get((code, state), []))),
                nearest[0][0] if nearest else None, nearest[0][1] if nearest else None, district_min.get(code)))
    return Coverage(postcode_km, districts, regional)
