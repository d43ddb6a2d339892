"""Network names: the name-matching decisions (one clear name, choices, or none)."""

from __future__ import annotations

from .. import actions
from ..models import Choice
from ..textnorm import fold
from .lexicon import (
    AWARD_WORDS,
    CONTACT_WORDS,
    GENERIC_IDF,
    HELP_WORDS,
    NEARBY_WORDS,
    PLACE_QUALIFIERS,
    STOPWORDS,
)
from .signals import Signals, Span

# a singular network word next to a place may name the one network there ("Fachkräfteallianz Bautzen")
SINGULAR_NETWORK_WORDS = ("fachkraefteallianz", "allianz", "buendnis", "fachkraeftebuendnis", "netzwerk",
                          "fachkraeftenetzwerk", "initiative", "fachkraefteinitiative", "konferenz",
                          "fachkraeftekonferenz", "forum", "kooperation", "regionalmanagement", "wirtschaftsforum")
CITY_STATES = ("Berlin", "Hamburg", "Bremen")  # "Hamburg skilled workers network": a town's network
PLURAL_ENDINGS = ("allianzen", "buendnisse", "netzwerke", "initiativen", "konferenzen", "kooperationen")


class NetworksMixin:
    def _init_networks(self) -> None:
        # where each network is: folded state, district and town keys -> network ids
        self._located: dict[tuple[str, str], set[str]] = {}

    def _fuzzy_place_words(self, sig: Signals) -> set[str]:
        """Words that are typos of a state or town ("Lepzig"), unless they are network name words."""
        found = set()
        for index, w in enumerate(sig.tokens):
            if (index in sig.used() or index in sig.not_places or len(w) < 5 or w in self.names.idf
                    or w in STOPWORDS or w.isdigit()):
                continue
            if self._fuzzy_state(w) or self._fuzzy_towns(w):
                found.add(w)
        return found

    def _rest_words(self, sig: Signals, extra_place_words: set[str] = frozenset()) -> list[str]:
        """The words of the question that are no filler, intent, place or state word."""
        place_words = set(extra_place_words)
        for span in sig.spans:
            place_words.update(sig.tokens[span.start:span.end])
        return [w for w in sig.tokens if w not in STOPWORDS and w not in place_words and w not in CONTACT_WORDS
                and w not in AWARD_WORDS and w not in NEARBY_WORDS and w not in HELP_WORDS and len(w) > 1
                and not w.isdigit()]

    def _decide_network(self, matches, sig: Signals, strict: bool = True):
        """A network id when one name clearly fits, choices when several do, else None.

        ``strict`` (free text): a match made only of place or state words does not count, because
        "Leipzig" asks for a region, not for the Fachkräfteallianz Leipzig – unless the question is
        the network's name ("Hamburger Fachkräftenetzwerk") or joins places that only the name
        joins ("Thüringer Bogen"). Name words next to a place may also pick the network that works
        there ("Fachkräftekonferenz Göttingen").
        """
        if not matches:
            return None
        if not strict:
            return self._decide(matches, sig)
        top = matches[0]
        rest = self._rest_words(sig, self._fuzzy_place_words(sig))
        if len(sig.spans) == 1 and any(w.endswith(PLURAL_ENDINGS) for w in sig.tokens) \
                and all(self._generic(w) or w.endswith(PLURAL_ENDINGS) for w in rest):
            return None  # "Fachkräfteallianzen nahe Leipzig" asks for the list, not for one of them
        if not rest:
            whole_name = top.score >= 0.95 and top.precision >= 0.95
            joins_places = len(sig.spans) >= 2 and top.precision >= 0.95 and top.score >= 0.6
            return self._decide(matches, sig) if whole_name or joins_places else None
        # only words every other name has: the whole name, or the one such network at a town or district
        # ("Fachkräfteallianz Bautzen"); with a state they ask for its list ("Fachkräfteallianz Sachsen")
        if all(self._generic(w) for w in rest) and not (top.recall >= 0.9 and top.precision >= 0.9):
            # "Fachkräfteallianz Bautzen" is the one alliance there; "Fachkräfteallianzen nahe Leipzig",
            # "Fachkräfte auf Rügen", "Netzwerk nähe Paderborn" ask for the list
            state = sig.first("state")
            if state and state.value not in CITY_STATES or sig.wants_nearby or not any(w in SINGULAR_NETWORK_WORDS or
                                                                 w.startswith(SINGULAR_NETWORK_WORDS) for w in rest) \
                    or any(w.endswith(PLURAL_ENDINGS) for w in rest):
                return None
            return self._by_name_and_place(sig, rest)
        # the question's name words (as ``name_words``: no "Kontakt", "Preis" …) with the place words last
        place_words = " ".join(w for w in self.name_words(sig).split() if w not in rest)
        rest_matches = self.match_names(sig, " ".join(rest) + " " + place_words)
        tied = {m.network_id for m in matches if m.score >= top.score - 0.02}
        decided = None
        if rest_matches and rest_matches[0].network_id in tied and (
                self.names.knows_any(" ".join(rest)) or top.recall >= 0.95):
            decided = self._decide(matches, sig)
        if decided is None:
            return self._by_name_and_place(sig, rest)
        if isinstance(decided, list) and sig.spans:
            # "Kooperation Fachkräftegewinnung Saarland": the name words and the place together say which
            # networks are meant – all of them, also one whose longer name scored just below the others
            here = self._by_name_and_place(sig, rest)
            if isinstance(here, list) and {c.ref for c in decided} <= {c.ref for c in here}:
                return here
        return decided

    def _generic(self, word: str) -> bool:
        """A word most network names share, or a form of one ("Fachkräfteallianzen")."""
        if word in self.names.idf:
            return self.names.idf[word] < GENERIC_IDF
        similar = {w: s for w, s in self.names.similar_words(word).items() if s >= 0.85}
        return bool(similar) and all(self.names.idf[w] < GENERIC_IDF for w in similar)

    def _decide(self, matches, sig: Signals):
        """The scoring rules: one clear name, several equally good ones (choices), or nothing."""
        top = matches[0]
        second = matches[1] if len(matches) > 1 else None
        gap = top.score - (second.score if second else 0)
        # the whole name as typed (give or take a typo); several networks sharing that name -> ask
        whole = [m for m in matches if m.precision >= 0.9 and m.recall >= 0.9 and m.score >= top.score - 0.03]
        if top in whole:
            return top.network_id if len(whole) == 1 else self._choices(whole)
        # several networks explain every word of the question: the question does not decide
        full = [m for m in matches if m.precision >= 0.9 and m.score >= 0.5]
        if top in full and len(full) >= 2 and full[1].score >= top.score - 0.25:
            return self._choices(full)
        # nothing in the question that only a few names have ("Bündnis"): ask rather than pick one
        if top.precision >= 0.9 and not self.names.distinctive(self.name_words(sig), top.network_id):
            explained = [m for m in matches if m.precision >= 0.9]
            return self._choices(explained) if len(explained) >= 2 else None
        if top.score >= 0.75 and gap >= 0.08:
            return top.network_id
        if top.score >= 0.5 and top.precision >= 0.9 and gap >= 0.2:
            return top.network_id
        close = [m for m in matches if m.score >= max(0.5, top.score - 0.12)]
        if top.score >= 0.5 and len(close) >= 2:
            return self._choices(close)
        if top.score >= 0.75:
            return top.network_id
        return None

    def _located_in(self, span: Span) -> set[str]:
        """Ids of networks whose region includes the place of ``span``."""
        if span.kind == "state":
            keys = [("state", fold(span.value))]
        elif span.kind == "district":
            keys = [("district", d.code) for d in span.value]
        elif span.kind == "area":
            keys = [("district", d.code) for d in self.gazetteer.area_districts(span.value)]
        else:
            keys = [("town", fold(p.parent or p.name)) for p in span.value[:8]]
            keys += [("district", p.district_code) for p in span.value[:8] if p.district_code]
        found: set[str] = set()
        for key in keys:
            if key not in self._located:
                self._located[key] = set(self.store.ids_in_state(span.value) if key[0] == "state"
                                         else self.store.ids_in_region(*key))
            found |= self._located[key]
        return found

    def _by_name_and_place(self, sig: Signals, rest: list[str]):
        """"Fachkräftekonferenz Göttingen": a network whose name has the other words and which is at the place."""
        if not sig.spans:
            return None
        located = set.intersection(*(self._located_in(span) for span in sig.spans))
        if not located:
            return None
        # only the networks at the place are scored (not every network, then filtered: 100k-safe)
        here = self.match_names(sig, " ".join(rest), limit=4, among=located, min_precision=0.9)
        if len(here) == 1:
            return here[0].network_id
        return self._choices(here) if 1 < len(here) <= 3 else None  # more: the place is the question

    def _distinctive(self, sig: Signals, matches, with_places: bool = False) -> str | None:
        """A network named by a word no other network uses ("Wer steckt hinter Perspektiva?"). With
        ``with_places``, also next to a place, for a long such word ("Karriereheimat in Thüringen")."""
        if not matches or sig.topic or sig.spans and not with_places:
            return None
        top = matches[0]
        words = self.names.network_words[top.network_id]
        place_words = {sig.tokens[k] for span in sig.spans for k in range(span.start, span.end)}
        unique = [w for w in sig.tokens if w in words and self.names.df.get(w) == 1
                  and len(w) >= (8 if sig.spans else 4) and w not in place_words]
        # next to a place, other names match the place words too; the unique word alone decides
        others = [] if sig.spans else [m for m in matches[1:] if m.recall >= 0.6]
        if unique and top.recall >= 0.6 and not others:
            return top.network_id
        return None

    @staticmethod
    def _for_intent(choices: list[Choice], intent: str) -> list[Choice]:
        """Network choices for a contact question open the contact card, not the profile."""
        if intent != "contact":
            return choices
        return [Choice(c.label, actions.contact(c.ref), c.kind, c.ref) if c.kind == "network" and c.ref else c
                for c in choices]

    def _choices(self, matches) -> list[Choice]:
        return [Choice(self.names.display_name[m.network_id], actions.profile(m.network_id), "network", m.network_id)
                for m in matches[:6]]

    def match_names(self, sig: Signals, text: str | None = None, limit: int = 5, among: set[str] | None = None,
                    min_precision: float = 0.0):
        """Network names for the question (or ``text``); filler words are optional."""
        optional = frozenset(w for w in sig.tokens if w in STOPWORDS and w not in PLACE_QUALIFIERS)
        return self.names.match(self.name_words(sig) if text is None else text, limit=limit, optional=optional,
                                among=among, min_precision=min_precision)

    def name_words(self, sig: Signals) -> str:
        """The question without intent and filler words, unless a network name uses the word."""
        noise = STOPWORDS | CONTACT_WORDS | AWARD_WORDS | NEARBY_WORDS | HELP_WORDS
        return " ".join(w for w in sig.tokens if w not in noise or w in self.names.idf)

    def _mentioned(self, sig: Signals) -> list[Choice]:
        """Last resort: networks whose name or description mentions the words ("Handwerk", "Hochsauerland")."""
        words = [w for w in sig.tokens if w not in STOPWORDS and len(w) >= 4 and not w.isdigit()]
        if not words or len(words) > 3:
            return []
        ids = self.store.search_text(words, limit=8, columns=("name", "aliases"))
        return [Choice(self.names.display_name[i], actions.profile(i), "network", i) for i in ids
                if i in self.names.display_name]
