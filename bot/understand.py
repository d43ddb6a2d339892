"""Understanding: turn a chat message or a command into a :class:`Query`.

The order matters and follows what a misreading would cost:

1. commands (``/award 2013``) and their arguments;
2. exact things: postcodes, years, state names (exact alias match, longest first, so "Sachsen" is
   never Sachsen-Anhalt), district and town names from the gazetteer;
3. network names by word-weighted fuzzy matching (``bot.names``), which wins over a place only when
   the question says more than the place ("Fachkräfteallianz Leipzig" vs "Leipzig");
4. typo-tolerant state and town names, last, and only for words nothing else explained.

Close calls become ``clarify`` with choices instead of a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from . import actions
from .catalog import Catalog
from .gazetteer import District, Gazetteer, Place
from .models import Choice, Query, Region
from .names import NameMatcher
from .store import Store
from .textnorm import clean, fold

MAX_CHARS = 300
FIRST_YEAR, LAST_YEAR = 2012, 2026

# Words that carry the intent (folded). Multi-word phrases are matched on the folded text.
HELP_WORDS = {"hilfe", "help", "start", "hallo", "hi", "hey", "moin", "servus", "gruezi", "hello", "info", "menue",
              "menu", "anleitung", "befehle", "commands"}
HELP_PHRASES = ("was kannst du", "wie funktioniert", "was kann der bot", "was machst du", "wer bist du",
                "guten tag", "guten morgen", "guten abend", "what can you do", "how does this work", "wie geht das")
AWARD_WORDS = {"award", "awards", "preis", "preise", "preistraeger", "preistraegerin", "preistraegerinnen",
               "ausgezeichnet", "auszeichnung", "auszeichnungen", "gewonnen", "gewinner", "gewinnerin", "sieger",
               "praemiert", "winner", "winners", "won", "awarded", "prize", "innovationstag", "preisverleihung",
               "innovativ", "innovative", "innovatives", "innovativste", "innovativsten"}
CONTACT_WORDS = {"kontakt", "kontakte", "kontaktdaten", "erreichen", "erreiche", "erreichbar", "telefon",
                 "telefonnummer", "nummer", "email", "mail", "adresse", "anschrift", "ansprechpartner",
                 "ansprechpartnerin", "website", "webseite", "homepage", "internetseite", "contact", "anrufen",
                 "phone", "address", "kontaktieren", "melden", "ansprechen", "sitz", "buero"}
NEARBY_WORDS = {"naehe", "nahe", "umgebung", "umkreis", "near", "nearby", "naechste", "naechsten", "naechstes",
                "around", "close", "umland", "bei", "rund", "nah", "naeher", "entfernung"}
COUNT_PHRASES = ("wie viele", "wieviele", "wie viel", "wieviel", "anzahl", "how many", "zahl der")
PROFILE_WORDS = {"profil", "was macht", "infos", "informationen", "details", "about"}
STOPWORDS = frozenset("""
    welche welcher welches was wer wo wie gibt gibts es ein eine einen einem einer der die das den dem des
    und oder in im ins am an auf aus bei mit nach von vom zu zum zur fuer ueber um ich mir mich wir uns du
    sie ihr bitte mal doch denn noch auch schon alle alles sind ist sein hat haben habt kann koennen
    kannst zeig zeige zeigen such suche suchen finde finden liste list netzwerke netzwerk netzwerken
    fachkraeftenetzwerke fachkraeftenetzwerk region regionen raum gegend land bundesland kreis landkreis
    stadt ort gemeinde dort hier da den denen welchem jahr im jahre jahren wurde wurden worden wann werden
    hatte the which are is there any in of for me show find list networks network what who where how
    do does near state county city town region what's whats gut guten tag hallo danke
    sowas so etwas was aktiv aktive aktiven plz postleitzahl kennst kenne weisst
""".split())
COMMAND_ALIASES = {
    "start": "start", "hilfe": "help", "help": "help", "award": "award", "awards": "award", "preis": "award",
    "preise": "award", "netzwerk": "profile", "network": "profile", "profil": "profile", "region": "region",
    "kontakt": "contact", "contact": "contact", "naehe": "nearby", "nahe": "nearby", "nähe": "nearby",
    "near": "nearby", "nearby": "nearby", "themen": "themen", "topics": "themen", "thema": "topic",
    "quellen": "quellen", "sources": "quellen", "datenschutz": "datenschutz", "privacy": "datenschutz",
}
_COMMAND = re.compile(r"^/([A-Za-zäöüÄÖÜß_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_SHORT_YEAR = re.compile(r"(?:^|\s)'(\d{2})(?!\d)")
_DISTRICT_WORD = re.compile(r"\b(landkreis|lk|lkr|kreis|bezirk|regionalverband)\b")


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
    year: int | None = None
    spans: list[Span] = field(default_factory=list)
    topic: str | None = None
    topic_tokens: set[int] = field(default_factory=set)
    wants_award: bool = False
    wants_contact: bool = False
    wants_nearby: bool = False
    wants_count: bool = False
    wants_help: bool = False

    def used(self) -> set[int]:
        taken = set(self.topic_tokens)
        for span in self.spans:
            taken.update(range(span.start, span.end))
        return taken

    def first(self, kind: str) -> Span | None:
        return next((s for s in self.spans if s.kind == kind), None)


class Understanding:
    def __init__(self, store: Store, gazetteer: Gazetteer, catalog: Catalog, names: NameMatcher):
        self.store = store
        self.gazetteer = gazetteer
        self.catalog = catalog
        self.names = names
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
        self.topic_words: list[tuple[tuple[str, ...], str]] = []
        for topic in catalog.topics:
            for word in topic.words:
                self.topic_words.append((tuple(fold(word).split()), topic.code))
        self.topic_words.sort(key=lambda tw: -len(tw[0]))

    # -- entry points ------------------------------------------------------------------------------
    def understand(self, text: str) -> Query:
        text = clean(text)
        notes = []
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS]
            notes.append(f"Ihre Nachricht war sehr lang; ich habe nur die ersten {MAX_CHARS} Zeichen gelesen.")
        if not text:
            return Query(intent="help", text=text, info="empty", notes=notes)
        match = _COMMAND.match(text)
        query = self._command(match.group(1), (match.group(2) or "").strip(), text) if match else self._free(text)
        query.notes = notes + query.notes
        return query

    def from_location(self, lat: float, lon: float) -> Query:
        return Query(intent="nearby", region=Region("point", "Ihr Standort", lat=round(lat, 4), lon=round(lon, 4)))

    # -- commands ----------------------------------------------------------------------------------
    def _command(self, name: str, arg: str, text: str) -> Query:
        command = COMMAND_ALIASES.get(name.lower())
        if command == "start":
            payload = arg.split()[0] if arg else ""
            if payload.startswith("net_") and self.store.exists(payload[4:]):
                return Query(intent="profile", text=text, network_id=payload[4:])
            return Query(intent="help", text=text, info="start")
        if command == "help":
            return Query(intent="help", text=text)
        if command in ("themen", "quellen", "datenschutz"):
            return Query(intent="info", text=text, info=command)
        if command == "award":
            years = [int(y) for y in _YEAR.findall(arg)]
            if not arg or years:
                return Query(intent="award", text=text, year=years[0] if years else None)
            return self._network_or(arg, text, "profile", fallback=self._free(arg))
        if command == "profile":
            if not arg:
                return Query(intent="unknown", text=text, info="need_name")
            return self._network_or(arg, text, "profile", fallback=None)
        if command == "contact":
            if not arg:
                return Query(intent="unknown", text=text, info="need_name")
            return self._network_or(arg, text, "contact", fallback=self._place_query(arg, text, "contact"))
        if command == "region":
            if not arg:
                return Query(intent="unknown", text=text, info="need_region")
            return self._place_query(arg, text, "region") or Query(intent="unknown", text=text, info="no_region")
        if command == "nearby":
            if not arg:
                return Query(intent="nearby", text=text, info="ask_location")
            return self._place_query(arg, text, "nearby") or Query(intent="unknown", text=text, info="no_region")
        if command == "topic":
            return self._free(arg or "themen")
        return Query(intent="unknown", text=text, info="unknown_command")

    def _network_or(self, arg: str, text: str, intent: str, fallback: Query | None) -> Query:
        sig = self.analyse(arg)
        matches = self.names.match(self.name_words(sig))
        decided = self._decide_network(matches, sig, strict=False)
        if isinstance(decided, str):
            return Query(intent=intent, text=text, network_id=decided)
        if decided:
            return Query(intent="clarify", text=text, choices=decided, info=intent)
        return fallback or Query(intent="unknown", text=text, info="no_network")

    def _place_query(self, arg: str, text: str, intent: str) -> Query | None:
        signals = self.analyse(arg)
        query = self._region_from_signals(signals, text, intent)
        return query

    # -- free text ---------------------------------------------------------------------------------
    def analyse(self, text: str) -> Signals:
        folded = fold(text)
        tokens = folded.split()
        sig = Signals(text=text, folded=folded, tokens=tokens)
        words = set(tokens)
        padded = f" {folded} "
        sig.wants_help = bool(words & HELP_WORDS) or any(f" {p} " in padded for p in HELP_PHRASES)
        sig.wants_award = bool(words & AWARD_WORDS) or "innovatives netzwerk" in folded
        sig.wants_contact = bool(words & CONTACT_WORDS) or "e mail" in folded
        sig.wants_nearby = bool(words & NEARBY_WORDS) or "in der naehe" in folded
        sig.wants_count = any(f" {p} " in padded for p in COUNT_PHRASES)
        postcode = _POSTCODE.search(text)
        if postcode:
            sig.postcode = postcode.group(1)
        year = _YEAR.search(text) or _SHORT_YEAR.search(text)
        if year:
            value = int(year.group(1))
            value = value + 2000 if value < 100 else value
            if FIRST_YEAR - 2 <= value <= LAST_YEAR + 5:
                sig.year = value
        self._find_states(text, sig)
        self._find_places(sig)
        self._find_topic(sig)
        return sig

    def _find_states(self, original: str, sig: Signals) -> None:
        tokens, taken = sig.tokens, set()
        for n in range(min(self.max_state_words, len(tokens)), 0, -1):
            for start in range(0, len(tokens) - n + 1):
                if taken & set(range(start, start + n)):
                    continue
                key = " ".join(tokens[start:start + n])
                state = self.state_aliases.get(key) or self.state_aliases.get(key.replace(" ", ""))
                if state:
                    sig.spans.append(Span(start, start + n, "state", state))
                    taken.update(range(start, start + n))
        # two-letter codes only as written in capitals ("in BE" but not "be")
        raw_tokens = re.findall(r"[A-Za-zÄÖÜäöüß]+", original)
        if len(raw_tokens) == len(tokens):
            for index, raw in enumerate(raw_tokens):
                if index not in taken and raw in self.state_codes_upper:
                    sig.spans.append(Span(index, index + 1, "state", self.state_codes_upper[raw]))
                    taken.add(index)

    def _find_places(self, sig: Signals) -> None:
        tokens = sig.tokens
        taken = sig.used()
        district_marker = _DISTRICT_WORD.search(sig.folded)
        max_n = min(self.gazetteer.max_words, 6, len(tokens))
        for n in range(max_n, 0, -1):
            for start in range(0, len(tokens) - n + 1):
                span_range = set(range(start, start + n))
                if taken & span_range:
                    continue
                words = tokens[start:start + n]
                if n == 1 and (words[0] in STOPWORDS or len(words[0]) < 3 or words[0] in CONTACT_WORDS
                               or words[0] in AWARD_WORDS or words[0] in NEARBY_WORDS or words[0].isdigit()):
                    continue
                key = " ".join(words)
                before = tokens[start - 1] if start > 0 else ""
                districts = self.gazetteer.district(key)
                if districts and (before in ("landkreis", "lk", "lkr", "kreis", "bezirk", "regionalverband")
                                  or key.endswith("kreis") or district_marker and not self.gazetteer.places(key)):
                    sig.spans.append(Span(start - 1 if before in ("landkreis", "lk", "lkr", "kreis") else start,
                                          start + n, "district", districts))
                    taken |= span_range | {start - 1}
                    continue
                places = self.gazetteer.places(key)
                if places:
                    sig.spans.append(Span(start, start + n, "town", places))
                    taken |= span_range
        sig.spans.sort(key=lambda s: s.start)

    def _find_topic(self, sig: Signals) -> None:
        tokens = sig.tokens
        taken = sig.used()
        for words, code in self.topic_words:
            n = len(words)
            for start in range(0, len(tokens) - n + 1):
                if taken & set(range(start, start + n)):
                    continue
                window = tokens[start:start + n]
                if all(w == q or (len(q) >= 4 and w.startswith(q) and len(w) - len(q) <= 9) for w, q in zip(window, words)):
                    sig.topic = code
                    sig.topic_tokens = set(range(start, start + n))
                    return

    def _decide_network(self, matches, sig: Signals, strict: bool = True):
        """A network id when one name clearly fits, choices when several do, else None.

        ``strict`` (free text): a match made only of place or state words does not count, because
        "Leipzig" asks for a region, not for the Fachkräfteallianz Leipzig.
        """
        if not matches:
            return None
        top = matches[0]
        if strict:
            place_words = set()
            for span in sig.spans:
                place_words.update(sig.tokens[span.start:span.end])
            rest = [w for w in sig.tokens if w not in STOPWORDS and w not in place_words and w not in CONTACT_WORDS
                    and w not in AWARD_WORDS and w not in NEARBY_WORDS and len(w) > 1 and not w.isdigit()]
            if not rest:
                return None
            rest_matches = self.names.match(" ".join(rest) + " " + " ".join(place_words))
            if not rest_matches or rest_matches[0].network_id != top.network_id:
                return None
            if self.names.match(" ".join(rest)) == [] and not top.recall >= 0.95:
                return None
        second = matches[1] if len(matches) > 1 else None
        gap = top.score - (second.score if second else 0)
        if top.score >= 0.75 and gap >= 0.08:
            return top.network_id
        if top.score >= 0.6 and top.precision >= 0.9 and gap >= 0.2:
            return top.network_id
        close = [m for m in matches if m.score >= max(0.5, top.score - 0.12)]
        if top.score >= 0.5 and len(close) >= 2:
            return [Choice(self.names.display_name[m.network_id], actions.profile(m.network_id), "network", m.network_id)
                    for m in close[:6]]
        if top.score >= 0.75:
            return top.network_id
        return None

    def name_words(self, sig: Signals) -> str:
        """The question without intent and filler words, unless a network name uses the word."""
        noise = STOPWORDS | CONTACT_WORDS | AWARD_WORDS | NEARBY_WORDS | HELP_WORDS
        return " ".join(w for w in sig.tokens if w not in noise or w in self.names.idf)

    def _free(self, text: str) -> Query:
        sig = self.analyse(text)
        content = [w for w in sig.tokens if w not in STOPWORDS]
        network = self._decide_network(self.names.match(self.name_words(sig)), sig)
        if isinstance(network, str):
            intent = "contact" if sig.wants_contact else "profile"
            return Query(intent=intent, text=text, network_id=network, year=sig.year)
        if sig.wants_award and not sig.spans and not sig.topic and not sig.postcode:
            if sig.year is not None and not FIRST_YEAR <= sig.year <= LAST_YEAR:
                return Query(intent="award", text=text, year=sig.year)
            return Query(intent="award", text=text, year=sig.year)
        if sig.year is not None and not sig.spans and not sig.topic and not sig.postcode and len(content) <= 2:
            return Query(intent="award", text=text, year=sig.year)
        region_query = self._region_from_signals(sig, text, "contact" if sig.wants_contact else None)
        if region_query is not None:
            return region_query
        if isinstance(network, list):
            return Query(intent="clarify", text=text, choices=network, info="profile")
        if sig.topic:
            return Query(intent="topic", text=text, topic=sig.topic)
        if sig.wants_help or not content:
            return Query(intent="help", text=text)
        if sig.wants_nearby:
            return Query(intent="nearby", text=text, info="ask_location")
        fuzzy = self._fuzzy_region(sig, text)
        if fuzzy is not None:
            return fuzzy
        loose = self.names.match(text)
        if loose and loose[0].score >= 0.5:
            return Query(intent="clarify", text=text, info="profile",
                         choices=[Choice(self.names.display_name[m.network_id], actions.profile(m.network_id),
                                         "network", m.network_id) for m in loose[:5] if m.score >= 0.4])
        if sig.wants_award:
            return Query(intent="award", text=text, year=sig.year)
        return Query(intent="unknown", text=text)

    def _region_from_signals(self, sig: Signals, text: str, intent: str | None) -> Query | None:
        """Postcode, state, district or town found in ``sig`` as a region/nearby/topic query."""
        state_span = sig.first("state")
        state = state_span.value if state_span else None
        base_intent = intent or ("nearby" if sig.wants_nearby else "region")
        topic = sig.topic
        if topic:
            base_intent = "topic" if intent in (None, "region") else base_intent
        if sig.postcode:
            place = self.gazetteer.place_by_postcode(self.store, sig.postcode)
            if place is None:
                return Query(intent="unknown", text=text, info="bad_postcode", region=Region("postcode", sig.postcode))
            region = Region("postcode", f"{sig.postcode} {place.name}", place.state, place.lat, place.lon,
                            code=sig.postcode)
            return Query(intent=base_intent, text=text, region=region, topic=topic, count_only=sig.wants_count)
        district_span = sig.first("district")
        town_span = sig.first("town")
        if district_span and (not town_span or district_span.start <= town_span.start):
            districts = [d for d in district_span.value if not state or d.state == state] or district_span.value
            if len(districts) > 1:
                return Query(intent="clarify", text=text, info=base_intent, choices=[
                    Choice(f"{d.name} ({d.state})", f"d:{d.code}", "district", d.code) for d in districts[:8]])
            d = districts[0]
            return Query(intent=base_intent, text=text, topic=topic, count_only=sig.wants_count,
                         region=Region("district", d.name, d.state, d.lat, d.lon, key=d.core, code=d.code))
        if town_span:
            places = self._rank_places(town_span, state, " ".join(sig.tokens[town_span.start:town_span.end]))
            if len(places) > 1:
                return Query(intent="clarify", text=text, info=base_intent, choices=[
                    Choice(p.label, f"o:{p.postcode}", "town", p.postcode) for p in places[:8]])
            p = places[0]
            return Query(intent=base_intent, text=text, topic=topic, count_only=sig.wants_count,
                         region=Region("town", p.name, p.state, p.lat, p.lon, key=fold(p.parent or p.name),
                                       code=p.postcode))
        if state:
            code = self.catalog.state_by_name[state].code
            centre = self.gazetteer.state_centre(state)
            region = Region("state", state, state, *(centre or (None, None)), key=fold(state), code=code)
            intent_here = "topic" if topic and intent in (None, "region") else (intent or "region")
            return Query(intent=intent_here, text=text, region=region, topic=topic, count_only=sig.wants_count)
        return None

    def _rank_places(self, span: Span, state: str | None, typed: str) -> list[Place]:
        """The places a town word may mean, likeliest first; one entry when it is unambiguous."""
        places: list[Place] = span.value
        if state:
            places = [p for p in places if p.state == state] or places
        municipalities = [p for p in places if p.parent is None]
        if municipalities:
            places = municipalities
        # one place whose full folded name is exactly what was typed beats places matched by short name
        exact = [p for p in places if fold(p.name) == typed]
        if len(exact) == 1:
            return exact
        # the same town split over several districts/postcode areas appears once per district
        seen, unique = set(), []
        for p in sorted(places, key=lambda p: (-p.size, p.name)):
            ident = (p.name, p.state) if p.name in ("Berlin", "Hamburg") else (p.name, p.district_code)
            if ident not in seen:
                seen.add(ident)
                unique.append(p)
        return unique

    def _fuzzy_region(self, sig: Signals, text: str) -> Query | None:
        """Typos in states and towns: only for words no exact rule explained."""
        content = [w for w in sig.tokens if w not in STOPWORDS and w not in CONTACT_WORDS and w not in NEARBY_WORDS
                   and w not in AWARD_WORDS and not w.isdigit()]
        if not content:
            return None
        for word in content:
            if len(word) < 5:
                continue
            hit = process.extractOne(word, self._fuzzy_states, scorer=fuzz.ratio, score_cutoff=80)
            if hit:
                fixed = fold(text).replace(word, hit[0])
                query = self._region_from_signals(self.analyse(fixed), text, None)
                if query:
                    return query
        phrase = " ".join(content)
        hits = self.gazetteer.fuzzy_places(phrase) or [h for w in content for h in self.gazetteer.fuzzy_places(w)]
        if hits:
            name = max(hits, key=lambda h: h[1])[0]
            query = self._region_from_signals(self.analyse(name), text, "nearby" if sig.wants_nearby else None)
            if query:
                return query
        return None
