"""Scope: programme questions, region groups, places abroad and questions the bot cannot answer.

* ``_faq``: "Wer vergibt den Preis?", "Wie kann man sich bewerben?", "Wie viele Netzwerke gibt es?",
  "Welche Netzwerke haben zweimal gewonnen?", "Wie viele Bewerbungen gab es 2014?" -> intent ``info`` with
  the answer's id (``data/faq.yaml``; a few are computed from the data, see ``bot.answer``).
* region groups: "Preisträger aus Ostdeutschland", "Netzwerke im Norden" -> the group's states.
* ``_abroad``: "Wien", "Basel", "Salzburg Österreich", "Netzwerke in der Schweiz" -> "ich kenne nur
  Netzwerke in Deutschland" (scope ``country``), with the German town across the border where there is one.
* ``_off_topic``: "Bestes Restaurant in Berlin?", "wie wird das wetter morgen in München", "Gibt es Förderung
  für Weiterbildung?" -> "das weiß ich nicht" (scope ``domain``), with the networks of a place it names.
"""

from __future__ import annotations

from .. import actions
from ..faq import Knowledge
from ..models import Choice, Query
from ..textnorm import fold
from .lexicon import (
    ABOUT_THE_LIST,
    APPLICATION_WORDS,
    APPLY_WORDS,
    AWARD_NOUNS,
    BUSINESS_WORDS,
    CONTACT_WORDS,
    COUNT_PHRASES,
    COUNT_WORDS,
    COUNTRY_WORDS,
    FUNDING_WORDS,
    MANY_TIMES,
    MANY_TIMES_PHRASES,
    NETWORK_NOUNS,
    OFF_TOPIC_PHRASES,
    OFF_TOPIC_WORDS,
    STAFFING_WORDS,
    STOPWORDS,
)
from .signals import Signals, Span

WHAT_IS = ("was ist", "was sind", "was genau ist", "what is", "what are", "what exactly is", "whats", "was bedeutet")
# "Sächsische Schweiz", "Fränkische Schweiz" (and "Sächsiche Schweiz" typed in haste) are German
ADJECTIVE_ENDINGS = ("sche", "schen", "scher", "che")


class ScopeMixin:
    def _init_scope(self) -> None:
        self.knowledge = Knowledge.load(self.catalog.data_dir)
        # patterns in the words the rules see ("skilled worker network" -> "fachkraeftenetzwerk")
        self._faq_patterns = [(entry.id, " ".join(self._rewrite(pattern.split())))
                              for entry in self.knowledge.faq.values() for pattern in entry.patterns]
        self._group_names = sorted(((name, group) for group in self.knowledge.groups for name in group.names),
                                   key=lambda ng: -len(ng[0].split()))

    # -- finding (called by analyse, before places) --------------------------------------------------
    def _find_groups_and_abroad(self, sig: Signals) -> None:
        tokens, taken = sig.tokens, sig.used()
        padded = f" {' '.join(tokens)} "
        for name, group in self._group_names:
            if f" {name} " in padded:
                start = self._phrase_at(tokens, name.split(), taken)
                if start is not None:
                    sig.region_group = group
                    sig.scope_tokens |= set(range(start, start + len(name.split())))
                    break
        taken = sig.used()
        for n in range(min(self.knowledge.max_abroad_words, len(tokens)), 0, -1):
            for start in range(0, len(tokens) - n + 1):
                span = set(range(start, start + n))
                key = " ".join(tokens[start:start + n])
                place = self.knowledge.abroad.get(key)
                if place is None or span & taken:
                    continue
                before = tokens[start - 1] if start else ""
                if before.endswith(ADJECTIVE_ENDINGS):
                    continue  # "Sächsische Schweiz"
                german = self.gazetteer.places(key) or self.gazetteer.district(key)
                if place.kind == "city" and (german and not place.prefer or self._longer_place_at(tokens, start, n)):
                    continue  # a German place of that name ("Linz am Rhein") is meant
                sig.abroad = place
                sig.abroad_german = key if german else None
                sig.scope_tokens |= span
                return

    @staticmethod
    def _phrase_at(tokens: list[str], words: list[str], taken: set[int]) -> int | None:
        for start in range(0, len(tokens) - len(words) + 1):
            if tokens[start:start + len(words)] == words and not taken & set(range(start, start + len(words))):
                return start
        return None

    # -- deciding (called by the rules, before names and places) ---------------------------------------
    def _scope(self, text: str, sig: Signals) -> Query | None:
        """A programme question, a place abroad, a question off the topic, or a region group; else None."""
        german_places = [s for s in sig.spans if s.kind in ("state", "district", "town", "area")]
        if sig.abroad is not None and not german_places and not sig.postcode:
            return self._abroad_query(text, sig)
        faq = self._faq(sig)
        if faq is not None:
            return Query(intent="info", text=text, info=f"faq:{faq}", year=sig.year)
        if self._off_topic(sig):
            funding = bool(set(sig.tokens) & FUNDING_WORDS)
            query = Query(intent="unknown", text=text, scope="domain", info="off_topic:funding" if funding else "off_topic")
            if sig.postcode or german_places:
                placed = self._region_from_signals(sig, text, "region")
                if placed is not None and placed.region is not None and placed.intent != "unknown":
                    query.region = placed.region
            return query
        if sig.region_group is not None and not german_places and not sig.postcode \
                and not self._names_more_than_group(sig):
            group = sig.region_group
            regions = [self._state_region(state) for state in group.states]
            intent = "award" if sig.wants_award else "topic" if sig.topic else "region"
            return Query(intent=intent, text=text, region=regions[0], extra_regions=regions[1:], region_group=group.id,
                         year=sig.year if intent == "award" else None, topic=sig.topic if intent == "topic" else None,
                         extra_years=sig.years[1:] if intent == "award" else [], count_only=sig.wants_count)
        return None

    def _names_more_than_group(self, sig: Signals) -> bool:
        """"Netzwerk Logistik Mitteldeutschland" names a network; "Preisträger Mitteldeutschland" does not:
        a network counts only if words besides the group's ("mitteldeutschland") pick it."""
        decided = self._decide_network(self.match_names(sig), sig)
        if not isinstance(decided, str):
            return False
        group_words = {sig.tokens[i] for i in sig.scope_tokens}
        return bool([w for w in self._rest_words(sig) if w not in group_words and not self._generic(w)])

    def _abroad_query(self, text: str, sig: Signals) -> Query:
        place = sig.abroad
        query = Query(intent="unknown", text=text, scope="country", info=f"abroad:{place.name}")
        if place.near_de:
            towns = self.gazetteer.places(fold(place.near_de))
            if towns:
                town = max(towns, key=lambda p: (p.size, p.main))
                query.region = self.gazetteer.town_region(town)
        if sig.abroad_german:
            # "Salzburg" may also be the German village: offered as a button of its own
            span = Span(0, 1, "town", self.gazetteer.places(sig.abroad_german))
            ranked = self._rank_places(span, None, sig.abroad_german)
            if ranked:
                region = self.gazetteer.town_region(ranked[0])
                action = actions.for_query(Query(intent="region", region=region), 0)
                if action:
                    query.other_parts.append(Choice(f"{region.name} ({region.state})", action, "town", region.code))
        return query

    def _faq(self, sig: Signals) -> str | None:
        """The id of the programme question asked, if the message is one."""
        words = set(sig.tokens)
        padded = f" {' '.join(sig.tokens)} "
        places = bool(sig.spans or sig.postcode or sig.region_group)
        counting = any(f" {p} " in padded for p in COUNT_PHRASES)
        many = words & MANY_TIMES or any(f" {p} " in padded for p in MANY_TIMES_PHRASES)
        if many and (sig.wants_award or words & {"gewonnen", "gewinner", "won", "preise"}):
            return "mehrfach-gewonnen"
        if words & APPLICATION_WORDS and (counting or "wie viel" in padded):
            return "bewerbungen-pro-jahr"
        if counting and words & NETWORK_NOUNS and not places and not sig.topic and not sig.wants_award \
                and not [w for w in self._rest_words(sig) if w not in NETWORK_NOUNS and w not in COUNTRY_WORDS
                         and w not in COUNT_WORDS and w not in ABOUT_THE_LIST]:
            return "wie-viele-netzwerke"  # (a word left over may be a typo'd place: "gibts in Hessn")
        if places or sig.years and sig.wants_award:
            return None  # "Wie viele Netzwerke gibt es in Bayern?" asks for Bayern, "… 2025 gewonnen?" for 2025
        best, best_len = None, 0
        for faq_id, pattern in self._faq_patterns:
            if f" {pattern} " in padded and len(pattern) > best_len:
                best, best_len = faq_id, len(pattern)
        if best is not None:
            return best
        content = {w for w in words if w not in STOPWORDS}
        if any(padded.startswith(f" {p} ") for p in WHAT_IS) and words & NETWORK_NOUNS \
                and content <= NETWORK_NOUNS | {"genau", "exactly", "eigentlich"}:
            return "was-ist-netzwerk"  # "what exactly is a Fachkräftenetzwerk", "Was ist eine Fachkräfteallianz?"
        if words & APPLY_WORDS and (sig.wants_award or words & {"wettbewerb", "fachkraeftepreis", "frist",
                                                                  "bewerbungsfrist"}):
            return "bewerben"  # "Können wir da auch mitmachen bei dem Wettbewerb?"
        if sig.topic:
            return None
        for faq_id, pattern in self._faq_patterns:
            needed = {w for w in pattern.split() if w not in STOPWORDS}
            if len(needed) >= 2 and needed <= content and len(content) <= len(needed) + 2:
                return faq_id
        return None

    def _off_topic(self, sig: Signals) -> bool:
        """A question that is not about networks: restaurants, weather, funding, job ads …"""
        words = set(sig.tokens)
        padded = f" {' '.join(sig.tokens)} "
        if not (words & OFF_TOPIC_WORDS or any(f" {p} " in padded for p in OFF_TOPIC_PHRASES)):
            return False
        if words & NETWORK_NOUNS or words & AWARD_NOUNS or words & CONTACT_WORDS or (
                words & STAFFING_WORDS and words & OFF_TOPIC_WORDS <= BUSINESS_WORDS):
            # "Netzwerke für Förderung …", "Kontakt …", "Preis …", "Bäckerei sucht Fachkräfte": about networks
            return False
        return not isinstance(self._decide_network(self.match_names(sig), sig), str)
