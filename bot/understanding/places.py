"""Places: states, landscapes, districts and towns found in a message, and ranked when several fit."""

from __future__ import annotations

import re

from ..gazetteer import Place
from ..models import Region
from ..placenames import short_name
from ..textnorm import case_marks, fold
from .lexicon import (
    ARTICLES,
    AWARD_WORDS,
    COLLOQUIAL_PLACE_WORDS,
    CONJUNCTIONS,
    CONTACT_WORDS,
    DISTRICT_MARKERS,
    DISTRICT_WORD,
    HELP_WORDS,
    LOCATIVES,
    NEARBY_WORDS,
    STOPWORDS,
)
from .signals import Signals, Span, typo_close


class PlacesMixin:
    def _init_places(self) -> None:
        catalog, gazetteer = self.catalog, self.gazetteer
        words = catalog.data_dir / "common_place_words.txt"
        self.common_words = frozenset(
            line.strip() for line in (words.read_text(encoding="utf-8").splitlines() if words.exists() else [])
            if line.strip() and not line.startswith("#")) | COLLOQUIAL_PLACE_WORDS
        self.state_aliases: dict[str, str] = {}
        self.state_codes_upper: dict[str, str] = {}
        for state in catalog.states:
            for alias in state.aliases:
                key = fold(alias)
                if len(alias) <= 2 and alias.isupper():
                    self.state_codes_upper[alias] = state.name  # "BE", "SH": only when written in capitals
                else:
                    self.state_aliases[key] = state.name
        self.max_state_words = max(len(k.split()) for k in self.state_aliases)
        self._fuzzy_states = sorted(k for k in self.state_aliases if len(k) >= 6)
        # multi-word states written together, for typos spread over words ("sachsen anhald")
        self._compact_states = sorted({k.replace(" ", ""): v for k, v in self.state_aliases.items()
                                       if len(k.replace(" ", "")) >= 8}.items())
        # landscapes ("Sauerland", "Rhein-Main"): folded alias -> code, matched as whole word sequences
        self.landscape_aliases: dict[str, str] = {}
        for landscape in catalog.landscapes:
            if landscape.code in gazetteer.areas:
                for alias in landscape.aliases:
                    self.landscape_aliases.setdefault(fold(alias), landscape.code)
        self.max_landscape_words = max((len(k.split()) for k in self.landscape_aliases), default=0)
        self._fuzzy_town_cache: dict[str, list[tuple[str, float]]] = {}

    def _longer_place_at(self, tokens: list[str], start: int, n: int) -> bool:
        """A town or district name that starts at ``start`` and is longer than ``n`` words."""
        for m in range(min(self.gazetteer.max_words, 6, len(tokens) - start), n, -1):
            key = " ".join(tokens[start:start + m])
            if self.gazetteer.places(key) or self.gazetteer.district(key):
                return True
        return False

    def _place_ending_at(self, tokens: list[str], start: int, n: int) -> bool:
        """A town whose full name ends with the words at ``start`` after a joining word ("Neustadt in
        Sachsen", "Halle an der Saale" is handled by the rewrite): the state word is part of its name."""
        if start < 2 or tokens[start - 1] not in ("in", "an", "am", "der", "bei", "im", "ob"):
            return False
        for back in range(2, min(self.gazetteer.max_words, 6) - n + 1):
            if start - back < 0:
                break
            key = " ".join(tokens[start - back:start + n])
            if any(fold(p.name) == key for p in self.gazetteer.places(key)):
                return True
        return False

    def _fuzzy_compact_state(self, words: list[str]) -> str | None:
        """A state whose name, written together, is at most one or two edits from ``words`` written together."""
        if any(len(w) < 3 or w in STOPWORDS or w.isdigit() for w in words):
            return None
        compact = "".join(words)
        for key, state in self._compact_states:
            allowed = 1 if len(key) <= 10 else 2
            if typo_close(compact, key, allowed):
                return state
        return None

    def _find_states(self, original: str, sig: Signals) -> None:
        tokens, taken = sig.tokens, set()
        for n in range(min(self.max_state_words, len(tokens)), 0, -1):
            for start in range(0, len(tokens) - n + 1):
                if taken & set(range(start, start + n)):
                    continue
                key = " ".join(tokens[start:start + n])
                state = self.state_aliases.get(key) or self.state_aliases.get(key.replace(" ", ""))
                if state and (self._longer_place_at(tokens, start, n) or self._place_ending_at(tokens, start, n)):
                    continue  # "Brandenburg an der Havel", "Neustadt in Sachsen" are towns, not the state
                if state:
                    sig.spans.append(Span(start, start + n, "state", state))
                    taken.update(range(start, start + n))
            if n >= 2:
                # typos in a state of several words, before its first word alone is read ("Sachsen Anhald")
                for start in range(0, len(tokens) - n + 1):
                    if taken & set(range(start, start + n)):
                        continue
                    state = self._fuzzy_compact_state(tokens[start:start + n])
                    if state:
                        sig.spans.append(Span(start, start + n, "state", state))
                        taken.update(range(start, start + n))
        # two-letter codes only as written in capitals ("in BE" but not "be")
        raw_tokens = re.findall(r"[A-Za-zÄÖÜäöüß]+", original)
        if len(raw_tokens) == len(tokens):
            alone = len(raw_tokens) == 1  # "bw" or "mv" on its own can only mean the state
            for index, raw in enumerate(raw_tokens):
                code = raw.upper() if alone else raw
                if index not in taken and code in self.state_codes_upper:
                    sig.spans.append(Span(index, index + 1, "state", self.state_codes_upper[code]))
                    taken.add(index)

    def _find_landscapes(self, sig: Signals, multi_word_only: bool = False) -> None:
        """Landscape names, longest first; "Landkreis Harz" stays the district (found by _find_places)."""
        tokens, taken = sig.tokens, sig.used()
        for n in range(min(self.max_landscape_words, len(tokens)), 1 if multi_word_only else 0, -1):
            for start in range(0, len(tokens) - n + 1):
                if taken & set(range(start, start + n)):
                    continue
                key = " ".join(tokens[start:start + n])
                code = self.landscape_aliases.get(key)
                before = tokens[start - 1] if start > 0 else ""
                # a district of exactly that name wins ("Emsland", "Uckermark", "Harz" are Landkreise)
                if code and before not in ("landkreis", "lk", "lkr", "kreis", "stadt", "bezirk") \
                        and not self.gazetteer.district(key):
                    sig.spans.append(Span(start, start + n, "area", code))
                    taken |= set(range(start, start + n))

    def _find_places(self, sig: Signals) -> None:
        tokens = sig.tokens
        taken = sig.used()
        district_marker = DISTRICT_WORD.search(sig.folded)
        max_n = min(self.gazetteer.max_words, 6, len(tokens))
        for n in range(max_n, 0, -1):
            for start in range(0, len(tokens) - n + 1):
                span_range = set(range(start, start + n))
                if taken & span_range:
                    continue
                words = tokens[start:start + n]
                if n == 1 and (words[0] in STOPWORDS or len(words[0]) < 3 or words[0] in CONTACT_WORDS
                               or words[0] in AWARD_WORDS or words[0] in NEARBY_WORDS or words[0].isdigit()
                               or words[0] in HELP_WORDS):
                    continue
                key = " ".join(words)
                before = tokens[start - 1] if start > 0 else ""
                districts = self.gazetteer.district(key)
                places = self.gazetteer.places(key)
                bare_district = not places and not (n > 1 and words[0] == "stadt" and self.gazetteer.places(words[1]))
                if districts and (before in DISTRICT_MARKERS or key.endswith("kreis") or bare_district
                                  or district_marker and key.split()[0] in DISTRICT_MARKERS):
                    marker = before if before in DISTRICT_MARKERS + ("stadt",) else key.split()[0]
                    if marker in ("landkreis", "lk", "lkr", "kreis"):
                        districts = [d for d in districts if not d.is_city] or districts
                    elif marker == "stadt":
                        districts = [d for d in districts if d.is_city] or districts
                    first = start - 1 if before in DISTRICT_MARKERS else start
                    sig.spans.append(Span(first, start + n, "district", districts))
                    taken |= span_range | {first}
                    continue
                places = [p for p in places if self._named(p, key)]
                if places and n == 1 and before in ARTICLES:
                    sig.not_places.add(start)  # "das Wetter" is not the town Wetter
                    continue
                if places:
                    sig.spans.append(Span(start, start + n, "town", places))
                    taken |= span_range
        sig.spans.sort(key=lambda s: s.start)
        self._weigh_common_words(sig)

    def _weigh_common_words(self, sig: Signals) -> None:
        """A frequent word that is also a village ("kommen", "weil", "laufen", "essen") is a place only
        with evidence: after "in", "bei", "aus" …; or nothing else in the message is a place (in a
        question about Bayern, "kommen" is a verb; a town of Bayern named so would stay); and not a
        lower-case word among capitalised ones ("…, wenn Azubis kommen?")."""
        marks = case_marks(sig.text)
        if len(marks) != len(sig.tokens):
            marks = []
        for span in list(sig.spans):
            if span.kind != "town" or span.end - span.start != 1 or sig.tokens[span.start] not in self.common_words:
                continue
            before = sig.tokens[span.start - 1] if span.start else ""
            others = [s for s in sig.spans if s is not span]
            joined = any((between := sig.tokens[min(s.end, span.end):max(s.start, span.start)])
                         and all(w in CONJUNCTIONS for w in between) for s in others)
            # another place asked for ("im Lauf des Jahres … in NRW"), unless it says where the village is
            # ("Hof in Oberfranken", "Lage in Lippe", "Essen, NRW")
            elsewhere = (others or sig.postcode or sig.region_group) and not joined \
                and not any(self._contains(s, p) for s in others for p in span.value)
            if before in LOCATIVES or before in DISTRICT_MARKERS or before == "stadt":
                if not elsewhere:
                    continue  # "in Essen", "aus Lage": the place is meant
            lower_among_capitals = bool(marks) and not marks[span.start] and any(
                mark for index, mark in enumerate(marks) if index and index != span.start) \
                and before not in LOCATIVES
            if elsewhere or lower_among_capitals:
                sig.spans.remove(span)
                sig.not_places.add(span.start)

    def _contains(self, span: Span, place: Place) -> bool:
        """The state, district or landscape of ``span`` contains ``place``."""
        if span.kind == "state":
            return place.state == span.value
        if span.kind == "district":
            return any(d.code == place.district_code for d in span.value)
        if span.kind == "area":
            return any(d.code == place.district_code for d in self.gazetteer.area_districts(span.value))
        return False

    @staticmethod
    def _named(place: Place, key: str) -> bool:
        """``key`` is the place's name or part of it, not only its qualifier ("Eifel" in "Naurath (Eifel)")."""
        if fold(place.name) == key:
            return True
        bare = fold(re.sub(r"\(.*?\)", " ", place.name))
        return f" {key} " in f" {bare} "

    @staticmethod
    def _names_its_district(place: Place) -> bool:
        """The place gives its district its name ("Landsberg am Lech" in the Landkreis Landsberg am Lech)."""
        return f" {fold(place.name)} " in f" {fold(place.district or '')} "

    def _state_region(self, state: str) -> Region:
        centre = self.gazetteer.state_centre(state)
        return Region("state", state, state, *(centre or (None, None)), key=fold(state),
                      code=self.catalog.state_by_name[state].code)

    def _rank_places(self, span: Span, state: str | None, typed: str) -> list[Place]:
        """The places a town word may mean, likeliest first; one entry when it is unambiguous."""
        places: list[Place] = span.value
        if state:
            places = [p for p in places if p.state == state] or places
        municipalities = [p for p in places if p.parent is None]
        if municipalities:
            places = municipalities
        # one place whose full folded name is exactly what was typed beats places matched by short name,
        # unless one of those is bigger ("Neustadt" is not the small Neustadt in Thüringen)
        exact = [p for p in places if fold(p.name) == typed]
        if len(exact) == 1 and all(p.size <= exact[0].size for p in places) and (
                self._names_its_district(exact[0]) or not any(self._names_its_district(p) for p in places)):
            # ... and unless a namesake gives a district its name ("Landsberg" may be the small town in
            # Sachsen-Anhalt or Landsberg am Lech, the seat of its Landkreis: ask)
            return exact
        if len(exact) > 1:
            # several places of exactly that name: the only one with a postcode of its own ("Eisenach" in
            # Thüringen, not the Eifel village), or the only kreisfreie Stadt far bigger than the rest ("Münster")
            own = [p for p in exact if p.main > 0]
            if len(own) == 1 and all(p.size <= own[0].size for p in places):
                return own
            cities = [p for p in exact if p.district == f"Stadt {p.name}"]
            if len(cities) == 1 and all(p is cities[0] or 3 * p.size <= cities[0].size for p in places):
                return cities
        # the same town split over several districts/postcode areas appears once per district; the same
        # name in the same state with a far bigger namesake is the spill-over of that town ("Kiel")
        seen, unique = set(), []
        biggest: dict[tuple[str, str], int] = {}
        for p in sorted(places, key=lambda p: (-p.size, -p.main, p.name)):
            ident = (p.name, p.state) if p.name in ("Berlin", "Hamburg") else (short_name(p.name), p.district_code)
            if ident in seen or biggest.get((p.name, p.state), 0) >= 5 * p.size:
                continue
            seen.add(ident)
            biggest.setdefault((p.name, p.state), p.size)
            unique.append(p)
        return unique

    def _fuzzy_state(self, word: str) -> str | None:
        """A state one edit (two for long names) from ``word``: "Bayren", "Sachssen", "Thürigen"."""
        if len(word) < 5:
            return None
        # "niedersaxen": an x written for "chs" is one slip, not three edits
        for candidate in dict.fromkeys((word, word.replace("x", "chs"), word.replace("x", "ks"))):
            for key in self._fuzzy_states:
                allowed = 1 if len(key) <= 10 else 2
                if typo_close(candidate, key, allowed):
                    return self.state_aliases[key]
        return None

    def _fuzzy_landscape(self, word: str) -> str | None:
        """A landscape one or two edits from ``word`` ("Südthüringn", "Sauerlnd"), for words of 7+ letters."""
        if len(word) < 7:
            return None
        for key, code in self.landscape_aliases.items():
            if " " not in key and len(key) >= 7 and typo_close(word, key, 1 if len(key) <= 10 else 2):
                return code
        return None

    def _fuzzy_towns(self, text: str) -> list[tuple[str, float]]:
        """Towns close to ``text``; a village only when nearly exact ("beste" is not Büste, "Lepzig" is Leipzig)."""
        cached = self._fuzzy_town_cache.get(text)
        if cached is None:
            cached = [(name, score) for name, score in self.gazetteer.fuzzy_places(text)
                      if score >= 95 or max((p.size for p in self.gazetteer.places(name)), default=0) >= 2]
            if len(self._fuzzy_town_cache) >= 20000:
                self._fuzzy_town_cache.clear()
            self._fuzzy_town_cache[text] = cached
        return cached
