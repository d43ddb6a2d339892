"""Rules: what a free-text message asks, decided from its signals."""

from __future__ import annotations

from ..models import Query
from .followup import is_thanks
from .lexicon import HELP_WORDS, LOCATIVES, NEARBY_WORDS, STOPWORDS, THANKS_WORDS
from .signals import Signals

# what people add to a thank-you ("danke dir, hat geholfen", "super, vielen Dank, schönes Wochenende")
THANKS_SMALLTALK = frozenset("""danke dank dankeschoen dankesehr vielen thanks thank thx merci dir ihnen euch sehr
    hat haben geholfen hilfreich weitergeholfen super toll prima klasse perfekt genial spitze cool nett lieb schoen
    schoenen schoenes noch einen guten erfolg tag abend wochenende gruss gruesse lg vg mfg ok okay alles klar gut great nice helpful helped much a lot
    lot so very it that was war echt wirklich jedenfalls erstmal erst mal tschuess ciao bye bis dann spaeter""".split())


class RulesMixin:
    def _only_greeting(self, sig: Signals) -> bool:
        """"Moin", "Hallo!", "Moin moin": a greeting and nothing else (not "Moin Fachkräfte")."""
        content = [w for w in sig.tokens if w not in STOPWORDS]
        return bool(content) and all(w in HELP_WORDS for w in content)

    def _topic_explains(self, sig: Signals, top) -> bool:
        """The network matched only through the topic word (and places): "Pflege", "Glas in Bayern"."""
        if not sig.topic or (top is not None and top.score >= 0.97 and top.precision >= 0.95):
            return False
        topic_words = {sig.tokens[i] for i in sig.topic_tokens} | self._topic_vocabulary.get(sig.topic, set())
        # "Fachkräfte from abroad Baden-Württemberg": the words every name has do not name a network either
        return all(w in topic_words or self._is_topic_word(w) or self._generic(w) for w in self._rest_words(sig))

    def _weak_places(self, sig: Signals) -> bool:
        """Every place is one bare word not introduced as a place ("wer waren die Preisträger …")."""
        for span in sig.spans:
            before = sig.tokens[span.start - 1] if span.start > 0 else ""
            if span.kind != "town" or span.end - span.start > 1 or before in LOCATIVES:
                return False
        return bool(sig.spans)

    def _free(self, text: str, sig: Signals | None = None) -> Query:
        """The standalone reading of a message; further regions, years and topics it names are added."""
        sig = sig or self.analyse(text)
        query = self._decide_free(text, sig)
        self._add_parts(query, sig)
        if query.intent == "award" and sig.wants_count:
            query.count_only = True  # "Wie viele Netzwerke wurden 2014 ausgezeichnet?"
        if sig.wants_active and query.intent in ("region", "nearby", "topic", "contact"):
            query.active_only = True
        return query

    def _decide_free(self, text: str, sig: Signals) -> Query:
        content = [w for w in sig.tokens if w not in STOPWORDS]
        if sig.wants_help and self._only_greeting(sig) and not sig.postcode and sig.year is None:
            return Query(intent="help", text=text)
        if sig.tokens and all(w in THANKS_WORDS for w in sig.tokens) and not sig.tokens == ["alles"]:
            return Query(intent="help", text=text, info="thanks")
        if is_thanks(sig, bool(sig.postcode or sig.spans or sig.topic or sig.years)) \
                and not [w for w in self._rest_words(sig) if w not in THANKS_SMALLTALK]:
            return Query(intent="help", text=text, info="thanks")
        scoped = self._scope(text, sig)
        if scoped is not None:
            return scoped
        if set(sig.tokens) & {"themen", "topics", "branchen", "sectors"} and not (sig.topic or sig.spans or sig.postcode):
            return Query(intent="info", text=text, info="themen")  # "Welche Themen gibt es?", "which topics …"
        matches = self.match_names(sig)
        network = self._decide_network(matches, sig)
        if network is not None and not sig.wants_contact and self._topic_explains(sig, matches[0] if matches else None):
            network = None
        if isinstance(network, str):
            intent = "contact" if sig.wants_contact else "profile"
            return Query(intent=intent, text=text, network_id=network, year=sig.year)
        if sig.wants_award and not sig.topic and not sig.postcode and (not sig.spans or sig.year is not None
                                                                        and self._weak_places(sig)):
            if not sig.spans and [w for w in self._rest_words(sig) if not self._generic(w)]:
                fuzzy = self._fuzzy_region(sig, text, "region")  # "preistraeger sachsn", "Preisträger Hesen"
                if fuzzy is not None and fuzzy.intent == "region" and fuzzy.region is not None \
                        and fuzzy.region.kind == "state":
                    return Query(intent="award", text=text, year=sig.year, region=fuzzy.region)
            return Query(intent="award", text=text, year=sig.year)
        if sig.year is not None and not sig.spans and not sig.topic and not sig.postcode and len(content) <= 2:
            return Query(intent="award", text=text, year=sig.year)
        if sig.wants_award and not sig.topic and not sig.postcode and sig.spans \
                and all(span.kind == "state" for span in sig.spans):
            # "Welche Netzwerke in Bayern wurden ausgezeichnet?": the award winners of one state
            return Query(intent="award", text=text, year=sig.year, region=self._state_region(sig.spans[0].value))
        if sig.wants_award and not sig.topic and (sig.postcode or sig.spans) and not isinstance(network, list):
            # "Preisträger nahe Jena", "Preisträger 37073": award winners around a place
            place = self._region_from_signals(sig, text, "region")
            if place is not None and place.intent == "region" and place.region is not None:
                return Query(intent="award", text=text, year=sig.year, region=place.region)
            if place is not None and place.intent == "clarify":
                return place
        if isinstance(network, list):
            intent = "contact" if sig.wants_contact else "profile"
            return Query(intent="clarify", text=text, choices=self._for_intent(network, intent), info=intent)
        distinct = self._distinctive(sig, matches, with_places=True) if sig.spans else None
        if distinct:  # "what's the Karriereheimat in south-west Thuringia?"
            return Query(intent="contact" if sig.wants_contact else "profile", text=text, network_id=distinct)
        region_query = self._region_from_signals(sig, text, "contact" if sig.wants_contact else None)
        if region_query is not None:
            return region_query
        if sig.topic:
            # "pflege in nidersachsen", "ausbildung bayen": a typo'd place keeps the topic
            fuzzy = self._fuzzy_region(sig, text, None) if self._rest_words(sig) else None
            if fuzzy is not None and fuzzy.intent in ("topic", "clarify"):
                return fuzzy
            return Query(intent="topic", text=text, topic=sig.topic)
        if sig.wants_nearby and not sig.wants_help and not [w for w in content if w not in NEARBY_WORDS]:
            return Query(intent="nearby", text=text, info="ask_location")  # "Was gibt es hier bei mir?"
        if sig.wants_help or not content:
            return Query(intent="help", text=text)
        if sig.wants_nearby:
            fuzzy = self._fuzzy_region(sig, text, "nearby")
            return fuzzy or Query(intent="nearby", text=text, info="ask_location")
        distinct = self._distinctive(sig, matches)
        if distinct:
            return Query(intent="contact" if sig.wants_contact else "profile", text=text, network_id=distinct,
                         year=sig.year)
        fuzzy = self._fuzzy_region(sig, text, None)
        if fuzzy is not None:
            return fuzzy
        loose = [m for m in self.match_names(sig, text) if m.precision >= 0.9]
        if loose and loose[0].score >= 0.5:
            return Query(intent="clarify", text=text, info="profile",
                         choices=self._choices([m for m in loose[:5] if m.score >= 0.4]))
        if sig.wants_award:
            return Query(intent="award", text=text, year=sig.year)
        found = self._mentioned(sig)
        if found:
            return Query(intent="clarify", text=text, info="contact" if sig.wants_contact else "profile",
                         choices=self._for_intent(found, "contact" if sig.wants_contact else "profile"))
        return Query(intent="unknown", text=text)
