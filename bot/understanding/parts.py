"""Questions with two parts: "Sachsen und Thüringen", "Preisträger 2013 und 2014", "Pflege und Logistik in
Leipzig", "saarland, rlp", "37073 und 34117".

The standalone rules decide one query from the first region, year and topic. This adds the further ones
the message joins to them, so the answer covers every part: states with states, places with places,
years to an award question, topics to a topic question. A part that cannot be combined with the query
(a state next to a town elsewhere, a second place in a question about one network) is not dropped: it
becomes a button of its own (``Query.other_parts``), and the answer says which part it answered.
"""

from __future__ import annotations

from .. import actions
from ..models import Choice, Query, Region
from .lexicon import ARTICLES, CONJUNCTIONS, LOCATIVES
from .signals import Signals, Span

JOINERS = CONJUNCTIONS | LOCATIVES | ARTICLES | frozenset({"auch", "sowie", "nach", "den", "kreis", "landkreis"})
PLACE_INTENTS = ("region", "nearby", "topic", "contact", "award")


class PartsMixin:
    def _add_parts(self, query: Query, sig: Signals) -> None:
        if query.intent == "award" and len(sig.years) > 1 and query.year == sig.years[0]:
            query.extra_years = sig.years[1:]
        if query.intent == "topic" and sig.extra_topics and query.topic == sig.topic:
            query.extra_topics = list(sig.extra_topics)
        if query.intent in PLACE_INTENTS and query.region is not None and query.network_id is None:
            self._add_regions(query, sig)
        elif query.intent == "clarify" and query.info in PLACE_INTENTS:
            self._add_regions_to_choices(query, self._joined_regions(sig)[1:])

    def _joined_regions(self, sig: Signals) -> list[Region]:
        """The places the message joins with "und", "oder" or a comma, in order (the first as the rules
        read it; several of one name: the likeliest)."""
        spans = [s for s in sig.spans if s.kind in ("state", "district", "town", "area")]
        if len(spans) < 2 and len(sig.postcodes) < 2:
            return []
        regions: list[Region] = []
        if len(sig.postcodes) >= 2:
            for code in sig.postcodes:
                region = self.gazetteer.postcode_region(self.store, code)
                if region is not None:
                    regions.append(region)
            return regions
        group = [spans[0]]
        for span in spans[1:]:
            between = sig.tokens[group[-1].end:span.start]
            if all(w in JOINERS for w in between):
                group.append(span)
            else:
                break
        states = [s.value for s in group if s.kind == "state"]
        places = [s for s in group if s.kind != "state"]
        qualifier = states[0] if places and len(states) == 1 else None
        towns = [p for s in group if s.kind == "town" for p in s.value[:1]]
        for span in group:
            if span.kind == "state" and span.value == qualifier and self._qualifies(places, qualifier, sig):
                continue  # "Leipzig Sachsen", "Neustadt in Sachsen": the state says which place
            if span.kind in ("district", "area") and any(self._contains(span, town) for town in towns):
                continue  # "Lage in Lippe", "Hof in Oberfranken": the district says where the town is
            region = self._span_region(span, qualifier if span.kind != "state" else None, sig)
            if region is not None and all(not self._same(region, r) for r in regions):
                regions.append(region)
        return regions

    def _qualifies(self, places: list[Span], state: str, sig: Signals) -> bool:
        return any(self._span_region(p, state, sig) is not None and
                   (self._span_region(p, state, sig).state == state) for p in places)

    def _span_region(self, span: Span, state: str | None, sig: Signals) -> Region | None:
        if span.kind == "state":
            return self._state_region(span.value)
        if span.kind == "area":
            return self.gazetteer.area_region(span.value)
        if span.kind == "district":
            districts = [d for d in span.value if not state or d.state == state] or span.value
            return self.gazetteer.district_region(districts[0])
        places = self._rank_places(span, state, " ".join(sig.tokens[span.start:span.end]))
        return self.gazetteer.town_region(places[0]) if places else None

    @staticmethod
    def _same(a: Region, b: Region) -> bool:
        return a.kind == b.kind and (a.code, a.name) == (b.code, b.name)

    def _add_regions(self, query: Query, sig: Signals) -> None:
        regions = self._joined_regions(sig)
        if len(regions) < 2 or not any(self._same(query.region, r) for r in regions):
            return
        primary = query.region
        for region in regions:
            if self._same(region, primary):
                continue
            combinable = (region.kind == "state") == (primary.kind == "state") and primary.kind != "point" \
                and not (query.intent == "award" and region.kind != "state")
            if combinable and len(query.extra_regions) < 5:
                query.extra_regions.append(region)
            else:
                self._other_part(query, region, query.intent)
        if query.extra_regions and query.intent == "nearby":
            query.intent = "region"  # "Netzwerke bei Leipzig und Halle": the places' lists together

    def _add_regions_to_choices(self, query: Query, extras: list[Region]) -> None:
        """"Netzwerke in Frankfurt und Leipzig": each "which Frankfurt?" choice lists Leipzig too."""
        for region in extras:
            added = False
            for choice in query.choices:
                chosen = actions.decode(choice.action)
                if chosen is None or chosen.region is None or (region.kind == "state") != (chosen.region.kind == "state"):
                    continue
                chosen.extra_regions.append(region)
                action = actions.for_query(chosen, 0)
                if action:
                    choice.action, added = action, True
            if not added:
                self._other_part(query, region, query.info)

    @staticmethod
    def _other_part(query: Query, region: Region, intent: str) -> None:
        """A part the answer does not cover, offered as a button that asks it on its own."""
        action = actions.for_query(Query(intent=intent if intent != "award" else "region", region=region,
                                         topic=query.topic), 0)
        if action and all(c.action != action for c in query.other_parts):
            label = region.name if region.kind in ("state", "area") else f"{region.name} ({region.state})"
            query.other_parts.append(Choice(label, action, region.kind, region.code))
