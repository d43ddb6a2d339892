"""SYNTHETIC networks for benchmarks – never real, never written into ``data/``.

Every record is clearly marked: its id starts with ``syn-``, its only source is
``"synthetic – benchmark only"``, its profile says it is synthetic, and no name equals (after
folding) the name or an alias of a real, bundled network. Records sit on real towns of the
gazetteer (``data/gazetteer/postcodes_de.tsv``), weighted by town size, so place, postcode and
nearby questions hit realistic densities. Topics are the fields of action of ``data/topics.yaml``
without a ``parent``; sectors come from the same file; a few records carry an "Innovatives
Netzwerk" award of a year that has an award event (2012–2022).

Generation is deterministic for a seed, and ``generate(n)`` is a prefix of ``generate(m)`` for
``n < m``. The output is an import file for ``netzwerkbot db import`` (JSON by default, YAML on
request)::

    python -m bench.synthetic 10000 -o /tmp/syn-10k.json [--seed 1] [--format yaml]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.placenames import derive_places, read_postcodes, short_name
from bot.textnorm import fold

from . import DATA_DIR, DEFAULT_SEED

SOURCE = "synthetic – benchmark only"
AS_OF = "2024-06-01"
MARK = "Synthetischer Benchmark-Datensatz (kein reales Netzwerk)."
AWARD = "Innovatives Netzwerk"
KINDS = [("network", 40), ("alliance", 35), ("initiative", 15), ("project", 7), ("campaign", 3)]
SUFFIXES = ["Nord", "Süd", "Ost", "West", "Mitte", "Land", "Stadt", "Umland", "Plus", "Zukunft"]

# {town} a town, {kreis} the district's name without "Landkreis"/"Kreis"/"Stadt", {district} the full district
# name, {thema} a short topic word, {region} town or district
TEMPLATES = [
    ("Fachkräfteallianz {town}", "alliance", 10),
    ("Fachkräfteallianz {district}", "alliance", 4),
    ("Bündnis für Fachkräfte {kreis}", "alliance", 6),
    ("Bündnis Fachkräftesicherung im {district}", "alliance", 4),
    ("Netzwerk {thema} {region}", "network", 10),
    ("Fachkräftenetzwerk {region}", "network", 8),
    ("Regionales Fachkräftenetzwerk {kreis}", "network", 4),
    ("Arbeitskreis Fachkräftesicherung {town}", "network", 4),
    ("Fachkräfteinitiative {region}", "initiative", 5),
    ("Initiative {thema} {town}", "initiative", 4),
    ("Allianz für {thema} {kreis}", "alliance", 3),
    ("Zukunftsbündnis Arbeit {town}", "alliance", 3),
    ("Fachkräfteforum {region}", "network", 3),
    ("Ausbildungsverbund {town}", "project", 3),
    ("Unternehmensnetzwerk {town}", "network", 3),
    ("Kampagne „Arbeiten in {town}“", "campaign", 1),
    ("Welcome Center {region}", "project", 2),
    ("Fachkräftebündnis {kreis}", "alliance", 4),
]
THEMA_WORDS = {
    "Berufliche Ausbildung": ["Ausbildung", "Ausbildungsplätze"],
    "Berufsorientierung": ["Berufsorientierung", "Schule-Wirtschaft"],
    "Weiterbildung": ["Weiterbildung", "Qualifizierung"],
    "Fachkräftemarketing": ["Fachkräftemarketing", "Standortmarketing"],
    "Arbeitgeberattraktivität": ["Arbeitgeberattraktivität", "Mitarbeiterbindung"],
    "Integration und Zuwanderung": ["Integration", "Zuwanderung"],
    "Willkommenskultur": ["Willkommenskultur"],
    "Rückkehr und Zuzug": ["Rückkehr", "Zuzug"],
    "Vereinbarkeit von Familie und Beruf": ["Familie und Beruf", "Vereinbarkeit"],
    "Studium und Studienabbruch": ["Studienabbruch", "Hochschule-Wirtschaft"],
    "Digitalisierung": ["Digitalisierung", "Arbeit 4.0"],
    "Gesundheit und Pflege": ["Pflege", "Gesundheit"],
    "Beschäftigung Älterer": ["Generation 50plus", "Erfahrung"],
    "Frauen und Beruf": ["Frauen und Beruf", "Wiedereinstieg"],
    "Gründung und Nachfolge": ["Unternehmensnachfolge", "Gründung"],
}


@dataclass(frozen=True)
class Town:
    name: str
    state: str
    district: str
    district_code: str
    size: int
    postcode: str


def district_label(district: str) -> str:
    """"Landkreis Göttingen" -> "Göttingen", "Stadt Dresden" -> "Dresden", "Kreis Lippe" -> "Lippe"."""
    for prefix in ("Landkreis ", "Kreis ", "Stadt ", "Regionalverband ", "Städteregion ", "Region "):
        if district.startswith(prefix):
            return district[len(prefix):]
    return district


def load_towns(data_dir: Path = DATA_DIR) -> list[Town]:
    """Municipalities (not localities) of the gazetteer, in a stable order."""
    rows = read_postcodes(data_dir / "gazetteer" / "postcodes_de.tsv")
    places, _main = derive_places(rows)
    towns = []
    for p in places:
        if p.parent is None and p.district:
            towns.append(Town(p.name, p.state, p.district, p.district_code, max(1, p.size), min(p.postcodes)))
    towns.sort(key=lambda t: (t.state, t.district_code, t.name))
    return towns


def load_vocabulary(data_dir: Path = DATA_DIR) -> tuple[list[str], list[str], list[int]]:
    """(fields of action without parent, sectors, award years 2012–2022 that have an award event)."""
    raw = yaml.safe_load((data_dir / "topics.yaml").read_text(encoding="utf-8"))
    topics = [t["name"] for t in raw["topics"] if not t.get("parent")]
    sectors = [t["name"] for t in raw["sectors"]]
    awards = yaml.safe_load((data_dir / "awards.yaml").read_text(encoding="utf-8"))["awards"]
    years = sorted({a["year"] for a in awards if a["award"] == AWARD and 2012 <= a["year"] <= 2022})
    return topics, sectors, years


def real_names(data_dir: Path = DATA_DIR) -> set[str]:
    """Folded names and aliases of the real, bundled networks: synthetic names must avoid them."""
    raw = yaml.safe_load((data_dir / "networks.yaml").read_text(encoding="utf-8"))["networks"]
    names = set()
    for rec in raw:
        for text in [rec["name"], *(rec.get("aliases") or [])]:
            names.add(fold(text))
    return names


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def _acronym(name: str) -> str:
    letters = [w[0].upper() for w in name.replace("„", " ").replace("“", " ").split() if w[:1].isalpha()]
    return "".join(letters)[:6]


class Generator:
    def __init__(self, seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR):
        self.rng = random.Random(seed)
        self.towns = load_towns(data_dir)
        self.topics, self.sectors, self.award_years = load_vocabulary(data_dir)
        self.taken = real_names(data_dir)
        # bigger towns host more networks; sqrt keeps Berlin from taking a third of everything
        self.weights = [t.size ** 0.5 for t in self.towns]
        self.cum = []
        total = 0.0
        for w in self.weights:
            total += w
            self.cum.append(total)
        self.by_district: dict[str, list[Town]] = {}
        for t in self.towns:
            self.by_district.setdefault(t.district_code, []).append(t)
        self.template_weights = [w for _, _, w in TEMPLATES]
        self.next_suffix: dict[str, int] = {}
        self.count = 0

    def _town(self) -> Town:
        return self.rng.choices(self.towns, cum_weights=self.cum, k=1)[0]

    def _unique(self, name: str) -> str:
        """``name``, or ``name`` with a suffix ("Nord", …, then 2, 3, …) when it is taken or real."""
        key = fold(name)
        if key not in self.taken:
            return name
        n = self.next_suffix.get(key, 0)
        while True:
            suffix = SUFFIXES[n] if n < len(SUFFIXES) else str(n - len(SUFFIXES) + 2)
            n += 1
            candidate = f"{name} {suffix}"
            if fold(candidate) not in self.taken:
                self.next_suffix[key] = n
                return candidate

    def record(self) -> dict:
        rng = self.rng
        self.count += 1
        town = self._town()
        topics = rng.sample(self.topics, k=_weighted(rng, [1, 2, 3], [35, 45, 20]))
        template, kind, _ = rng.choices(TEMPLATES, weights=self.template_weights, k=1)[0]
        kreis = district_label(town.district)
        use_district = "{kreis}" in template or "{district}" in template or (
            "{region}" in template and rng.random() < 0.3)
        region = kreis if use_district and "{region}" in template else short_name(town.name)
        name = template.format(town=short_name(town.name), kreis=kreis, district=town.district,
                               thema=rng.choice(THEMA_WORDS[topics[0]]), region=region)
        name = self._unique(name)
        self.taken.add(fold(name))
        towns = [town.name]
        if rng.random() < 0.15:  # a second seat in the same district
            other = rng.choice(self.by_district[town.district_code])
            if other.name != town.name:
                towns.append(other.name)
        districts = [town.district] if use_district or rng.random() < 0.3 else []
        aliases = []
        if rng.random() < 0.3:
            acro = _acronym(name)
            if len(acro) >= 3 and fold(acro) not in self.taken:
                aliases.append(acro)
        if rng.random() < 0.1:
            aliases.append(f"{name.split()[0]} {short_name(town.name)} (früher)")
        sectors = [rng.choice(self.sectors)] if rng.random() < 0.25 else []
        awards = []
        if rng.random() < 0.02:
            awards.append({"year": rng.choice(self.award_years), "award": AWARD})
        status = "ended" if rng.random() < 0.03 else "active"
        rid = f"syn-{self.count:06d}"
        profile = (f"{MARK} {name} verbindet Unternehmen, Kammern und Verwaltung in {town.name} "
                   f"({town.district}, {town.state}) und arbeitet zu {', '.join(topics)}.")
        if rng.random() < 0.1:  # not every "Bündnis" calls itself an alliance
            kind = _weighted(rng, [k for k, _ in KINDS], [w for _, w in KINDS])
        rec = {
            "id": rid, "name": name, "aliases": aliases, "kind": kind,
            "status": status, "states": [town.state], "districts": districts, "towns": towns,
            "organisation": f"Geschäftsstelle {name} (synthetisch)",
            "founded": rng.randint(2005, 2023), "topics": topics, "sectors": sectors, "profile": profile,
            "awards": awards, "sources": [SOURCE], "as_of": AS_OF,
        }
        if status == "ended":
            rec["status_note"] = "Synthetisch: Förderung ausgelaufen."
        return rec


def generate(n: int, seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR) -> list[dict]:
    """``n`` synthetic records (deterministic for ``seed``)."""
    gen = Generator(seed, data_dir)
    return [gen.record() for _ in range(n)]


def write_import_file(records: list[dict], path: Path, fmt: str | None = None) -> Path:
    """Write ``records`` as an import file for ``netzwerkbot db import`` (JSON or YAML by suffix/format)."""
    fmt = (fmt or path.suffix.lstrip(".") or "json").lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps({"networks": records}, ensure_ascii=False), encoding="utf-8")
    elif fmt in ("yaml", "yml"):
        path.write_text(yaml.safe_dump({"networks": records}, allow_unicode=True, sort_keys=False, width=110),
                        encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r} (json or yaml)")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of synthetic networks")
    parser.add_argument("-o", "--output", required=True, help="file to write (.json or .yaml); never inside data/")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--format", choices=["json", "yaml"])
    args = parser.parse_args(argv)
    out = Path(args.output).resolve()
    if DATA_DIR.resolve() in out.parents:
        parser.error("synthetic data is never written into data/")
    write_import_file(generate(args.count, args.seed), out, args.format)
    print(f"{args.count} synthetic networks -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
