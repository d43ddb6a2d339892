"""Understanding: turn a chat message or a command into a :class:`Query`.

The order matters and follows what a misreading would cost:

1. commands (``/award 2013``) and their arguments;
2. exact things: postcodes, years, state names (exact alias match, longest first, so "Sachsen" is
   never Sachsen-Anhalt), district and town names from the gazetteer;
3. network names by word-weighted fuzzy matching (``bot.names``), which wins over a place only when
   the question says more than the place ("Fachkräfteallianz Leipzig" vs "Leipzig");
4. typo-tolerant state and town names, last, and only for words nothing else explained.

Close calls become ``clarify`` with choices instead of a guess. A few rules keep the readings apart:

* a typo'd intent word is read as the word it misspells ("Kontackt" -> "kontakt"), and a few English
  city names as the German ones ("Munich" -> "München"), before anything else;
* a state name inside a longer place name is the place ("Brandenburg an der Havel"), and a typo'd
  multi-word state is found before its first word is read as another state ("Sachsen Anhald");
* a network name made only of place words wins over the places only when the question is that name
  ("Hamburger Fachkräftenetzwerk", "Thüringer Bogen"), never for a bare place ("Leipzig");
* a topic word wins over a network whose name merely contains it ("Pflege", "Glas") unless the
  whole name was typed ("Netzwerk Glas");
* when several networks explain every word of the question, we ask which one is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from . import actions
from .catalog import Catalog
from .gazetteer import Gazetteer, Place
from .models import Choice, Query, Region
from .names import NameMatcher
from .placenames import short_name
from .store import Store
from .textnorm import clean, fold

MAX_CHARS = 300
FIRST_YEAR, LAST_YEAR = 2012, 2026

# Words that carry the intent (folded). Multi-word phrases are matched on the folded text.
HELP_WORDS = {"hilfe", "help", "start", "hallo", "hi", "hey", "moin", "servus", "gruezi", "hello", "info", "menue",
              "menu", "anleitung", "befehle", "commands", "halloechen", "hallihallo", "huhu", "tach", "gruess",
              "gruss", "ahoi", "howdy"}
# thanks and goodbyes: a short friendly reply, not the whole welcome text and not "nicht verstanden"
THANKS_WORDS = {"danke", "dankeschoen", "thanks", "thank", "thx", "merci", "tschuess", "ciao", "bye", "ok", "okay",
                "super", "prima", "toll", "klasse", "perfekt", "cool", "vielen", "dank", "herzlichen", "you", "gut",
                "alles", "klar", "wiedersehen", "auf", "servus", "ade", "great", "nice"}
HELP_PHRASES = ("was kannst du", "wie funktioniert", "was kann der bot", "was machst du", "wer bist du",
                "guten tag", "guten morgen", "guten abend", "what can you do", "how does this work", "wie geht das",
                "wie benutze", "wie nutze", "wie verwende", "wie bediene", "was kann ich", "kann ich dich",
                "how do i use")
AWARD_WORDS = {"award", "awards", "preis", "preise", "preistraeger", "preistraegerin", "preistraegerinnen",
               "ausgezeichnet", "auszeichnung", "auszeichnungen", "gewonnen", "gewinner", "gewinnerin", "sieger",
               "praemiert", "winner", "winners", "won", "awarded", "prize", "innovationstag", "preisverleihung",
               "innovativ", "innovative", "innovatives", "innovativste", "innovativsten", "fachkraeftepreis",
               "fachkraeftepreises", "wettbewerb", "wettbewerbs", "preisverleihungen", "preisgekroent",
               "preisgekroente", "preisjahr", "preisjahre", "preisjahren", "jury"}
CONTACT_WORDS = {"kontakt", "kontakte", "kontaktdaten", "erreichen", "erreiche", "erreichbar", "telefon",
                 "telefonnummer", "nummer", "email", "mail", "adresse", "anschrift", "ansprechpartner",
                 "ansprechpartnerin", "website", "webseite", "homepage", "internetseite", "contact", "anrufen",
                 "phone", "address", "kontaktieren", "melden", "ansprechen", "sitz", "buero", "tel", "nr",
                 "mailadresse", "emailadresse", "telefonnr", "rufnummer", "durchwahl", "faxnummer", "postanschrift",
                 "mailadressen", "kontaktadresse", "kontaktperson", "url", "link", "internetadresse"}
CONTACT_PHRASES = ("e mail", "wo sitzt", "wo sitzen", "wo finde ich die", "wo finde ich das", "where is")
NEARBY_WORDS = {"naehe", "nahe", "umgebung", "umkreis", "near", "nearby", "naechste", "naechsten", "naechstes",
                "around", "close", "umland", "bei", "rund", "nah", "naeher", "entfernung"}
COUNTRY_WORDS = {"deutschland", "bundesweit", "insgesamt", "germany", "gesamt", "deutschlandweit", "bundesgebiet"}
COUNT_PHRASES = ("wie viele", "wieviele", "wie viel", "wieviel", "anzahl", "how many", "zahl der")
STOPWORDS = frozenset("""
    genau eigentlich macht machen tut tun erzaehl erzaehle erzaehlen beste besten bester standort
    bekommen erhalten bekam erhielt gekriegt kriegt kriegen
    welche welcher welches was wer wo wie gibt gibts es ein eine einen einem einer der die das den dem des
    und oder in im ins am an auf aus bei mit nach von vom zu zum zur fuer ueber um ich mir mich wir uns du
    sie ihr bitte mal doch denn noch auch schon alle alles sind ist sein hat haben habt kann koennen
    kannst zeig zeige zeigen such suche suchen finde finden liste list netzwerke netzwerk netzwerken
    fachkraeftenetzwerke fachkraeftenetzwerk region regionen raum gegend land bundesland kreis landkreis
    stadt ort gemeinde dort hier da den denen welchem jahr im jahre jahren wurde wurden worden wann werden
    hatte the which are is there any in of for me show find list networks network what who where how
    do does near state county city town region what's whats gut guten tag hallo danke
    sowas so etwas was aktiv aktive aktiven plz postleitzahl kennst kenne weisst
    macht machen tut erzaehl erzaehle erzaehlen sag sage sagen gib infos informationen details mehr wird
    thema themen sich mein meine meiner meinem bin waere hast tell about please give more
    zustaendig zustaendige frage fragen neu sitzt
""".split())
# typo'd intent words are read as these (only words of 7+ letters, one edit away)
FUZZY_INTENT_WORDS = sorted(w for w in CONTACT_WORDS | AWARD_WORDS | NEARBY_WORDS if len(w) >= 7)
NOT_INTENT_TYPOS = frozenset({"gewinnen", "gewinnung", "gewinnt", "gewinne", "kontakten", "erreicht", "adressen"})
# English names of German cities that people write in English
EXONYMS = {"munich": "muenchen", "cologne": "koeln", "nuremberg": "nuernberg", "hanover": "hannover",
           "brunswick": "braunschweig", "dusseldorf": "duesseldorf", "dusseldorff": "duesseldorf"}
ARTICLES = frozenset("der die das den dem des ein eine einen einem einer the".split())
LOCATIVES = frozenset("in im bei nahe naehe um von aus nach zu zum zur fuer ab rund umgebung umkreis near around "
                      "close to".split())
DISTRICT_MARKERS = ("landkreis", "lk", "lkr", "kreis", "bezirk", "regionalverband")
PLACE_QUALIFIERS = frozenset("landkreis kreis region regionen stadt land bundesland gemeinde raum".split())
GENERIC_IDF = 2.3  # name words in more than about one in ten networks ("netzwerk", "fachkraefteallianz")
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
    year: int | None = None
    spans: list[Span] = field(default_factory=list)
    topic: str | None = None
    topic_tokens: set[int] = field(default_factory=set)
    wants_award: bool = False
    wants_contact: bool = False
    wants_nearby: bool = False
    wants_count: bool = False
    wants_country: bool = False
    wants_help: bool = False
    not_places: set[int] = field(default_factory=set)  # tokens that must not be read as a place

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
        self.topic_words: list[tuple[tuple[str, ...], str]] = []
        for topic in catalog.topics:
            for word in topic.words:
                self.topic_words.append((tuple(fold(word).split()), topic.code))
        self.topic_words.sort(key=lambda tw: -len(tw[0]))
        # single topic words -> their first position in topic_words (the order decides between topics)
        self._single_topic_rank: dict[str, int] = {}
        for rank, (words, _code) in enumerate(self.topic_words):
            if len(words) == 1:
                self._single_topic_rank.setdefault(words[0], rank)
        self._fuzzy_topic_words = sorted({words[0]: code for words, code in reversed(self.topic_words)
                                          if len(words) == 1 and len(words[0]) >= 6}.items())
        # where each network is: folded state, district and town keys -> network ids
        self._located: dict[tuple[str, str], set[str]] = {}
        self._canonical_cache: dict[str, str] = {}
        self._fuzzy_town_cache: dict[str, list[tuple[str, float]]] = {}

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
            years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", arg)]
            if not arg or years:
                return Query(intent="award", text=text, year=years[0] if years else None)
            return self._network_or(arg, text, "profile", fallback=self._free(arg))
        if command == "profile":
            if not arg:
                return Query(intent="unknown", text=text, info="need_name")
            return self._network_or(arg, text, "profile", fallback=None)
        if command == "contact":
            if not arg:
                return Query(intent="unknown", text=text, info="need_contact")
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
        matches = self.match_names(sig)
        decided = self._decide_network(matches, sig, strict=False)
        if isinstance(decided, str):
            return Query(intent=intent, text=text, network_id=decided)
        if decided:
            return Query(intent="clarify", text=text, choices=self._for_intent(decided, intent), info=intent)
        return fallback or Query(intent="unknown", text=text, info="no_network")

    def _place_query(self, arg: str, text: str, intent: str) -> Query | None:
        signals = self.analyse(arg)
        return self._region_from_signals(signals, text, intent) or self._fuzzy_region(signals, text, intent)

    # -- free text ---------------------------------------------------------------------------------
    def _canonical(self, word: str) -> str:
        """English city names and typo'd intent words as the words the rules know ("kontackt" -> "kontakt")."""
        if word in EXONYMS:
            return EXONYMS[word]
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

    def analyse(self, text: str) -> Signals:
        tokens = [self._canonical(w) for w in fold(text).split()]
        folded = " ".join(tokens)
        sig = Signals(text=text, folded=folded, tokens=tokens)
        words = set(tokens)
        padded = f" {folded} "
        sig.wants_help = bool(words & HELP_WORDS) or any(f" {p} " in padded for p in HELP_PHRASES)
        sig.wants_award = bool(words & AWARD_WORDS) or "innovatives netzwerk" in folded
        sig.wants_contact = bool(words & CONTACT_WORDS) or any(f" {p} " in padded for p in CONTACT_PHRASES)
        sig.wants_nearby = bool(words & NEARBY_WORDS) or "in der naehe" in folded
        sig.wants_count = any(f" {p} " in padded for p in COUNT_PHRASES)
        sig.wants_country = bool(words & COUNTRY_WORDS)
        postcode = _POSTCODE.search(text)
        if postcode:
            sig.postcode = postcode.group(1)
        year = _YEAR.search(text) or _SHORT_YEAR.search(text)
        if year:
            value = int(year.group(1))
            value = value + 2000 if value < 100 else value
            if FIRST_YEAR - 2 <= value <= LAST_YEAR + 5:
                sig.year = value
        self._find_landscapes(sig, multi_word_only=True)  # "Thüringer Wald" before the state adjective
        self._find_states(text, sig)
        self._find_landscapes(sig)
        self._find_places(sig)
        self._find_topic(sig)
        return sig

    def _longer_place_at(self, tokens: list[str], start: int, n: int) -> bool:
        """A town or district name that starts at ``start`` and is longer than ``n`` words."""
        for m in range(min(self.gazetteer.max_words, 6, len(tokens) - start), n, -1):
            key = " ".join(tokens[start:start + m])
            if self.gazetteer.places(key) or self.gazetteer.district(key):
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
                if state and self._longer_place_at(tokens, start, n):
                    continue  # "Brandenburg an der Havel" is a town, not the state
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
        district_marker = _DISTRICT_WORD.search(sig.folded)
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

    @staticmethod
    def _named(place: Place, key: str) -> bool:
        """``key`` is the place's name or part of it, not only its qualifier ("Eifel" in "Naurath (Eifel)")."""
        if fold(place.name) == key:
            return True
        bare = fold(re.sub(r"\(.*?\)", " ", place.name))
        return f" {key} " in f" {bare} "

    @staticmethod
    def _topic_word_fits(token: str, word: str) -> bool:
        """A topic word matches a whole token or its start ("Pflegekräfte" -> "pflege")."""
        return token == word or (len(word) >= 5 and token.startswith(word) and len(token) - len(word) <= 9)

    def _topic_rank(self, token: str) -> int | None:
        """The first single topic word that fits ``token`` (its position in topic_words), if any."""
        ranks = [self._single_topic_rank.get(token[:k]) for k in range(max(5, len(token) - 9), len(token))]
        ranks.append(self._single_topic_rank.get(token))
        ranks = [r for r in ranks if r is not None]
        return min(ranks) if ranks else None

    def _find_topic(self, sig: Signals) -> None:
        tokens = sig.tokens
        taken = sig.used()
        for words, code in self.topic_words:
            n = len(words)
            if n == 1:
                break  # single words below, by lookup
            for start in range(0, len(tokens) - n + 1):
                if taken & set(range(start, start + n)):
                    continue
                if all(self._topic_word_fits(w, q) for w, q in zip(tokens[start:start + n], words)):
                    sig.topic = code
                    sig.topic_tokens = set(range(start, start + n))
                    return
        best = None  # (rank in topic_words, token index)
        for index, token in enumerate(tokens):
            rank = None if index in taken else self._topic_rank(token)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, index)
        if best is not None:
            sig.topic = self.topic_words[best[0]][1]
            sig.topic_tokens = {best[1]}
            return
        # a typo in a topic word ("Logisitk"), for words that are no name or place
        for index, token in enumerate(tokens):
            if (index in taken or len(token) < 6 or token in STOPWORDS or token in self.names.idf
                    or token in self.gazetteer.by_key):
                continue
            allowed = 1 if len(token) < 10 else 2
            for word, code in self._fuzzy_topic_words:
                if typo_close(token, word, allowed):  # "Pfelge", but "fragen" is no typo of "Frauen"
                    sig.topic = code
                    sig.topic_tokens = {index}
                    return

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
        if not rest:
            whole_name = top.score >= 0.95 and top.precision >= 0.95
            joins_places = len(sig.spans) >= 2 and top.precision >= 0.95 and top.score >= 0.6
            return self._decide(matches, sig) if whole_name or joins_places else None
        # only words every other name has: the whole name, or the one such network at a town or district
        # ("Fachkräfteallianz Bautzen"); with a state they ask for its list ("Fachkräfteallianz Sachsen")
        if all(self._generic(w) for w in rest) and not (top.recall >= 0.9 and top.precision >= 0.9):
            return None if sig.first("state") else self._by_name_and_place(sig, rest)
        # the question's name words (as ``name_words``: no "Kontakt", "Preis" …) with the place words last
        place_words = " ".join(w for w in self.name_words(sig).split() if w not in rest)
        rest_matches = self.match_names(sig, " ".join(rest) + " " + place_words)
        tied = {m.network_id for m in matches if m.score >= top.score - 0.02}
        decided = None
        if rest_matches and rest_matches[0].network_id in tied and (
                self.names.knows_any(" ".join(rest)) or top.recall >= 0.95):
            decided = self._decide(matches, sig)
        return decided if decided is not None else self._by_name_and_place(sig, rest)

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
            keys = [("district", d.core) for d in span.value]
        elif span.kind == "area":
            keys = [("district", d.core) for d in self.gazetteer.area_districts(span.value)]
        else:
            keys = [("town", fold(p.parent or p.name)) for p in span.value[:8]]
            keys += [("district", d.core) for p in span.value[:8]
                     if (d := self.gazetteer.district_by_code(p.district_code)) is not None]
        found: set[str] = set()
        for key in keys:
            if key not in self._located:
                self._located[key] = set(self.store.ids_in_region(*key))
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

    def _distinctive(self, sig: Signals, matches) -> str | None:
        """A network named by a word no other network uses ("Wer steckt hinter Perspektiva?")."""
        if not matches or sig.spans or sig.topic:
            return None
        top = matches[0]
        words = self.names.network_words[top.network_id]
        unique = [w for w in sig.tokens if w in words and self.names.df.get(w) == 1 and len(w) >= 4]
        others = [m for m in matches[1:] if m.recall >= 0.6]
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

    def _only_greeting(self, sig: Signals) -> bool:
        """"Moin", "Hallo!", "Moin moin": a greeting and nothing else (not "Moin Fachkräfte")."""
        content = [w for w in sig.tokens if w not in STOPWORDS]
        return bool(content) and all(w in HELP_WORDS for w in content)

    def _topic_explains(self, sig: Signals, top) -> bool:
        """The network matched only through the topic word (and places): "Pflege", "Glas in Bayern"."""
        if not sig.topic or (top is not None and top.score >= 0.97 and top.precision >= 0.95):
            return False
        topic_words = {sig.tokens[i] for i in sig.topic_tokens}
        return all(w in topic_words or self._is_topic_word(w) for w in self._rest_words(sig))

    def _is_topic_word(self, word: str) -> bool:
        return self._topic_rank(word) is not None

    def _weak_places(self, sig: Signals) -> bool:
        """Every place is one bare word not introduced as a place ("wer waren die Preisträger …")."""
        for span in sig.spans:
            before = sig.tokens[span.start - 1] if span.start > 0 else ""
            if span.kind != "town" or span.end - span.start > 1 or before in LOCATIVES:
                return False
        return bool(sig.spans)

    def _free(self, text: str) -> Query:
        sig = self.analyse(text)
        content = [w for w in sig.tokens if w not in STOPWORDS]
        if sig.wants_help and self._only_greeting(sig) and not sig.postcode and sig.year is None:
            return Query(intent="help", text=text)
        if sig.tokens and all(w in THANKS_WORDS for w in sig.tokens) and not sig.tokens == ["alles"]:
            return Query(intent="help", text=text, info="thanks")
        matches = self.match_names(sig)
        network = self._decide_network(matches, sig)
        if network is not None and not sig.wants_contact and self._topic_explains(sig, matches[0] if matches else None):
            network = None
        if isinstance(network, str):
            intent = "contact" if sig.wants_contact else "profile"
            return Query(intent=intent, text=text, network_id=network, year=sig.year)
        if sig.wants_award and not sig.topic and not sig.postcode and (not sig.spans or sig.year is not None
                                                                        and self._weak_places(sig)):
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
        region_query = self._region_from_signals(sig, text, "contact" if sig.wants_contact else None)
        if region_query is not None:
            return region_query
        if sig.topic:
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

    def _mentioned(self, sig: Signals) -> list[Choice]:
        """Last resort: networks whose name or description mentions the words ("Handwerk", "Hochsauerland")."""
        words = [w for w in sig.tokens if w not in STOPWORDS and len(w) >= 4 and not w.isdigit()]
        if not words or len(words) > 3:
            return []
        ids = self.store.search_text(words, limit=8, columns=("name", "aliases"))
        return [Choice(self.names.display_name[i], actions.profile(i), "network", i) for i in ids
                if i in self.names.display_name]

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
        if len(exact) == 1 and all(p.size <= exact[0].size for p in places):
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
        for key in self._fuzzy_states:
            allowed = 1 if len(key) <= 10 else 2
            if typo_close(word, key, allowed):
                return self.state_aliases[key]
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
        words = [w for _i, w in content]
        phrase = " ".join(words)
        hits = self._fuzzy_towns(phrase) or [h for w in words for h in self._fuzzy_towns(w)]
        if hits:
            name = max(hits, key=lambda h: h[1])[0]
            query = self._region_from_signals(self.analyse(name), text, intent or ("nearby" if sig.wants_nearby else None))
            if query:
                return query
        return None
