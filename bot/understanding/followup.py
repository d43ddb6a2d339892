"""Follow-ups: a message that leaves slots open is completed from the conversation's last turn.

"Kontakt dazu", "und in Thüringen?", "nur die für Ausbildung", "und 2014?", "welche davon sind aus
Niedersachsen?", "weiter", "die an der Oder": each names some slots (a place, a topic, a year, an intent
word, an ordinal) and refers to the rest with a marker ("und", "davon", "nur", "dazu", "die"). The rules
below fill the open slots from :class:`bot.conversation.State` and return ``None`` when the message is
complete on its own ("Netzwerke in Bayern" after a profile is just Bayern), so the standalone rules
answer it. Without a conversation, an elliptical message gets a helpful question instead of
"nicht verstanden".

Each rule has a name and an example, in the order they are tried:

* ``paging``       "weiter", "nächste Seite", "zurück"            -> the last list, one page on or back
* ``pick``         "die zweite", "2", "die an der Oder", "Saale"    -> a choice of the last clarify or list
* ``contact``      "Kontakt dazu", "wie erreiche ich die?"         -> the contact card of the network shown
* ``about``        "wann wurde die ausgezeichnet?"                 -> the awards of the network shown
* ``slots``        "und in Thüringen?", "nur die für Ausbildung", "und 2014?", "welche davon sind aus NI?"
                                                                  -> the last question with the new slots
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import actions
from ..i18n import _
from ..models import Choice, Query
from ..textnorm import fold
from .lexicon import (
    AWARD_WORDS,
    CONTACT_WORDS,
    LOCATIVES,
    NETWORK_NOUNS,
    STOPWORDS,
    THANKS_WORDS,
)
from .signals import Signals

# a message that starts with one of these continues the last one ("und in Thüringen?", "auch 2014?")
MARKERS = frozenset("und and auch also sowie oder or plus".split())
WHAT_ABOUT = ("wie sieht es aus mit", "wie sieht es mit", "wie siehts aus mit", "wie schaut es aus mit",
              "was ist mit", "und was ist mit", "what about", "how about", "and what about", "wie ist es mit",
              "gilt das auch fuer", "gibt es das auch")
# words that point back at what was shown ("davon", "dazu", "sie", "them")
POINTERS = frozenset("""dazu davon darunter dafuer hierzu darueber dort diese dieser dieses diesem diesen sie ihr
    ihre ihnen ihm jene genannte genannten selbe selben them they it its their that this those these""".split())
# articles that point back only where they stand alone ("wann wurde die ausgezeichnet", "wie erreiche ich die")
ARTICLE_POINTERS = frozenset("die der das den dem denen es er".split())  # "es": not in "gab es 2015 …"
VERBS_BEFORE_POINTER = frozenset("""wurde wurden hat haben hatte hatten ist war sind waren kann koennen bekam bekamen
    erhielt erhielten gewann gewannen wird werden erreiche erreichen erreicht kontaktiere kontaktieren anrufen
    schreiben finde finden ich man""".split())
AWARD_NOUNS = frozenset("""preis preise award awards auszeichnung auszeichnungen preistraeger preistraegerin
    preistraegerinnen gewinner gewinnerin sieger prize wettbewerb innovatives fachkraeftepreis jury""".split())
# every word that may point back, for the quick test
ANAPHORA = POINTERS | ARTICLE_POINTERS | frozenset("da netzwerk netzwerks network one ones there".split())
NARROWING = frozenset("davon darunter nur only those of which ausschliesslich".split())
PAGING_NEXT = frozenset("weiter mehr naechste naechsten weitere weiteren next more vor vorwaerts fortsetzen "
                        "weiterblaettern blaettern".split())
PAGING_BACK = frozenset("zurueck vorherige vorige vorigen vorherigen back previous prev".split())
PAGING_FILLER = frozenset("seite seiten page bitte mal die der das noch please zeig zeige zeigen mir show me "
                          "ergebnisse treffer liste eintraege netzwerke anzeigen gerne gern ja ok okay go gehts "
                          "geht es davon the of results list".split())
ORDINALS = {"erste": 1, "ersten": 1, "erster": 1, "erstes": 1, "first": 1, "zweite": 2, "zweiten": 2, "zweiter": 2,
            "zweites": 2, "second": 2, "dritte": 3, "dritten": 3, "dritter": 3, "drittes": 3, "third": 3,
            "vierte": 4, "vierten": 4, "vierter": 4, "viertes": 4, "fourth": 4, "fuenfte": 5, "fuenften": 5,
            "fuenfter": 5, "fifth": 5, "sechste": 6, "sechsten": 6, "sechster": 6, "sixth": 6, "siebte": 7,
            "siebten": 7, "achte": 8, "achten": 8, "letzte": -1, "letzten": -1, "letzter": -1, "letztes": -1,
            "last": -1}
NUMBER_WORDS = frozenset("nummer nr number no platz option punkt".split())
# "und im Jahr davor?" / "und danach?": the year before or after the last one
YEAR_BEFORE = frozenset("davor vorher zuvor vorjahr vorjahres before previous earlier frueher".split())
YEAR_AFTER = frozenset("danach darauf folgejahr drauf after next later spaeter".split())
# words a pick ("die an der Oder") may carry besides the words of a choice's label
PICK_FILLER = frozenset("die der das den dem an am im in bei von vom zur zum ich meine meinte meinen bitte ok "
                        "the one in on at i mean please ja genau ort kreis stadt nummer nr number".split())
# question words around a pointer ("when did it win?", "wer ist da ansprechpartner", "und wann haben die …")
QUESTION_FILLER = frozenset("""when did does do was were has have had get got receive received how can could i we
    reach find call write their his her its welche welcher welchen wann warum wieso seit gibt gab mal eigentlich
    denn schon bitte konkret genau""".split())
THANKS_CORE = frozenset("danke dank dankeschoen vielen thanks thank thx merci dankesehr".split())
_DIGITS = re.compile(r"^\s*(?:nr\.?|nummer|no\.?|#)?\s*(\d{1,2})\s*[.)!?]*\s*$", re.IGNORECASE)
THERE = frozenset("da dort dorthin there".split())
WHICH = frozenset("welche welcher welches which".split())
# "was machen die eigentlich?", "tell me more": the profile of the network shown
WHAT_DO = ("was machen die", "was macht die", "was macht das", "was tun die", "was tut die", "was machen sie",
           "mehr dazu", "mehr ueber", "erzaehl mehr", "what do they do", "what does it do", "tell me more",
           "more about them", "more about it")
# a detail of the network just shown that its profile gives: founding, seat and map, members
DETAILS = ("wann gegruendet", "seit wann", "gegruendet", "gruendung", "gruendungsjahr", "wo sitzt", "wo sitzen",
           "wo genau", "wo ist das", "wo sind die", "sitz", "karte", "wer gehoert dazu", "wer ist dabei",
           "mitglieder", "partner", "when founded", "when was it founded", "since when", "where are they",
           "where is it", "map", "members", "who is in it")
# intents whose last question can take new slots
SLOT_INTENTS = ("region", "nearby", "topic", "award", "contact")


def is_thanks(sig: Signals, has_content: bool) -> bool:
    """"danke dir, hat geholfen", "super, vielen Dank!": thanks with nothing else asked."""
    return bool(set(sig.tokens) & THANKS_CORE) and not has_content and len(sig.tokens) <= 10


class FollowUpMixin:
    def may_follow(self, text: str, has_choices: bool) -> bool:
        """Cheap test whether ``text`` could refer to the conversation (else it is answered on its own,
        and may come from the answer cache). False negatives would lose a follow-up; false positives
        only cost an uncached answer."""
        tokens = fold(text).split()
        if not tokens or text.startswith("/"):
            return False
        if has_choices and len(tokens) <= 6 or len(tokens) <= 2:
            return True  # a short message may be a topic alone ("Integration" after "… in Rostock")
        words = set(tokens)
        if tokens[0] in MARKERS or tokens[0] in LOCATIVES or tokens[0] in NARROWING \
                or tokens[0] in WHICH and not words & (NETWORK_NOUNS | AWARD_NOUNS):
            return True
        padded = f" {' '.join(tokens)} "
        if words & (POINTERS | NARROWING | PAGING_NEXT | PAGING_BACK | YEAR_BEFORE | YEAR_AFTER | NUMBER_WORDS
                    | THERE | ORDINALS.keys()) or _DIGITS.match(text) \
                or any(f" {p} " in padded for p in WHAT_ABOUT + WHAT_DO + DETAILS):
            return True
        # "Kontakt?", "wie erreiche ich die?", "wurde die ausgezeichnet?": an intent word with nothing of its
        # own to ask about ("Kontakt Jenaer Allianz" names its network and may come from the cache)
        return bool(words & (CONTACT_WORDS | AWARD_WORDS)) and all(
            w in STOPWORDS or w in CONTACT_WORDS or w in AWARD_WORDS or w in ANAPHORA or w in QUESTION_FILLER
            or w in THANKS_CORE for w in tokens)

    # -- the rules ---------------------------------------------------------------------------------
    def _follow_up(self, text: str, sig: Signals, state) -> Query | None:
        """The message completed from ``state`` (the last turn), or None when it stands on its own."""
        tokens = self._without_thanks(sig.tokens)
        for rule in (self._paging, self._pick, self._contact_of_shown, self._about_shown, self._profile_of_shown,
                     self._new_slots):
            query = rule(text, sig, tokens, state)
            if query is not None:
                query.text = text
                return query
        return None

    @staticmethod
    def _without_thanks(tokens: list[str]) -> list[str]:
        """"Danke, und in Thüringen?" continues like "und in Thüringen?"."""
        start = 0
        while start < len(tokens) - 1 and (tokens[start] in THANKS_CORE or tokens[start] in THANKS_WORDS):
            start += 1
        return tokens[start:]

    def _paging(self, text: str, sig: Signals, tokens: list[str], state) -> Query | None:
        """"weiter", "mehr", "nächste Seite", "weitere bitte", "zurück"."""
        words = [w for w in tokens if w not in PAGING_FILLER]
        step = 1 if words and all(w in PAGING_NEXT for w in words) else \
            -1 if words and all(w in PAGING_BACK for w in words) else 0
        if not step or sig.postcode or sig.spans or sig.topic or sig.years:
            return None
        if state is None or state.intent in ("help", "unknown") or not state.shown and state.pages <= 1:
            return Query(intent="unknown", info="need_list")
        if state.pages <= 1 or state.query.network_id is not None:
            return Query(intent="help", info="no_more_pages")
        page = state.page + step
        if page < 0 or page >= state.pages:
            query = replace(state.query, page=min(max(page, 0), state.pages - 1), reused=["page"], notes=[])
            query.notes = [_("Das ist bereits die letzte Seite.") if step > 0 else _("Das ist bereits die erste Seite.")]
            return query
        return replace(state.query, page=page, reused=["page"], notes=[], count_only=False)

    def _ordinal(self, text: str, tokens: list[str]) -> int | None:
        """"die zweite" -> 2, "Nummer 3" / "3" -> 3, "die letzte" -> -1; None if the message is more."""
        digits = _DIGITS.match(text)
        if digits:
            return int(digits.group(1))
        numbers = [ORDINALS[w] for w in tokens if w in ORDINALS]
        rest = [w for w in tokens if w not in ORDINALS and w not in PICK_FILLER and w not in NUMBER_WORDS
                and w not in CONTACT_WORDS and w not in STOPWORDS and not w.isdigit()]
        if len(numbers) == 1 and not rest:
            return numbers[0]
        for index, word in enumerate(tokens[:-1]):
            if word in NUMBER_WORDS and tokens[index + 1].isdigit() and not rest:
                return int(tokens[index + 1])
        return None

    def _pick(self, text: str, sig: Signals, tokens: list[str], state) -> Query | None:
        """A clarify answered by typing ("die an der Oder", "Saale", "die zweite", "2"), or an item of the
        list shown by its number ("Nummer 3", "Kontakt zum ersten")."""
        if len(tokens) > 7:
            return None
        number = self._ordinal(text, [w for w in tokens if w not in CONTACT_WORDS or w in NUMBER_WORDS or w == "nummer"])
        if state is None:
            if number is not None and not sig.postcode and len(tokens) <= 3:
                return Query(intent="unknown", info="need_choice")
            return None
        choices = state.choices if state.intent == "clarify" else []
        if choices:
            if number is not None:
                if number == -1:
                    number = len(choices)
                if 1 <= number <= len(choices):
                    return self._from_choice(choices[number - 1], sig)
                return None
            words = [w for w in tokens if w not in PICK_FILLER and w not in ("und", "and")]
            if words and not sig.postcode:
                labels = [(choice, fold(choice.label).split()) for choice in choices]
                fitting = [choice for choice, label in labels
                           if all(any(part == w or len(w) >= 4 and part.startswith(w) for part in label)
                                  for w in words)]
                if len(fitting) == 1:
                    return self._from_choice(fitting[0], sig)
                if state.query.text and {c.kind for c in choices} == {"network"}:
                    # "Fachkräfteallianz" -> "die in Dresden": the question and the answer together
                    joined = self._free(f"{state.query.text} {' '.join(words)}")
                    if joined.intent in ("profile", "contact") and joined.network_id:
                        joined.reused = ["choice"]
                        return joined
            return None
        if number is None or not state.shown:
            return None
        index = number - 1 if number != -1 else len(state.shown) - 1
        if number > len(state.shown) and state.first < number <= state.first + len(state.shown):
            index = number - 1 - state.first  # the number printed in front of it ("8." on page 2)
        if not 0 <= index < len(state.shown):
            return None
        wants_contact = bool(set(tokens) & (CONTACT_WORDS - NUMBER_WORDS - {"nummer"}))
        intent = "contact" if wants_contact or state.intent == "contact" else "profile"
        return Query(intent=intent, network_id=state.shown[index], reused=["list"])

    def _from_choice(self, choice: Choice, sig: Signals) -> Query | None:
        query = actions.decode(choice.action)
        if query is None:
            return None
        if sig.wants_contact and query.intent == "profile" and query.network_id:
            query.intent = "contact"
        query.reused = ["choice"]
        return query

    def _only_pointing(self, sig: Signals, tokens: list[str]) -> bool:
        """Nothing but intent, filler and pointing words: no place, topic, year or name of its own."""
        if sig.postcode or sig.spans or sig.topic:
            return False
        rest = [w for w in self._rest_words(sig) if w not in ANAPHORA and w not in MARKERS and w in tokens
                and w not in QUESTION_FILLER]
        return not rest

    def _contact_of_shown(self, text: str, sig: Signals, tokens: list[str], state) -> Query | None:
        """"Kontakt dazu", "wie erreiche ich die?", "telefonnummer?", "wer ist da ansprechpartner"."""
        if not sig.wants_contact or sig.years or not self._only_pointing(sig, tokens):
            return None
        if state is None or state.intent in ("help", "unknown"):
            return Query(intent="unknown", info="need_contact")
        if state.network_id:
            return Query(intent="contact", network_id=state.network_id, reused=["network"])
        shown = state.shown or [c.ref for c in state.choices if c.kind == "network" and c.ref]
        if len(shown) == 1:
            return Query(intent="contact", network_id=shown[0], reused=["network"])
        if shown:
            return Query(intent="clarify", info="contact", reused=["list"], choices=[
                Choice(self.names.display_name.get(nid, nid), actions.contact(nid), "network", nid)
                for nid in shown[:8] if nid in self.names.display_name])
        return Query(intent="unknown", info="need_contact")

    @staticmethod
    def _points_back(tokens: list[str]) -> bool:
        """A pronoun that refers to what was shown: "sie", "dazu", "them", or an article standing alone
        after a verb ("wann wurde die ausgezeichnet?", not "wer hat den Preis bekommen?")."""
        for index, word in enumerate(tokens):
            if word in POINTERS:
                return True
            if word in ARTICLE_POINTERS and index and tokens[index - 1] in VERBS_BEFORE_POINTER:
                after = tokens[index + 1] if index + 1 < len(tokens) else ""
                if after not in AWARD_NOUNS and (not after or after in STOPWORDS or after in AWARD_WORDS
                                                 or after in CONTACT_WORDS):
                    return True
        return False

    def _about_shown(self, text: str, sig: Signals, tokens: list[str], state) -> Query | None:
        """"wann wurde die ausgezeichnet?", "hat die einen Preis gewonnen?" about the network shown."""
        if not sig.wants_award or sig.wants_contact or not self._only_pointing(sig, tokens):
            return None
        if not self._points_back(tokens) or set(tokens) & NARROWING:
            return None
        if state is None or state.intent in ("help", "unknown"):
            return Query(intent="unknown", info="need_network_award")
        if state.network_id:
            return Query(intent="profile", network_id=state.network_id, facet="award", year=sig.year,
                         reused=["network"])
        return None  # a list: "welche davon wurden ausgezeichnet?" narrows it (below)

    def _profile_of_shown(self, text: str, sig: Signals, tokens: list[str], state) -> Query | None:
        """"was machen die eigentlich?", "tell me more" after a contact card or a one-item list."""
        folded = f" {' '.join(tokens)} "
        if state is None or not state.network_id or not any(f" {p} " in folded for p in WHAT_DO + DETAILS):
            return None
        if not any(f" {p} " in folded for p in WHAT_DO) and len(tokens) > 6:
            return None  # a detail word in a question of its own
        if sig.postcode or sig.spans or sig.topic or self.names_a_network(sig):
            return None
        return Query(intent="profile", network_id=state.network_id, reused=["network"])

    def _new_slots(self, text: str, sig: Signals, tokens: list[str], state) -> Query | None:
        """"und in Thüringen?", "und bei Kassel?", "nur die für Ausbildung", "und 2014?", "und im Jahr
        davor?", "welche davon sind aus Niedersachsen?", "welche davon wurden ausgezeichnet?"."""
        if state is None or state.intent not in SLOT_INTENTS or state.query.network_id is not None:
            return None
        words = set(tokens)
        folded = " ".join(tokens)
        marked = (bool(tokens) and (tokens[0] in MARKERS or tokens[0] in NARROWING)) or bool(words & NARROWING) \
            or any(folded.startswith(p) or f" {p} " in f" {folded} " for p in WHAT_ABOUT) \
            or bool(words & THERE) and not (sig.spans or sig.postcode)  # "gibt es da was zu Rückkehr?"
        # "in Thüringen?", "welche sind aus Bayern?": no question of their own (no network or award noun)
        elliptic = bool(tokens) and (tokens[0] in LOCATIVES and not self._asks_itself(sig) or tokens[0] in WHICH
                                     and not words & (NETWORK_NOUNS | AWARD_NOUNS))
        # a topic alone after a place ("Was gibt es in Rostock?" -> "Integration"): that topic there
        bare_topic = bool(sig.topic) and not (sig.spans or sig.postcode or sig.years) \
            and state.query.region is not None and len(self._rest_words(sig)) <= 2
        relative = 0
        if words & YEAR_BEFORE and not sig.years:
            relative = -1
        elif words & YEAR_AFTER and not sig.years and not words & PAGING_NEXT - {"next"}:
            relative = 1
        if not (marked or elliptic or relative or bare_topic):
            return None
        if self.names_a_network(sig):
            return None
        last = state.query
        new_region = None
        placed = self._region_from_signals(sig, text, None) if sig.postcode or sig.spans else None
        if placed is None and self._rest_words(sig):
            placed = self._fuzzy_region(sig, text, None)  # "wie sieht es aus mit Nidersachsen"
        if placed is not None:
            if placed.intent in ("clarify", "unknown"):
                return placed
            new_region = placed.region
        new_topics = [sig.topic, *sig.extra_topics] if sig.topic else []
        new_years = list(sig.years)
        if relative and last.year is not None:
            years = sorted(self.store.award_years())
            later = [y for y in years if (y > last.year if relative > 0 else y < last.year)]
            new_years = [min(later) if relative > 0 else max(later)] if later else [last.year + relative]
        if sig.wants_active and not (new_region or new_topics or new_years) and last.intent in SLOT_INTENTS:
            return replace(last, page=0, active_only=True, reused=["intent", "region"], notes=[])  # "nur die aktiven"
        if not (new_region or new_topics or new_years or sig.wants_award or sig.wants_contact or sig.wants_nearby):
            return None
        reused = []
        # the intent: the message's own intent word, else the last question's
        if sig.wants_award or new_years and last.intent == "award" or new_years and not (new_region or new_topics):
            intent = "award"
        elif sig.wants_contact:
            intent = "contact"
        elif new_topics or last.intent == "topic":
            intent = "topic"  # "Logistik in Sachsen" -> "und bei 99084?": Logistik around 99084
        elif sig.wants_nearby:
            intent = "nearby"
        else:
            intent = last.intent
        if intent == last.intent:
            reused.append("intent")
        region = new_region
        if region is None and last.region is not None:
            region = last.region
            reused.append("region")
        topic, extra_topics = (new_topics[0], new_topics[1:]) if new_topics else (last.topic, last.extra_topics)
        if not new_topics and intent == "topic" and last.topic:
            reused.append("topic")
        if intent == "topic" and not topic:
            intent = "region" if region is not None and region.kind != "point" else "nearby"
        year, extra_years = (new_years[0], new_years[1:]) if new_years else (last.year, last.extra_years)
        if not new_years and intent == "award" and last.year is not None:
            reused.append("year")
        if intent != "award":
            year, extra_years = None, []
        extra_regions = [] if new_region is not None else list(last.extra_regions)
        if region is not None and region.kind == "state" and intent == "nearby":
            intent = "region"
        if region is not None and region.kind == "point" and intent in ("region", "contact"):
            intent = "nearby"
        if intent in ("region", "nearby", "contact") and region is None:
            return None
        query = Query(intent=intent, region=region, topic=topic if intent == "topic" else None,
                      extra_topics=extra_topics if intent == "topic" else [], year=year, extra_years=extra_years,
                      extra_regions=extra_regions, reused=reused, count_only=sig.wants_count)
        if new_region is not None:
            self._add_regions(query, sig)  # "und in Sachsen und Thüringen?"
        return query

    def _asks_itself(self, sig: Signals) -> bool:
        """The message carries its own question words ("in Bayern welche Netzwerke?" is still elliptic,
        "in welchen Kreisen gibt es Netzwerke" is not a follow-up)."""
        return bool(set(sig.tokens) & {"netzwerke", "netzwerk", "networks", "network", "buendnisse", "allianzen"}) \
            and not sig.spans and not sig.postcode

    def names_a_network(self, sig: Signals) -> bool:
        """The message names a network of its own ("und die Jenaer Allianz?")."""
        matches = self.match_names(sig)
        decided = self._decide_network(matches, sig)
        if isinstance(decided, str) and self._topic_explains(sig, matches[0] if matches else None):
            return False  # "und Logistik?" asks for the topic, not for "Netzwerk Logistik Leipzig-Halle"
        return isinstance(decided, str)
