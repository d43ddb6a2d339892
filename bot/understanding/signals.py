"""Signals: everything a message names, found once (tokens, postcode, year, places, topic, intent words)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from ..textnorm import fold
from .lexicon import (
    ACTIVE_PHRASES,
    ACTIVE_WORDS,
    AWARD_WORDS,
    CONTACT_PHRASES,
    CONTACT_WORDS,
    COUNT_PHRASES,
    COUNTRY_WORDS,
    EN_NAME_WORDS,
    EXONYMS,
    FIRST_YEAR,
    FUZZY_INTENT_WORDS,
    HELP_PHRASES,
    HELP_WORDS,
    LAST_YEAR,
    NEARBY_PHRASES,
    NEARBY_WORDS,
    NOT_INTENT_TYPOS,
    PHRASE_GUARDS,
    PHRASES,
    POSTCODE,
    SHORT_POSTCODE,
    SHORT_YEAR,
    STOPWORDS,
    YEAR,
)

_KEY_POS = {ch: (row, col + shift) for row, (keys, shift) in enumerate(
    (("qwertzuiop", 0.0), ("asdfghjkl", 0.25), ("yxcvbnm", 0.75))) for col, ch in enumerate(keys)}


def _neighbours(a: str, b: str) -> bool:
    """Keys next to each other on a German (QWERTZ) keyboard."""
    pa, pb = _KEY_POS.get(a), _KEY_POS.get(b)
    return bool(pa and pb) and abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1.0


def typo_close(word: str, target: str, allowed: int) -> bool:
    """``word`` is a plausible typo of ``target``: at most ``allowed`` edits (a swap of two letters
    counts as one). In words of up to seven letters a changed letter must be a neighbouring key
    ("Bayerm" is Bayern, "Bauern" is not)."""
    if abs(len(word) - len(target)) > allowed or OSA.distance(word, target, score_cutoff=allowed) > allowed:
        return False
    if len(target) <= 7 and len(word) == len(target) and sorted(word) != sorted(target):
        changed = [(a, b) for a, b in zip(word, target) if a != b]
        return len(changed) == 1 and _neighbours(*changed[0])
    return True


@dataclass
class Span:
    start: int  # token index
    end: int  # exclusive
    kind: str  # state | district | town
    value: object  # state name | list[District] | list[Place]


@dataclass
class Signals:
    text: str
    folded: str
    tokens: list[str]
    postcode: str | None = None
    postcodes: list[str] = field(default_factory=list)  # every postcode, in the order typed
    year: int | None = None
    years: list[int] = field(default_factory=list)  # every award-range year, in the order typed
    spans: list[Span] = field(default_factory=list)
    topic: str | None = None
    topic_tokens: set[int] = field(default_factory=set)
    extra_topics: list[str] = field(default_factory=list)  # "Pflege und Logistik": the topics after the first
    wants_award: bool = False
    wants_contact: bool = False
    wants_nearby: bool = False
    wants_count: bool = False
    wants_country: bool = False
    wants_help: bool = False
    wants_active: bool = False  # only networks that have not ended
    not_places: set[int] = field(default_factory=set)  # tokens that must not be read as a place
    region_group: object = None  # bot.faq.RegionGroup: "Ostdeutschland", "der Norden"
    abroad: object = None  # bot.faq.Abroad: a country or city outside Germany
    abroad_german: str | None = None  # the folded name, where a German place has it too ("salzburg")
    scope_tokens: set[int] = field(default_factory=set)  # the tokens of the region group or the place abroad

    def used(self) -> set[int]:
        taken = set(self.topic_tokens) | self.scope_tokens
        for span in self.spans:
            taken.update(range(span.start, span.end))
        return taken

    def first(self, kind: str) -> Span | None:
        return next((s for s in self.spans if s.kind == kind), None)


class SignalsMixin:
    def _init_signals(self) -> None:
        self._canonical_cache: dict[str, str] = {}

    def _canonical(self, word: str) -> str:
        """English city names and typo'd intent words as the words the rules know ("kontackt" -> "kontakt")."""
        if word in EXONYMS:
            return EXONYMS[word]
        if word in EN_NAME_WORDS:
            return EN_NAME_WORDS[word]
        if len(word) < 7 or word in NOT_INTENT_TYPOS:
            return word
        cached = self._canonical_cache.get(word)
        if cached is not None:
            return cached
        result = word
        known = (word in STOPWORDS or word in CONTACT_WORDS or word in AWARD_WORDS or word in NEARBY_WORDS
                 or word in HELP_WORDS or word in self.names.idf or word in self.state_aliases
                 or word in self.gazetteer.by_key or word in self.gazetteer.by_short)
        if not known:
            for target in FUZZY_INTENT_WORDS:
                if typo_close(word, target, 1):
                    result = target
                    break
        if len(self._canonical_cache) >= 20000:
            self._canonical_cache.clear()
        self._canonical_cache[word] = result
        return result

    def _rewrite(self, tokens: list[str]) -> list[str]:
        """Phrases as the words the rules know ("skilled workers" -> "fachkraefte", "Sylt" -> its main town),
        and a name written apart joined ("jade bay" -> "jadebay", a word of a network's name)."""
        out: list[str] = []
        index = 0
        while index < len(tokens):
            for n in (4, 3, 2, 1):
                phrase = " ".join(tokens[index:index + n])
                if len(tokens) - index >= n and phrase in PHRASES and \
                        not any(" ".join(out[-2:]).endswith(guard) for guard in PHRASE_GUARDS.get(phrase, ())):
                    out += PHRASES[phrase].split()
                    index += n
                    break
            else:
                if tokens[index + 1:index + 3] == ["an", "der"] and index + 3 < len(tokens):
                    # "Halle an der Saale", "Frankfurt an der Oder": the gazetteer says "Halle (Saale)"
                    short = f"{tokens[index]} {tokens[index + 3]}"
                    if self.gazetteer.places(short) and not self.gazetteer.places(" ".join(tokens[index:index + 4])):
                        out += short.split()
                        index += 4
                        continue
                if index + 1 < len(tokens):
                    joined = tokens[index] + tokens[index + 1]
                    if joined in self.names.idf and not (tokens[index] in self.names.idf
                                                         and tokens[index + 1] in self.names.idf):
                        out.append(joined)
                        index += 2
                        continue
                out.append(tokens[index])
                index += 1
        return out

    def analyse(self, text: str) -> Signals:
        tokens = [self._canonical(w) for w in self._rewrite(fold(text).split())]
        folded = " ".join(tokens)
        sig = Signals(text=text, folded=folded, tokens=tokens)
        words = set(tokens)
        padded = f" {folded} "
        sig.wants_help = bool(words & HELP_WORDS) or any(f" {p} " in padded for p in HELP_PHRASES)
        sig.wants_award = bool(words & AWARD_WORDS) or "innovatives netzwerk" in folded
        sig.wants_contact = bool(words & CONTACT_WORDS) or any(f" {p} " in padded for p in CONTACT_PHRASES)
        sig.wants_nearby = bool(words & NEARBY_WORDS) or any(f" {p} " in padded for p in NEARBY_PHRASES)
        sig.wants_count = any(f" {p} " in padded for p in COUNT_PHRASES)
        sig.wants_country = bool(words & COUNTRY_WORDS)
        sig.wants_active = bool(words & ACTIVE_WORDS) or any(f" {p} " in padded for p in ACTIVE_PHRASES)
        sig.postcodes = list(dict.fromkeys(m.group(1) for m in POSTCODE.finditer(text))) or \
            ["0" + m.group(1) for m in SHORT_POSTCODE.finditer(text)][:1]
        sig.postcode = sig.postcodes[0] if sig.postcodes else None
        for found in [*YEAR.finditer(text), *SHORT_YEAR.finditer(text)]:
            value = int(found.group(1))
            value = value + 2000 if value < 100 else value
            if FIRST_YEAR - 2 <= value <= LAST_YEAR + 5 and value not in sig.years:
                sig.years.append(value)
        sig.year = sig.years[0] if sig.years else None
        self._find_landscapes(sig, multi_word_only=True)  # "Thüringer Wald" before the state adjective
        self._find_states(text, sig)
        self._find_groups_and_abroad(sig)  # "Ostdeutschland", "Wien": before villages of such names
        self._find_landscapes(sig)
        self._find_places(sig)
        self._find_topic(sig)
        self._find_more_topics(sig)
        return sig
