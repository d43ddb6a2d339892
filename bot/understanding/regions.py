"""Regions: the place a message names, as a region/nearby/topic query (or a clarify between places)."""

from __future__ import annotations

from .. import actions
from ..models import Choice, Query, Region
from ..textnorm import fold
from .lexicon import AWARD_WORDS, CONTACT_WORDS, NEARBY_WORDS, STOPWORDS
from .signals import Signals


class RegionsMixin:
    def _region_from_signals(self, sig: Signals, text: str, intent: str | None) -> Query | None:
        """Postcode, state, district or town found in ``sig`` as a region/nearby/topic query."""
        state_span = sig.first("state")
        state = state_span.value if state_span else None
        base_intent = intent or ("nearby" if sig.wants_nearby else "region")
        topic = sig.topic
        if topic:
            base_intent = "topic" if intent in (None, "region") else base_intent
        if sig.postcode:
            region = self.gazetteer.postcode_region(self.store, sig.postcode)
            if region is None:
                return Query(intent="unknown", text=text, info="bad_postcode", region=Region("postcode", sig.postcode))
            return Query(intent=base_intent, text=text, region=region, topic=topic, count_only=sig.wants_count)
        area_span = sig.first("area")
        if area_span and not any(span.kind in ("district", "town") and span.start < area_span.start
                                 for span in sig.spans):
            region = self.gazetteer.area_region(area_span.value)
            return Query(intent=base_intent, text=text, topic=topic, count_only=sig.wants_count, region=region)
        district_span = sig.first("district")
        town_span = sig.first("town")
        if district_span and (not town_span or district_span.start <= town_span.start):
            districts = [d for d in district_span.value if not state or d.state == state] or district_span.value
            if len(districts) > 1:
                return Query(intent="clarify", text=text, info=base_intent, choices=[
                    Choice(f"{d.name} ({d.state})", self._choice_action(base_intent, topic, self.gazetteer.district_region(d)),
                           "district", d.code) for d in districts[:8]])
            d = districts[0]
            return Query(intent=base_intent, text=text, topic=topic, count_only=sig.wants_count,
                         region=self.gazetteer.district_region(d))
        if town_span:
            places = self._rank_places(town_span, state, " ".join(sig.tokens[town_span.start:town_span.end]))
            if len(places) > 1:
                return Query(intent="clarify", text=text, info=base_intent, choices=[
                    Choice(p.label, self._choice_action(base_intent, topic, self.gazetteer.town_region(p)),
                           "town", p.postcode) for p in places[:8]])
            p = places[0]
            return Query(intent=base_intent, text=text, topic=topic, count_only=sig.wants_count,
                         region=self.gazetteer.town_region(p))
        if state:
            region = self._state_region(state)
            intent_here = "topic" if topic and intent in (None, "region") else (intent or "region")
            return Query(intent=intent_here, text=text, region=region, topic=topic, count_only=sig.wants_count)
        if sig.wants_country and not topic and intent in (None, "region"):
            # "Wie viele Netzwerke gibt es insgesamt / in Deutschland?"
            return Query(intent="region", text=text, region=Region("country", "Deutschland", code="DE"),
                         count_only=sig.wants_count)
        return None

    @staticmethod
    def _choice_action(intent: str, topic: str | None, region: Region) -> str:
        """A clarify button that keeps what was asked ("Pflege in Frankfurt" -> Pflege near the chosen one)."""
        return actions.for_query(Query(intent=intent, topic=topic, region=region), 0) or "h"

    def _fuzzy_region(self, sig: Signals, text: str, intent: str | None) -> Query | None:
        """Typos in states and towns: only for words no exact rule explained."""
        content = [(i, w) for i, w in enumerate(sig.tokens)
                   if w not in STOPWORDS and w not in CONTACT_WORDS and w not in NEARBY_WORDS
                   and w not in AWARD_WORDS and not w.isdigit() and i not in sig.not_places and i not in sig.used()]
        if not content:
            return None
        for _i, word in content:
            state = self._fuzzy_state(word)
            if state:
                fixed = " ".join(fold(state) if w == word else w for w in sig.tokens)
                query = self._region_from_signals(self.analyse(fixed), text, intent)
                if query:
                    return query
        for _i, word in content:
            landscape = self._fuzzy_landscape(word)
            if landscape:
                query = Query(intent=intent or ("nearby" if sig.wants_nearby else "region"), text=text,
                              region=self.gazetteer.area_region(landscape), topic=sig.topic,
                              count_only=sig.wants_count)
                if sig.topic and query.intent in ("region", "nearby"):
                    query.intent = "topic"
                return query
        words = [w for _i, w in content]
        phrase = " ".join(words)
        hits = self._fuzzy_towns(phrase) or [h for w in words for h in self._fuzzy_towns(w)]
        if hits:
            name = max(hits, key=lambda h: h[1])[0]
            query = self._region_from_signals(self.analyse(name), text, intent or ("nearby" if sig.wants_nearby else None))
            if query:
                return query
        return None

    def _place_query(self, arg: str, text: str, intent: str) -> Query | None:
        signals = self.analyse(arg)
        return self._region_from_signals(signals, text, intent) or self._fuzzy_region(signals, text, intent)
