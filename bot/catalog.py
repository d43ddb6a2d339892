"""The hand-written vocabularies in ``data/``: states, topics and sectors, and the award events.

These are small, fixed tables that understanding, validation and answering all need; they are read
once from YAML and kept in memory (the store keeps a copy too, so the database is self-contained).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import i18n
from .i18n import _
from .records import Vocabulary
from .textnorm import fold, fold_compact
from .yamlfile import load_yaml


@dataclass(frozen=True)
class State:
    code: str
    name: str
    official: str
    capital: str
    aliases: tuple[str, ...]
    name_en: str | None = None  # the English name ("Saxony"), shown in English answers


@dataclass(frozen=True)
class Topic:
    code: str
    name: str
    kind: str  # "topic" (field of action) or "sector"
    words: tuple[str, ...]
    parent: str | None = None
    name_en: str | None = None  # the English name ("Health and care"), shown in English answers


@dataclass(frozen=True)
class Landscape:
    """An informal region ("Sauerland", "Ruhrgebiet") and the districts it mainly covers."""

    code: str
    name: str
    aliases: tuple[str, ...]
    districts: tuple[str, ...]


@dataclass
class Catalog:
    states: list[State]
    topics: list[Topic]
    data_dir: Path = field(default=Path("."))
    landscapes: list[Landscape] = field(default_factory=list)

    @classmethod
    def load(cls, data_dir: Path) -> "Catalog":
        raw_states = load_yaml(data_dir / "states.yaml")["states"]
        states = [
            State(s["code"], s["name"], s["official"], s["capital"], tuple(dict.fromkeys([s["name"], *s["aliases"]])),
                  s.get("name_en"))
            for s in raw_states
        ]
        raw_topics = load_yaml(data_dir / "topics.yaml")
        topics = [Topic(t["code"], t["name"], "topic", tuple(t["words"]), t.get("parent"), t.get("name_en"))
                  for t in raw_topics["topics"]]
        topics += [Topic(t["code"], t["name"], "sector", tuple(t["words"]), None, t.get("name_en"))
                   for t in raw_topics["sectors"]]
        landscapes = []
        if (data_dir / "landscapes.yaml").exists():
            raw = load_yaml(data_dir / "landscapes.yaml")["landscapes"]
            landscapes = [Landscape(x["code"], x["name"], tuple(dict.fromkeys([x["name"], *x["aliases"]])),
                                    tuple(x["districts"])) for x in raw]
        return cls(states, topics, data_dir, landscapes)

    @cached_property
    def landscape_by_code(self) -> dict[str, Landscape]:
        return {x.code: x for x in self.landscapes}

    @cached_property
    def state_by_name(self) -> dict[str, State]:
        return {s.name: s for s in self.states}

    @cached_property
    def state_by_code(self) -> dict[str, State]:
        return {s.code: s for s in self.states}

    @cached_property
    def topic_by_code(self) -> dict[str, Topic]:
        return {t.code: t for t in self.topics}

    @cached_property
    def topic_by_name(self) -> dict[tuple[str, str], Topic]:
        return {(t.kind, t.name): t for t in self.topics}

    # -- names as the answer's language shows them (bot.i18n): towns and districts stay German ---------------
    def state_name(self, name: str) -> str:
        """"Sachsen" in a German answer, "Saxony" in an English one; other names as they are."""
        if i18n.current() == i18n.DEFAULT:
            return name
        state = self.state_by_name.get(name)
        if state is None:
            return _("Deutschland") if name == "Deutschland" else name
        return state.name_en or name

    def state_names(self, names) -> list[str]:
        return [self.state_name(name) for name in names]

    def topic_name(self, topic: Topic) -> str:
        """A topic's or sector's name in the answer's language ("Gesundheit und Pflege" / "Health and care")."""
        return topic.name if i18n.current() == i18n.DEFAULT else topic.name_en or topic.name

    def topic_label(self, name: str) -> str:
        """A topic or sector named as in the data (a network's ``topics``/``sectors``) in the answer's language."""
        if i18n.current() == i18n.DEFAULT:
            return name
        topic = self.topic_by_name.get(("topic", name)) or self.topic_by_name.get(("sector", name))
        return self.topic_name(topic) if topic else name

    def place_label(self, label: str) -> str:
        """A place label of the gazetteer with the state last in brackets ("Göttingen (Niedersachsen)",
        "Jena (Stadt Jena, Thüringen)") with the state named in the answer's language; others as they are."""
        if i18n.current() == i18n.DEFAULT or not label.endswith(")"):
            return label
        head, sep, inner = label[:-1].rpartition("(")
        if not sep:
            return label
        before, comma, last = inner.rpartition(", ")
        shown = self.state_name(last)
        return label if shown == last else f"{head}({before}{comma}{shown})"

    def vocabulary(self) -> Vocabulary:
        """What imported records may name: states by any alias (except ambiguous 2-letter codes), topics, sectors."""
        aliases = {}
        for state in self.states:
            for alias in (state.name, state.official, *state.aliases):
                aliases[fold_compact(alias)] = state.name
        return Vocabulary(
            states=aliases,
            topics={t.name for t in self.topics if t.kind == "topic" and t.parent is None},
            sectors={t.name for t in self.topics if t.kind == "sector"},
            postcodes=self.postcodes,
        )

    @cached_property
    def postcodes(self) -> frozenset[str] | None:
        """Every postcode of the gazetteer (a record's ``seat`` must be one), read once; None without one."""
        path = self.data_dir / "gazetteer" / "postcodes_de.tsv"
        if not path.exists():
            return None
        with path.open(encoding="utf-8") as fh:
            return frozenset(line.split("\t", 1)[0] for line in fh
                             if line[:1].isdigit())


def state_aliases_folded(catalog: Catalog) -> dict[str, str]:
    """folded alias -> state name; used by understanding for exact matching."""
    return {fold(alias): state.name for state in catalog.states for alias in state.aliases}
