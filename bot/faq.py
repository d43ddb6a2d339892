"""What the bot knows beyond the networks themselves: programme questions, region groups, places abroad.

``data/faq.yaml`` holds sourced answers to the questions people ask about the programme ("Wer vergibt den
Preis?", "Wie kann man sich bewerben?"), the applications per award year where a source gives a number, and
the region groups people use ("Ostdeutschland", "der Norden") with the states each stands for.
``data/abroad.yaml`` names countries and cities outside Germany, so that "Wien" or "Netzwerke in der Schweiz"
gets "ich kenne nur Netzwerke in Deutschland" instead of a German village or the Sächsische Schweiz.

Both are small, read once, and matched on folded text (``bot.textnorm.fold``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .textnorm import fold
from .yamlfile import load_yaml


@dataclass(frozen=True)
class FaqEntry:
    id: str
    patterns: tuple[str, ...]  # folded
    answer: str
    answer_en: str | None
    sources: tuple[str, ...]
    internal: bool = False  # about the bot itself (no external sources)


@dataclass(frozen=True)
class RegionGroup:
    id: str
    names: tuple[str, ...]  # folded
    states: tuple[str, ...]
    label: str  # the first name, as people write it ("Ostdeutschland")
    label_en: str | None = None  # the name English answers show ("Eastern Germany")


@dataclass(frozen=True)
class Abroad:
    kind: str  # country | city
    name: str  # as written in the data
    country: str  # ISO code
    near_de: str | None = None  # a German town across the border
    prefer: bool = False  # meant even where a German village has the name
    name_en: str | None = None  # the name English answers show ("Austria", "Vienna"), if not ``name``


@dataclass
class Knowledge:
    faq: dict[str, FaqEntry] = field(default_factory=dict)
    per_year: dict[int, dict] = field(default_factory=dict)
    groups: list[RegionGroup] = field(default_factory=list)
    abroad: dict[str, Abroad] = field(default_factory=dict)  # folded name -> place
    as_of: str | None = None
    _max_abroad_words: int | None = None

    @classmethod
    def load(cls, data_dir: Path) -> "Knowledge":
        knowledge = cls()
        path = data_dir / "faq.yaml"
        if path.exists():
            raw = load_yaml(path) or {}
            for entry in raw.get("faq") or []:
                knowledge.faq[entry["id"]] = FaqEntry(
                    entry["id"], tuple(dict.fromkeys(fold(p) for p in entry.get("patterns") or [])),
                    " ".join(str(entry["answer"]).split()),
                    " ".join(str(entry["answer_en"]).split()) if entry.get("answer_en") else None,
                    tuple(entry.get("sources") or []), bool(entry.get("internal")))
                knowledge.as_of = max(knowledge.as_of or "", str(entry.get("as_of") or "")) or None
            for row in raw.get("per_year") or []:
                knowledge.per_year[int(row["year"])] = row
            for group in raw.get("groups") or []:
                names = [fold(n) for n in group["names"]]
                # "der Süden", "im Süden" -> also "aus dem Süden", "in den Süden"
                names += [f"{article} {n.split(' ', 1)[1]}" for n in names if n.split(" ", 1)[0] in ("der", "im")
                          for article in ("dem", "den")]
                knowledge.groups.append(RegionGroup(group["id"], tuple(dict.fromkeys(names)),
                                                    tuple(group["states"]), group["names"][0], group.get("name_en")))
        path = data_dir / "abroad.yaml"
        if path.exists():
            raw = load_yaml(path) or {}
            for country in raw.get("countries") or []:
                for name in country["names"]:
                    knowledge.abroad.setdefault(fold(name), Abroad("country", country["names"][0], country["code"],
                                                                   name_en=country.get("name_en")))
            for city in raw.get("cities") or []:
                for name in city["names"]:
                    knowledge.abroad.setdefault(fold(name), Abroad("city", city["names"][0], city["country"],
                                                                   city.get("near_de"), bool(city.get("prefer")),
                                                                   city.get("name_en")))
        return knowledge

    @property
    def max_abroad_words(self) -> int:
        if self._max_abroad_words is None:
            self._max_abroad_words = max((len(k.split()) for k in self.abroad), default=0)
        return self._max_abroad_words

    def abroad_name(self, name: str, lang: str) -> str:
        """The name of a place abroad (as ``Abroad.name``) in ``lang``: "Österreich" -> "Austria"."""
        place = self.abroad.get(fold(name))
        return place.name_en if lang == "en" and place is not None and place.name_en else name

    def country_name(self, code: str) -> str:
        return next((a.name for a in self.abroad.values() if a.kind == "country" and a.country == code), code)
