"""Answering: turn a :class:`Query` into an :class:`Answer` from the store.

Everything the user reads is composed here from stored facts only, in the answer's language: every text
goes through the message catalogue (``bot.i18n``: ``_``, ``ngettext``, ``N_`` for texts defined at import
time), the data's German texts (profiles, status notes) are marked as German in English answers. Contact details
always come with their source and "Stand" date; caveats and a network's latest status are shown
so nobody calls a network that has ended; award years with unidentified winners say so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import urlparse

from . import actions
from .answer_programme import ProgrammeAnswers
from .catalog import Catalog
from .faq import Knowledge
from . import i18n
from .feedback.texts import tr
from .gazetteer import Gazetteer
from .i18n import N_, _, day, ngettext, number
from .models import Answer, Button, Query, Region, Span, Venue, b, i, link, t
from .store import NetworkDetail, NetworkSummary, Store
from .textnorm import fold

PAGE_SIZE = 6
NEARBY_KM = 100.0
NEARBY_MIN = 5
KIND_DE = {"network": N_("Netzwerk"), "alliance": N_("Bündnis/Allianz"), "initiative": N_("Initiative"),
           "project": N_("Projekt"), "campaign": N_("Kampagne")}
STATUS_DE = {"active": N_("aktiv"), "renamed": N_("umbenannt / aufgegangen"), "dissolved": N_("aufgelöst"),
             "ended": N_("beendet")}
ENDED = ("ended", "dissolved")
COORDINATOR_AWARD = "Innovative/r Netzwerkkoordinator/in"
GERMANY = (47.2, 55.1, 5.8, 15.1)  # bounding box: south, north, west, east
EXAMPLES = [(N_("Netzwerke in Sachsen"), "s:SN"), (N_("Preisträger 2013"), "a:2013"), (N_("Themen"), "T"),
            (N_("Alle Preisjahre"), "a:")]
HELP_EXAMPLES = (N_("Welche Netzwerke gibt es in Sachsen?"), N_("Gibt es was in der Nähe von 37073?"), "/award 2013",
                 N_("Kontakt Jenaer Allianz"), N_("Pflege in Niedersachsen"), N_("Wann wurde die Ems-Achse ausgezeichnet?"))
UNKNOWN_MESSAGES = {
    "need_name": N_("Bitte nennen Sie den Namen eines Netzwerks, z. B. /netzwerk Jenaer Allianz."),
    "need_contact": N_("Bitte nennen Sie ein Netzwerk oder einen Ort, z. B. /kontakt Jenaer Allianz oder /kontakt Jena."),
    "need_region": N_("Bitte nennen Sie ein Bundesland, einen Kreis, einen Ort oder eine PLZ, z. B. /region Sachsen."),
    "no_region": N_("Diesen Ort kenne ich leider nicht. Versuchen Sie eine Postleitzahl oder den Namen der Stadt."),
    "no_network": N_("Ein Netzwerk dieses Namens kenne ich leider nicht. Versuchen Sie einen Teil des Namens oder den "
                     "Ort."),
    "bad_postcode": N_("Diese Postleitzahl kenne ich nicht. Bitte prüfen Sie die fünf Ziffern."),
    "unknown_command": N_("Diesen Befehl kenne ich nicht."),
    "need_list": N_("Wovon soll ich mehr zeigen? Stellen Sie zuerst eine Frage, z. B. „Netzwerke in Sachsen“ – dann "
                    "blättern Sie mit „weiter“ und „zurück“."),
    "need_choice": N_("Worauf beziehen Sie sich? Gerade habe ich Ihnen keine Auswahl gezeigt. Nennen Sie einen Ort, "
                      "ein Thema oder den Namen eines Netzwerks."),
    "need_network_award": N_("Welches Netzwerk meinen Sie? Nennen Sie den Namen, z. B. „Wann wurde die Ems-Achse "
                             "ausgezeichnet?“ – oder fragen Sie nach einem Jahr: „Preisträger 2013“."),
}
# Under a German "not understood": how to get English answers (in English on purpose; English answers leave it out)
ENGLISH_HINT = "In English? Just ask in English – or choose the language with /language."
# Texts about one topic, for a field of action ("Zum Thema …") and for a sector ("Zur Branche …")
TOPIC_TEXTS = {
    "label": (N_("Thema"), N_("Branche")),
    "none_in": (N_("Zum Thema „{topic}“ kennen wir {where} kein Netzwerk."),
                N_("Zur Branche „{topic}“ kennen wir {where} kein Netzwerk.")),
    "none_yet": (N_("Zum Thema „{topic}“ kennen wir noch kein Netzwerk."),
                 N_("Zur Branche „{topic}“ kennen wir noch kein Netzwerk.")),
    "covering": (N_("Zum Thema „{topic}“, mit diesem Gebiet"), N_("Zur Branche „{topic}“, mit diesem Gebiet")),
    "n_covering": (N_("{n} zum Thema mit diesem Gebiet"), N_("{n} zur Branche mit diesem Gebiet")),
    "n_around": (N_("{n} zum Thema im Umkreis von {km} km"), N_("{n} zur Branche im Umkreis von {km} km")),
    "nearest": (N_("Zum Thema „{topic}“ am nächsten"), N_("Zur Branche „{topic}“ am nächsten")),
    "none_around": (N_("Zum Thema „{topic}“ gibt es im Umkreis von {km} km um {place} kein Netzwerk."),
                    N_("Zur Branche „{topic}“ gibt es im Umkreis von {km} km um {place} kein Netzwerk.")),
}
# the award names of the data, alone and with a year; an English answer keeps the German name and adds a gloss
AWARD_NAMES = {"Innovatives Netzwerk": N_("Innovatives Netzwerk"),
               "Innovative/r Netzwerkkoordinator/in": N_("Innovative/r Netzwerkkoordinator/in"),
               "Deutscher Fachkräftepreis – Kategorie Innovatives Netzwerk":
                   N_("Deutscher Fachkräftepreis – Kategorie Innovatives Netzwerk")}
AWARD_YEARS = {"Innovatives Netzwerk": N_("Innovatives Netzwerk {year}"),
               "Innovative/r Netzwerkkoordinator/in": N_("Innovative/r Netzwerkkoordinator/in {year}"),
               "Deutscher Fachkräftepreis – Kategorie Innovatives Netzwerk":
                   N_("Deutscher Fachkräftepreis – Kategorie Innovatives Netzwerk {year}")}


def _host(url: str) -> str:
    """The site of a source: "https://www.bmas.de/…" and "bmas.de/…" (citations without scheme) -> "bmas.de"."""
    try:
        host = urlparse(url).netloc
    except ValueError:
        host = ""
    if not host:
        host = url.split("/", 1)[0].split(" ", 1)[0]
    return _label(host.removeprefix("www."), 60)


def _km(value: float | None) -> str:
    """12 -> "12 km", 1.5 -> "1,5 km" / "1.5 km", below 1 km "im Ort" / "in town"."""
    if value is None:
        return ""
    if value < 1:
        return _("im Ort")
    return _("{km} km").format(km=number(value, 0 if value >= 10 else 1))


def _count(n: int) -> str:
    """ "1 Netzwerk", "2 Netzwerke" / "1 network", "2 networks" """
    return ngettext("{n} Netzwerk", "{n} Netzwerke", n).format(n=number(n))


def _nearby_km() -> str:
    return number(NEARBY_KM)


def _in_state(state: str, shown: str | None = None) -> str:
    """ "in Sachsen", but "im Saarland" / "in Saxony", "in Saarland" (``shown``: the name in the answer's
    language)."""
    shown = shown or state
    return _("im {state}").format(state=shown) if state == "Saarland" else _("in {state}").format(state=shown)


def _topic_text(key: str, topic) -> str:
    """The text ``key`` of TOPIC_TEXTS for ``topic`` (a field of action or a sector), translated."""
    return _(TOPIC_TEXTS[key][topic.kind == "sector"])


def _quoted(name: str) -> str:
    """ „Pflege“ / “Care” """
    return _("„{name}“").format(name=name)


def award_label(name: str, year: int | None = None) -> str:
    """An award of the data as the answer names it ("Innovatives Netzwerk 2013"): German as it is; English
    keeps the German name and adds a gloss."""
    if year is None:
        return _(AWARD_NAMES[name]) if name in AWARD_NAMES else name
    return _(AWARD_YEARS[name]).format(year=year) if name in AWARD_YEARS else f"{name} {year}"


def _german(text: str) -> str:
    """A German text of the data, marked as German in an answer in another language."""
    return text if i18n.current() == i18n.DEFAULT else _("{text} (auf Deutsch)").format(text=text)


_FIELD = re.compile(r"\{(\w+)\}")


def _styled(template: str, **values: Span | str) -> list[Span]:
    """A translated ``template`` as spans, each ``{name}`` filled with ``values[name]``: a styled span (a
    bold count in a sentence) keeps its style, a string is plain text. The translation may move the fields."""
    spans: list[Span] = []
    for k, piece in enumerate(_FIELD.split(template)):
        if k % 2 == 0:
            if piece:
                spans.append(t(piece))
            continue
        value = values[piece]
        spans.append(value if isinstance(value, Span) else t(str(value)))
    return spans


def _capital(text: str) -> str:
    """ "in Sachsen" -> "In Sachsen" (the start of a sentence)."""
    return text[:1].upper() + text[1:]


def _grid(buttons: list[Button], per_row: int) -> list[list[Button]]:
    """Buttons in rows of ``per_row`` (year and topic pickers)."""
    return [buttons[k:k + per_row] for k in range(0, len(buttons), per_row)]


def _label(text: str, limit: int = 60) -> str:
    """A button label of at most ``limit`` characters; a cut label ends in "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


STATUS_NOTE_WORDS = {"active": "aktiv", "unclear": "unklar", "ended": "beendet", "dissolved": "aufgelöst",
                     "renamed": "umbenannt"}


def _status_note_de(note: str) -> str:
    """Status notes start with an English keyword in the research ("active (…)"); show it in German (the
    notes are German texts of the data)."""
    head, sep, rest = note.partition(" ")
    word = STATUS_NOTE_WORDS.get(head.lower().rstrip(":;,"))
    return f"{word}{sep}{rest}" if word else note


def _sources(urls: list[str], limit: int = 3) -> str:
    """Distinct source hosts (several pages of one site are named once)."""
    return "; ".join(list(dict.fromkeys(_host(u) for u in urls))[:limit])


_ENGLISH = re.compile(r"\b(the|of|for|and|district|county|skilled|labour|labor|network for)\b", re.IGNORECASE)
_FOUNDING = re.compile(r"gründ|founded|founding|establish", re.IGNORECASE)
_CONTACT = re.compile(r"adress|anschrift|address|telefon|phone|e-mail|website|webseite|homepage|page", re.IGNORECASE)
_DOUBT = re.compile(r"nicht verifiziert|not verified|unverified|outdated|veraltet|not confirmed|nicht bestätigt|"
                    r"unconfirmed|not a dedicated|no own page|not the network|nicht die eigene|keine eigene|"
                    r"may be|might be|unclear|unklar|not proven|nicht belegt|nicht gesichert|conflicting|"
                    r"widersprüchlich|check|prüfen", re.IGNORECASE)


def _caveat(net: NetworkDetail, pattern: re.Pattern, doubt: bool = False) -> bool:
    """Does one of the record's open caveats concern this kind of fact (and, with ``doubt``, doubt it)?"""
    return any(pattern.search(item) and (not doubt or _DOUBT.search(item)) for item in net.unconfirmed)


Places = dict[str, tuple[float, str | None]]  # network id -> (km, the town measured to or None)


@dataclass
class Ranked:
    """A list's matches in display order: all of them, or only a head (through the page asked for) with
    the total and how to get the rest. Around a town at 100,000 networks thousands lie within 100 km;
    a page needs six of them and a count, only the JSON face needs them all."""
    head: list[str]
    places: Places
    total: int
    complete: Callable[[], tuple[list[str], dict[str, float]]] | None = None  # every match
    extend: Callable[[int], tuple[list[str], dict[str, float]]] | None = None  # at least the first n
    near_from: int | None = None  # where the networks around the place start (after those covering it)


def _pages(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


class Answerer(ProgrammeAnswers):
    def __init__(self, store: Store, gazetteer: Gazetteer, catalog: Catalog, knowledge: Knowledge | None = None):
        self.store = store
        self.gazetteer = gazetteer
        self.catalog = catalog
        self.knowledge = knowledge or Knowledge.load(catalog.data_dir)

    _source_hosts = staticmethod(lambda urls: _sources(urls))
    _button_label = staticmethod(lambda text: _label(text))

    def answer(self, query: Query) -> Answer:
        handler = getattr(self, f"_{query.intent}", None) or self._unknown
        answer = handler(query)
        if query.notes:
            answer.paragraphs[:0] = [[i(note)] for note in query.notes]  # in the answer's language already
        answer.reused = list(query.reused)
        answer.active_only = query.active_only
        answer.region_group = query.region_group or answer.region_group
        group = next((g for g in self.knowledge.groups if g.id == query.region_group), None)
        if group is not None and answer.intent != "unknown":
            label = group.label if i18n.current() == i18n.DEFAULT else group.label_en or group.label
            answer.paragraphs.insert(1, [i(_("„{group}“ – dazu zählen wir: {states}.").format(
                group=label, states=", ".join(self.catalog.state_names(group.states))))])
        if query.active_only and answer.intent in ("region", "nearby", "topic", "contact") and answer.network_id is None:
            answer.paragraphs.insert(1, [i(_("Nur aktive Netzwerke: beendete und aufgelöste sind ausgeblendet."))])
        if query.other_parts:
            # a part of the question this answer does not cover: say so, and offer it as a button
            labels = [self.catalog.place_label(c.label) for c in query.other_parts]
            answer.add(i(_("Ihre Frage nannte auch: {parts} – dazu eine eigene Antwort:").format(parts=", ".join(labels))))
            answer.buttons.append([Button(_label(label, 40), c.action) for label, c in zip(labels, query.other_parts[:3])])
        return answer

    # -- lists ---------------------------------------------------------------------------------------
    # Lists work on ordered network ids: only the page shown is turned into summaries (see Answer.load),
    # so a list of thousands costs little more than one of six.
    def _list(self, answer: Answer, query: Query, ids: list[str] | Ranked, title: list, empty: str,
              show_distance: bool, near_from: int | None = None, open_action=actions.profile,
              places: dict[str, tuple[float, str | None]] | None = None,
              headers: dict[int, str] | None = None) -> Answer:
        """A paged list. ``ids``: every match, or a ``Ranked`` head (through the page asked for) with
        its total; ``near_from``: index where "in der Nähe" starts (after networks covering the place);
        ``places``: per id the distance and the town it was measured to; ``headers``: index -> the
        heading of a group that starts there (a question about two regions lists them by region)."""
        ranked = ids if isinstance(ids, Ranked) else Ranked(ids, places or {}, len(ids))
        places, total = ranked.places, ranked.total
        answer.known_ids, answer.total = ranked.head, total
        answer.complete, answer.extend = ranked.complete, ranked.extend
        answer.distance_of = {nid: km for nid, (km, _town) in places.items()}
        answer.loader = self.store.summaries_by_ids
        pages = _pages(total)
        page = min(max(0, query.page), pages - 1)
        answer.page, answer.pages = page, pages
        answer.add(*title)
        if not total:
            if empty:
                answer.add(empty)
            return answer
        first = page * PAGE_SIZE
        shown = answer.load(answer.head(first + PAGE_SIZE)[first:])
        for n, net in enumerate(shown, start=first + 1):
            if near_from is not None and n - 1 == near_from and near_from < total:
                answer.add(b(_("In der Nähe (bis {km} km):").format(km=_nearby_km())))
            if headers:
                if n - 1 in headers:
                    answer.add(b(headers[n - 1] + ":"))
                elif n == first + 1:
                    started = max((k for k in headers if k < n - 1), default=None)
                    if started is not None:
                        answer.add(b(_("{heading} (Fortsetzung):").format(heading=headers[started])))
            spans = [t(f"{n}. "), b(net.name)]
            town = places.get(net.id, (None, None))[1]
            towns = [town] + [x for x in net.towns if x != town] if town else net.towns
            where = ", ".join(towns[:2]) or ", ".join(self.catalog.state_names(net.states))
            details = [where] if where else []
            inside = near_from is not None and n - 1 < near_from
            if inside and (net.distance_km is None or net.distance_km >= 1):
                details.append(_("im Gebiet"))  # it covers the place (a district or region), whatever its seat
            elif show_distance and net.placed_by == "capital":
                details.append(_("Sitz unbekannt"))  # placed at the state capital as a stand-in: no real distance
            elif show_distance and net.distance_km is not None:
                details.append(_km(net.distance_km))
            if net.award_years:
                details.append("🏆 " + ", ".join(str(y) for y in net.award_years))
            if net.status in ENDED:
                details.append(_(STATUS_DE[net.status]))
            if details:
                spans.append(t(" – " + " · ".join(details)))
            answer.add(*spans)
        if pages > 1:
            answer.add(i(_("Seite {page} von {pages} · {networks} insgesamt").format(
                page=number(page + 1), pages=number(pages), networks=_count(total))))
        for n, net in enumerate(shown, start=first + 1):
            answer.buttons.append([Button(_label(f"{n}. {net.name}"), open_action(net.id))])
        nav = []
        if page > 0 and (prev := actions.for_query(query, page - 1)):
            nav.append(Button(_("◀ Zurück"), prev))
        if page < pages - 1 and (nxt := actions.for_query(query, page + 1)):
            nav.append(Button(_("Weiter ▶"), nxt))
        if nav:
            answer.buttons.append(nav)
        return answer

    def _by_activity(self, ids: list[str], query: Query, headers: dict[int, str] | None = None) -> list[str]:
        """Networks that ended or dissolved last (they are marked in the list), or left out when only active
        ones are asked for. A grouped list (``headers``) keeps its groups and is only filtered."""
        ended = self.store.ended_ids()
        if not ended or not any(nid in ended for nid in ids):
            return ids
        if headers is not None:
            if not query.active_only:
                return ids
            kept, moved = [], {}
            for index, nid in enumerate(ids):
                if index in headers:
                    moved[len(kept)] = headers[index]
                if nid not in ended:
                    kept.append(nid)
            headers.clear()
            headers.update(moved)
            return kept
        active = [nid for nid in ids if nid not in ended]
        return active if query.active_only else active + [nid for nid in ids if nid in ended]

    def _resolve_region(self, region: Region | None) -> Region | None:
        """Fill in a region that came from a button (only its code is known)."""
        if region is None:
            return None
        if region.kind == "state" and region.code == "DE":
            return Region("country", "Deutschland", code="DE")
        if region.kind == "state" and not region.name:
            state = self.catalog.state_by_code.get(region.code or "")
            if not state:
                return None
            centre = self.gazetteer.state_centre(state.name) or (None, None)
            return Region("state", state.name, state.name, *centre, key=fold(state.name), code=state.code)
        if region.kind == "district" and not region.name:
            d = self.gazetteer.district_by_code(region.code or "")
            return self.gazetteer.district_region(d) if d else None
        if region.kind == "town" and region.lat is None:
            place = self.gazetteer.place_by_postcode(self.store, region.code or "")
            return self.gazetteer.town_region(place) if place else None
        if region.kind == "postcode" and region.lat is None:
            return self.gazetteer.postcode_region(self.store, region.code or "")
        if region.kind == "area" and region.lat is None:
            return self.gazetteer.area_region(region.code or "")
        return region

    def _inside(self, region: Region) -> list[str]:
        """Ids of networks whose region contains ``region`` (a town's district counts)."""
        if region.kind == "state":
            return self.store.ids_in_state(region.name)  # the same networks, from a list kept in memory
        ids = []
        if region.kind in ("town", "postcode"):
            ids += self.store.ids_in_region("town", region.key or fold(region.name), region.state)
            place = self.gazetteer.place_by_postcode(self.store, region.code) if region.code else None
            district = self.gazetteer.district_by_code(place.district_code) if place else None
            if district:
                ids += self.store.ids_in_region("district", district.code, district.state)
        elif region.kind == "district":
            # by code: the city of Leipzig is not in the Landkreis Leipzig
            ids += self.store.ids_in_region("district", region.code or region.key, region.state)
        elif region.kind == "area":
            for district in self.gazetteer.area_districts(region.code or ""):
                ids += self.store.ids_in_region("district", district.code, district.state)
        return list(dict.fromkeys(ids))

    def _by_distance(self, ids: list[str], region: Region) -> tuple[list[str], dict[str, tuple[float, str | None]]]:
        """``ids`` nearest first (those without a place last, in their order) and their distances."""
        places = self.store.distances(ids, region.lat, region.lon)
        ordered = sorted(ids, key=lambda nid: (nid not in places, places.get(nid, (0.0, None))[0]))
        return ordered, places

    def _nearest(self, region: Region, **kwargs) -> Ranked:
        found = self.store.nearest(region.lat, region.lon, **kwargs)
        return Ranked([nid for nid, _km, _town in found], {nid: (km, town) for nid, km, town in found}, len(found))

    def _around(self, region: Region, page: int, before: list[str] = (), before_places: Places | None = None,
                among: set[str] | None = None, among_of: Callable[[], set[str]] | None = None,
                active_only: bool = False) -> tuple[Ranked, int]:
        """``before`` (the networks covering the place, in order), then the networks within NEARBY_KM of
        it (only those ``among``, if given), nearest first; and how many are around it. Networks that
        ended come last (marked by ``_list``), or not at all with ``active_only``.

        Counted, not ranked: only the head through page ``page`` is ranked (see ``Store.count_near``);
        more of it, or all, is ranked when asked for (inline results, the JSON face). ``among_of``
        makes ``among`` again then, so a cached answer does not hold a topic's thousands of ids.
        """
        lat, lon = region.lat, region.lon
        ended = self.store.ended_ids()
        active = [nid for nid in before if nid not in ended]
        exclude = set(before) | ended
        near = self.store.near_ids(lat, lon, NEARBY_KM, among=among)  # one scan of the grid, not ranked
        around = len(near - exclude)
        tail: list[str] = []
        tail_places: Places = {}
        if not active_only and ended:
            # the few networks that ended, covering the place or within reach: last, nearest first
            tail_places = self.store.distances([nid for nid in near & ended if nid not in before], lat, lon)
            tail = [nid for nid in before if nid in ended] + sorted(tail_places, key=lambda n: (tail_places[n][0], n))
        total = len(active) + around + len(tail)

        def first(count: int | None, among: set[str] | None) -> tuple[list[str], dict[str, float], Places]:
            # made again here, so a cached answer does not hold the ended networks' ids (thousands at 100k)
            left_out = set(before) | self.store.ended_ids()
            found = self.store.nearest(lat, lon, max_km=NEARBY_KM, limit=count, exclude=left_out, among=among) \
                if around and (count is None or count > 0) else []
            places = {nid: (km, town) for nid, km, town in found}
            ids = active + [nid for nid, _km, _town in found]
            if count is None or len(found) >= around:  # the networks around are all there: the ended ones follow
                ids += tail if count is None else tail[:max(0, count - len(found))]
            return ids, {nid: km for nid, km, _town in found}, places

        head, _distances, places = first((min(max(0, page), _pages(total) - 1) + 1) * PAGE_SIZE - len(active), among)
        known = {**(before_places or {}), **tail_places, **places}
        if len(head) >= total:
            return Ranked(head, known, total, near_from=len(active)), around
        if among_of is None:
            def among_of(kept=among):  # None (every network), or the caller's own small set
                return kept
        return Ranked(head, known, total, near_from=len(active),
                      complete=lambda: first(None, among_of())[:2],
                      extend=lambda count: first(count - len(active), among_of())[:2]), around

    def _region(self, query: Query) -> Answer:
        if query.extra_regions:
            return self._regions(query)
        region = self._resolve_region(query.region)
        if region is None:
            return self._stale(query)
        query.region = region
        answer = Answer("region", region=region)
        open_action = actions.contact if query.intent == "contact" else actions.profile
        if region.kind == "country":
            ids = self._by_activity(self.store.all_ids(), query)
            title = [b(_("Alle Netzwerke in unserer Datenbank: {n}").format(n=number(len(ids))))]
            if query.count_only:
                title = _styled(ngettext(
                    "Unsere Datenbank kennt {n} Netzwerk zur Fachkräftesicherung in allen 16 Bundesländern "
                    "(bundesweit gibt es mehrere hundert).",
                    "Unsere Datenbank kennt {n} Netzwerke zur Fachkräftesicherung in allen 16 Bundesländern "
                    "(bundesweit gibt es mehrere hundert).", len(ids)), n=b(number(len(ids))))
            answer = self._list(answer, query, ids, title, _("Die Datenbank ist leer."), False, open_action=open_action)
            answer.add(i(_("Tipp: Fragen Sie nach Ihrem Bundesland, Ort oder Ihrer Postleitzahl.")))
            return answer
        if region.kind == "state":
            ids = self._by_activity(self.store.ids_in_state(region.name), query)
            shown = self.catalog.state_name(region.name)
            where = _in_state(region.name, shown)
            title = [b(_("Netzwerke {where}: {n}").format(where=where, n=number(len(ids))))]
            if query.count_only:
                title = self._count_sentence(where, len(ids))
            return self._list(answer, query, ids, title, _("Für {name} kennen wir noch kein Netzwerk.").format(
                name=shown), False, open_action=open_action)
        inside, places = self._by_distance(self._inside(region), region)
        listing, around = self._around(region, query.page, inside, places, active_only=query.active_only)
        if query.active_only:
            inside = inside[:listing.near_from]
        around = listing.total - len(inside)  # with the networks that ended, which come last
        label = self._region_label(region)
        title = [b(label)]
        if inside:
            title.append(t(_(": {networks} mit diesem Gebiet").format(networks=_count(len(inside)))))
            if around:
                title.append(t(_(", {n} weitere in der Nähe (bis {km} km)").format(n=number(around), km=_nearby_km())))
        elif around:
            title.append(t(_(": kein Netzwerk mit diesem Gebiet; {networks} in der Nähe (bis {km} km)").format(
                networks=_count(around), km=_nearby_km())))
        else:
            listing = self._nearest(region, limit=NEARBY_MIN)
            title.append(t(_(": im Umkreis von {km} km kennen wir kein Netzwerk; die {n} nächsten:").format(
                km=_nearby_km(), n=number(listing.total))))
        if query.count_only:
            title = _styled(_("Für {place} kennen wir {networks} mit diesem Gebiet und {more} weitere im Umkreis von "
                              "{km} km."), place=label, networks=b(_count(len(inside))), more=b(number(around)),
                            km=_nearby_km())
        return self._list(answer, query, listing, title,
                          _("Im Umkreis von {km} km um {place} kennen wir kein Netzwerk.").format(
                              km=_nearby_km(), place=label), True,
                          near_from=listing.near_from or None, open_action=open_action)

    @staticmethod
    def _count_sentence(where: str, n: int) -> list[Span]:
        """ "In Sachsen sind **17 Netzwerke** zur Fachkräftesicherung in unserer Datenbank." """
        return _styled(ngettext("{Where} ist {networks} zur Fachkräftesicherung in unserer Datenbank.",
                                "{Where} sind {networks} zur Fachkräftesicherung in unserer Datenbank.", n),
                       Where=_capital(where), where=where, networks=b(_count(n)))

    # -- questions about two or more regions -------------------------------------------------------
    def _resolve_all(self, query: Query) -> list[Region] | None:
        """Every region of ``query`` filled in (None if one is stale); the query keeps them resolved."""
        regions = [self._resolve_region(r) for r in query.regions]
        if not regions or any(r is None for r in regions):
            return None
        query.region, query.extra_regions = regions[0], regions[1:]
        return regions

    @staticmethod
    def _names(labels: list[str]) -> str:
        """ "Sachsen und Thüringen", "Bayern, Hessen und Saarland" """
        if len(labels) == 1:
            return labels[0]
        return _("{first} und {last}").format(first=", ".join(labels[:-1]), last=labels[-1])

    def _where_all(self, regions: list[Region]) -> str:
        if all(r.kind == "state" for r in regions):
            return _in_state(regions[0].name, self._names(self.catalog.state_names(r.name for r in regions)))
        return _("in {place}").format(place=self._names([self._region_label(r) for r in regions]))

    def _place_groups(self, regions: list[Region], among: set[str] | None = None
                      ) -> tuple[list[str], Places, dict[int, str]]:
        """The networks of each region, one group after another (a network is listed once, in its first
        group): a state's networks; for a place, those covering it, nearest first, then the
        ``NEARBY_MIN`` nearest others within ``NEARBY_KM``. ``among``: only these networks (a topic)."""
        ids: list[str] = []
        places: Places = {}
        headers: dict[int, str] = {}
        for region in regions:
            if region.kind == "state":
                group = self.store.ids_in_state(region.name)
                group = [nid for nid in group if among is None or nid in among]
                found: Places = {}
            else:
                inside = [nid for nid in self._inside(region) if among is None or nid in among]
                group, found = self._by_distance(inside, region)
                near = self.store.nearest(region.lat, region.lon, max_km=NEARBY_KM, limit=NEARBY_MIN,
                                          exclude=set(group) | set(ids), among=among)
                group += [nid for nid, _km, _town in near]
                found.update({nid: (km, town) for nid, km, town in near})
            group = [nid for nid in group if nid not in places and nid not in ids]
            if group:
                headers[len(ids)] = self._region_label(region) if region.kind != "state" else \
                    self.catalog.state_name(region.name)
            ids += group
            places.update({nid: found[nid] for nid in group if nid in found})
        return ids, places, headers

    def _regions(self, query: Query) -> Answer:
        """"Netzwerke in Sachsen und Thüringen", "Leipzig und Halle": every region's networks, by region."""
        regions = self._resolve_all(query)
        if regions is None:
            return self._stale(query)
        contact = query.intent == "contact"
        answer = Answer("contact" if contact else "region", region=regions[0], extra_regions=regions[1:])
        ids, places, headers = self._place_groups(regions)
        ids = self._by_activity(ids, query, headers)
        states = all(r.kind == "state" for r in regions)
        where = self._where_all(regions)
        title = [b(_("Netzwerke {where}: {n}").format(where=where, n=number(len(ids))))]
        if not states:
            title.append(t(_(" (je Ort die mit diesem Gebiet und die nächsten bis {km} km)").format(km=_nearby_km())))
        if query.count_only:
            title = self._count_sentence(where, len(ids))
        answer = self._list(answer, query, ids, title, _("Dort kennen wir noch kein Netzwerk."), not states,
                            open_action=actions.contact if contact else actions.profile, places=places,
                            headers=headers)
        if contact:
            answer.paragraphs.append([i(_("Tippen Sie auf ein Netzwerk, um Kontakt und Website zu sehen."))])
        return answer

    def _region_label(self, region: Region) -> str:
        """How an answer names a place: "Region Sauerland", "Jena (Thüringen)" / "Jena (Thuringia)"."""
        if region.kind == "area":
            return _("Region {name}").format(name=region.name)
        if region.kind in ("district", "town", "postcode"):
            return f"{region.name} ({self.catalog.state_name(region.state)})" if region.state else region.name
        if region.kind == "point":
            return region.name if region.name and i18n.current() == i18n.DEFAULT else _("Ihr Standort")
        return self.catalog.state_name(region.name) if region.name else _("Ihr Standort")

    def _nearby(self, query: Query) -> Answer:
        if query.info == "ask_location" or query.region is None:
            answer = Answer("nearby", request_location=True)
            answer.add(b(_("Wo suchen Sie?")))
            answer.add(_("Teilen Sie Ihren Standort (Büroklammer → Standort) oder schreiben Sie eine Postleitzahl "
                         "oder einen Ort, z. B. „Nähe 37073“ oder „Netzwerke bei Jena“."))
            return answer
        region = self._resolve_region(query.region)
        if region is None or region.lat is None:
            return self._stale(query)
        query.region = region
        if region.kind == "point" and not (GERMANY[0] <= region.lat <= GERMANY[1] and GERMANY[2] <= region.lon <= GERMANY[3]):
            answer = Answer("nearby", region=region)
            answer.add(b(_("Dieser Standort liegt außerhalb Deutschlands.")))
            answer.add(_("Ich kenne nur Netzwerke in Deutschland. Schreiben Sie einen deutschen Ort oder eine "
                         "Postleitzahl."))
            answer.buttons = [[Button(_(label), action) for label, action in EXAMPLES[:2]]]
            return answer
        listing, around = self._around(region, query.page, active_only=query.active_only)
        few = around < NEARBY_MIN
        if few:
            listing = self._nearest(region, limit=NEARBY_MIN)
        label = self._region_label(region)
        answer = Answer("nearby", region=region)
        title = [b(_("Netzwerke in Ihrer Nähe") if region.kind == "point" else
                   _("Netzwerke in der Nähe von {place}").format(place=label))]
        if few:
            title.append(t(_(" – im Umkreis von {km} km kennen wir wenige, hier die {n} nächsten").format(
                km=_nearby_km(), n=number(listing.total))))
        return self._list(answer, query, listing, title, _("Kein Netzwerk mit Ortsangabe gefunden."), True)

    def _topic_ids(self, topic, state: str | None) -> list[str]:
        """Networks of a field of action or sector, by name; a sector also brings the field it belongs to."""
        if topic.parent is not None or (topic.kind == "topic" and not self.store.ids_with_topic("topic", topic.name)):
            ids = self.store.search_text([topic.name], limit=500)
            if state is not None:
                in_state = set(self.store.ids_in_state(state))
                ids = [nid for nid in ids if nid in in_state]
            return ids
        ids = self.store.ids_with_topic(topic.kind, topic.name, state)
        if topic.kind == "sector":
            field = next((x for x in self.catalog.topics
                          if x.kind == "topic" and fold(x.name).startswith(fold(topic.name))), None)
            if field:
                ids = list(dict.fromkeys(ids + self.store.ids_with_topic("topic", field.name, state)))
        return ids

    def _topics(self, query: Query) -> Answer:
        """"Pflege und Logistik in Leipzig", "Pflege in Sachsen und Thüringen": the networks of any of the
        topics, in any of the regions (grouped by region)."""
        topics = [self.catalog.topic_by_code.get(code) for code in query.topics]
        regions = self._resolve_all(query) if query.region is not None else []
        if not topics or None in topics or regions is None:
            return self._stale(query)
        answer = Answer("topic", region=regions[0] if regions else None, topic=topics[0].code,
                        extra_regions=regions[1:], extra_topics=[x.code for x in topics[1:]])
        among = self._by_activity(list(dict.fromkeys(nid for topic in topics for nid in self._topic_ids(topic, None))),
                                  query)
        names = self._names([_quoted(self.catalog.topic_name(topic)) for topic in topics])
        label = _("Themen") if len(topics) > 1 else _topic_text("label", topics[0])
        if not regions:
            title = [b(_("{label} {topics}: {networks}").format(label=label, topics=names,
                                                                networks=_count(len(among))))]
            return self._list(answer, query, among, title, _("Dazu kennen wir noch kein Netzwerk."), False)
        ids, places, headers = self._place_groups(regions, among=set(among))
        ids = self._by_activity(ids, query, headers)
        states = all(r.kind == "state" for r in regions)
        title = [b(_("{label} {topics} {where}: {networks}").format(label=label, topics=names,
                                                                    where=self._where_all(regions),
                                                                    networks=_count(len(ids))))]
        if not states:
            title.append(t(_(" (je Ort die mit diesem Gebiet und die nächsten bis {km} km)").format(km=_nearby_km())))
        return self._list(answer, query, ids, title, _("Dazu kennen wir dort kein Netzwerk."), not states,
                          places=places, headers=headers if len(regions) > 1 else None)

    def _topic(self, query: Query) -> Answer:
        if query.extra_topics or query.extra_regions:
            return self._topics(query)
        topic = self.catalog.topic_by_code.get(query.topic or "")
        region = self._resolve_region(query.region)
        if topic is None or (query.region is not None and region is None):
            return self._stale(query)
        query.region = region
        label = _topic_text("label", topic)
        name = self.catalog.topic_name(topic)
        answer = Answer("topic", region=region, topic=topic.code)
        if region is not None and region.kind in ("state", "country"):
            state = region.name if region.kind == "state" else None
            ids = self._by_activity(self._topic_ids(topic, state), query)
            where = _in_state(region.name, self.catalog.state_name(region.name)) if state else ""
            if not ids and state:
                # no dead end: say so, then show the state's networks (the topic's elsewhere are a tap away)
                listing = self._region(Query(intent="region", region=region, page=query.page))
                listing.intent, listing.topic = "topic", topic.code
                listing.paragraphs.insert(0, [b(_topic_text("none_in", topic).format(topic=name, where=where)),
                                              t(_(" Hier alle Netzwerke dort:"))])
                listing.buttons.append([Button(_label(_("„{topic}“ bundesweit").format(topic=name)),
                                               f"t:{topic.code}:-")])
                return listing
            if where:
                title = [b(_("{label} {topics} {where}: {networks}").format(label=label, topics=_quoted(name),
                                                                            where=where, networks=_count(len(ids))))]
            else:
                title = [b(_("{label} {topics}: {networks}").format(label=label, topics=_quoted(name),
                                                                    networks=_count(len(ids))))]
            return self._list(answer, query, ids, title, "", False)
        ids = self._topic_ids(topic, None)
        if region is None:
            ids = self._by_activity(ids, query)
            title = [b(_("{label} {topics}: {networks}").format(label=label, topics=_quoted(name),
                                                                networks=_count(len(ids))))]
            answer = self._list(answer, query, ids, title, _topic_text("none_yet", topic).format(topic=name), False)
            if not ids:
                answer.buttons.append([Button(_("Alle Themen"), "T")])
            return answer
        # a town, district, area or postcode: the topic's networks covering it, then the place's general
        # networks (an alliance of the town or district takes up every field), then the topic's networks
        # around it; without any of them, the topic's nearest ones
        among = set(ids)
        covering_ids = self._inside(region)
        covering = set(covering_ids)
        inside, places = self._by_distance([nid for nid in ids if nid in covering], region)
        sectors = self.store.sector_ids()
        general, general_places = self._by_distance(
            [nid for nid in covering_ids if nid not in among and nid not in sectors], region)
        listing, around = self._around(region, query.page, inside + general, {**places, **general_places},
                                       among=among, among_of=lambda: set(self._topic_ids(topic, None)),
                                       active_only=query.active_only)
        place = self._region_label(region)
        if query.active_only or self.store.ended_ids():
            ended = self.store.ended_ids()
            inside, general = [n for n in inside if n not in ended], [n for n in general if n not in ended]
        headers = {}
        if general:
            if inside:
                headers[0] = _topic_text("covering", topic).format(topic=name)
            headers[len(inside)] = _("Allgemeine Netzwerke vor Ort (ohne eigenen Schwerpunkt „{topic}“)").format(
                topic=name)
        if inside or around:
            nearby = listing.total - len(inside) - len(general)
            parts = [_topic_text("n_covering", topic).format(n=number(len(inside)))] if inside else []
            parts += [ngettext("{n} allgemeines vor Ort", "{n} allgemeine vor Ort", len(general)).format(
                n=number(len(general)))] if general else []
            parts += [_topic_text("n_around", topic).format(n=number(nearby), km=_nearby_km())] if nearby else []
            title = [b(_("{label} {topics} nahe {place}: {networks}").format(
                label=label, topics=_quoted(name), place=place, networks=_count(listing.total))),
                t(" – " + ", ".join(parts))]
            return self._list(answer, query, listing, title, "", True, near_from=listing.near_from or None,
                              headers=headers or None)
        nearest = self._nearest(region, limit=NEARBY_MIN, among=among)
        if general:
            # none of the topic within reach: the place's own networks, then the topic's nearest
            listing = Ranked(general + nearest.head, {**general_places, **nearest.places},
                             len(general) + nearest.total)
            headers[len(general)] = _topic_text("nearest", topic).format(topic=name)
        else:
            listing = nearest
        more = "" if not nearest.total else _(" Das nächste:") if nearest.total == 1 else \
            _(" Die {n} nächsten:").format(n=number(nearest.total))
        title = [b(_topic_text("none_around", topic).format(topic=name, km=_nearby_km(), place=place)), t(more)]
        answer = self._list(answer, query, listing, title, "", True, headers=headers or None)
        answer.buttons.append([Button(_label(_("Alle Netzwerke nahe {place}").format(place=region.name)),
                                      actions.for_query(Query(intent="region", region=region), 0) or "h")])
        return answer

    # -- awards --------------------------------------------------------------------------------------
    def _award(self, query: Query) -> Answer:
        region = self._resolve_region(query.region)
        if region is not None and region.kind in ("state", "town", "district", "postcode", "area"):
            return self._award_in_region(query, region)
        answer = Answer("award", year=query.year)
        years = self.store.award_years()
        if query.year is None:
            answer.add(b(_("„Innovatives Netzwerk“ – die Auszeichnungen des Bundesarbeitsministeriums")))
            answer.add(_("Seit 2012 zeichnet das BMAS regionale Fachkräftenetzwerke aus; seit 2024 gibt es dafür die "
                         "Kategorie „Innovatives Netzwerk“ beim Deutschen Fachkräftepreis."))
            for event in self.store.award_events():
                total, unknown = event["winners_total"], event.get("unidentified")
                if total and unknown == total:
                    count = ngettext("{n} Preisträger, Namen nicht bekannt", "{n} Preisträger, Namen nicht bekannt",
                                     total).format(n=number(total))
                elif total and unknown:
                    count = ngettext("{n} Preisträger, {unknown} davon nicht namentlich bekannt",
                                     "{n} Preisträger, {unknown} davon nicht namentlich bekannt", total).format(
                        n=number(total), unknown=number(unknown))
                elif total:
                    count = ngettext("{n} Preisträger", "{n} Preisträger", total).format(n=number(total))
                elif event["winner_ids"]:
                    known = len(event["winner_ids"])
                    count = ngettext("{n} bekannte Preisträger", "{n} bekannte Preisträger", known).format(
                        n=number(known))
                else:
                    count = _("Preisträger nicht bekannt")
                answer.add(b(str(event["year"])), t(f" – {award_label(event['award'])}: {count}"))
            answer.add(i(_("Für 2015 und 2023 ist keine Auszeichnung belegt.")))
            answer.buttons += _grid([Button(str(year), actions.award(year)) for year in years], 4)
            return answer
        winners: list[NetworkSummary] = []
        for year in query.years:
            for net in self._award_year(answer, year, years, alone=not query.extra_years):
                if net.id not in {w.id for w in winners}:
                    winners.append(net)
        answer.extra_years = list(query.extra_years)
        answer.networks, answer.total = winners, len(winners)
        for net in winners[:8]:
            answer.buttons.append([Button(_label(net.name), actions.profile(net.id))])
        if query.extra_years:
            answer.buttons.append([Button(_("Alle Jahre"), actions.award(None))])
            return answer
        index = years.index(query.year) if query.year in years else -1
        if index < 0 and not winners and answer.buttons:
            return answer  # no award that year: the nearest years are offered already
        nav = []
        if index > 0:
            nav.append(Button(f"◀ {years[index - 1]}", actions.award(years[index - 1])))
        nav.append(Button(_("Alle Jahre"), actions.award(None)))
        if 0 <= index < len(years) - 1:
            nav.append(Button(f"{years[index + 1]} ▶", actions.award(years[index + 1])))
        answer.buttons.append(nav)
        return answer

    def _award_year(self, answer: Answer, year: int, years: list[int], alone: bool) -> list[NetworkSummary]:
        """The events of one award year into ``answer``; returns its known winners. ``alone``: the only
        year asked (a year without award then offers the nearest years)."""
        events = self.store.award_events(year)
        if not events:
            answer.add(b(_("Für {year} ist uns keine Auszeichnung „Innovatives Netzwerk“ bekannt.").format(year=year)))
            if year < 2012:
                answer.add(_("Die Auszeichnung wird erst seit 2012 vergeben."))
            elif year in (2015, 2023):
                answer.add(_("In den Quellen findet sich für dieses Jahr weder ein Innovationstag noch eine "
                             "Preisverleihung."))
            elif alone:
                answer.add(_("Die bekannten Preisjahre finden Sie unten."))
            if alone:
                closest = sorted(years, key=lambda y: (abs(y - year), y))[:4]
                answer.buttons.append([Button(str(y), actions.award(y)) for y in sorted(closest)])
                answer.buttons.append([Button(_("Alle Preisjahre"), actions.award(None))])
            return []
        winners: list[NetworkSummary] = []
        events.sort(key=lambda e: e["award"] == COORDINATOR_AWARD)
        for event in events:
            answer.add(b(award_label(event["award"], event["year"])))
            facts = []
            if event.get("event"):
                facts.append(event["event"])
            when = day(event.get("date"))
            if when:
                facts.append(_("am {date}").format(date=when))
            if event.get("place"):
                facts.append("online" if event["place"] == "online" else _("Ort: {place}").format(place=event["place"]))
            if facts:
                answer.add(" – ".join(facts[:1]) + (", " + ", ".join(facts[1:]) if facts[1:] else ""))
            if event.get("presented_by"):
                answer.add(_("Überreicht von: {name}").format(name=event["presented_by"]))
            ids = event["winner_ids"]
            total, unknown = event.get("winners_total"), event.get("unidentified")
            known = self.store.summaries_by_ids(ids)
            note = event.get("hinweis") or ""
            if total and unknown == total:
                answer.add(b(ngettext("{n} Netzwerk wurde ausgezeichnet; sein Name liegt uns nicht vor.",
                                      "{n} Netzwerke wurden ausgezeichnet; ihre Namen liegen uns nicht vor.",
                                      total).format(n=number(total))))
            elif total and unknown:
                answer.add(*_styled(ngettext("{n} Auszeichnung; {unnamed}", "{n} Auszeichnungen; {unnamed}", total),
                                    n=number(total), unnamed=b(ngettext(
                                        "{n} davon ist in unseren Quellen nicht namentlich genannt.",
                                        "{n} davon sind in unseren Quellen nicht namentlich genannt.",
                                        unknown).format(n=number(unknown)))))
                if len(known) > total - unknown:
                    answer.add(_("Eine Auszeichnung ging gemeinsam an {n} Netzwerke.").format(
                        n=number(len(known) - (total - unknown) + 1)))
            elif not total and not known and "liegt uns nicht vor" not in note:
                answer.add(b(_("Der Preisträger dieser Kategorie liegt uns nicht vor.")))
            elif not total and known and "Gesamtzahl" not in note:
                answer.add(ngettext("Die Quellen nennen {n} Preisträger; eine Gesamtzahl ist nicht angegeben.",
                                    "Die Quellen nennen {n} Preisträger; eine Gesamtzahl ist nicht angegeben.",
                                    len(known)).format(n=number(len(known))))
            for n, net in enumerate(known, start=1):
                where = ", ".join(net.towns[:1] or self.catalog.state_names(net.states))
                answer.add(t(f"{n}. "), b(net.name), t(f" – {where}" if where else ""))
            if event.get("hinweis"):
                answer.add(i(_german(event["hinweis"])))
            winners += [w for w in known if w.id not in {x.id for x in winners}]
            if event.get("sources"):
                answer.add(i(_("Quellen: {sources}").format(sources=_sources(event["sources"]))))
        return winners

    def _award_in_region(self, query: Query, region: Region) -> Answer:
        """Award winners of a state, or around a place (optionally one year); unnamed winners may be among them."""
        regions = self._resolve_all(query) or [region]
        answer = Answer("award", year=query.year, region=region, extra_years=list(query.extra_years),
                        extra_regions=regions[1:])
        events = [e for year in (query.years or [None]) for e in self.store.award_events(year)]
        winners: dict[str, list[str]] = {}
        for event in events:
            for net in self.store.summaries_by_ids(event["winner_ids"]):
                winners.setdefault(net.id, []).append(award_label(event["award"], event["year"]))
        if region.kind == "state":
            names = {r.name for r in regions if r.kind == "state"}
            networks = [n for n in self.store.summaries_by_ids(list(winners)) if names & set(n.states)]
            shown = self.catalog.state_name(region.name)
            where = self._where_all(regions) if len(regions) > 1 else _in_state(region.name, shown)
            origin = _("aus dem {name}").format(name=shown) if region.name == "Saarland" else \
                _("aus {name}").format(name=shown)
            if len(regions) > 1:
                origin = _("aus {name}").format(name=self._names(self.catalog.state_names(r.name for r in regions)))
        else:
            inside = set(self._inside(region))
            ordered, places = self._by_distance(list(winners), region)
            networks = self.store.summaries_by_ids(
                [nid for nid in ordered if nid in inside or (nid in places and places[nid][0] <= NEARBY_KM)])
            for net in networks:
                net.distance_km = places[net.id][0] if net.id in places else None
            where = _("nahe {place} (bis {km} km)").format(place=self._region_label(region), km=_nearby_km())
            origin = _("aus dieser Gegend")
        when = f" {self._names([str(y) for y in query.years])}" if query.year else ""
        answer.add(b(_("Ausgezeichnete Netzwerke {where}{when}: {n}").format(where=where, when=when,
                                                                             n=number(len(networks)))))
        if not networks:
            answer.add(_("Unter den bekannten Preisträgern{when} ist kein Netzwerk {origin}.").format(
                when=when, origin=origin))
        for n, net in enumerate(networks, start=1):
            distance = f" · {_km(net.distance_km)}" if region.kind != "state" and net.distance_km is not None else ""
            if distance and net.placed_by == "capital":
                distance = " · " + _("Sitz unbekannt")
            answer.add(t(f"{n}. "), b(net.name), t(" – " + "; ".join(winners[net.id]) + distance))
            answer.buttons.append([Button(_label(f"{n}. {net.name}"), actions.profile(net.id))])
        if any(e["winners_total"] and e.get("unidentified") for e in events):
            answer.add(i(_("Nicht alle Preisträger sind in unseren Quellen namentlich genannt; es können weitere "
                           "{origin} dabei sein.").format(origin=origin)))
        answer.networks, answer.total = networks, len(networks)
        answer.buttons.append([Button(_("Alle Preisjahre"), actions.award(None))])
        return answer

    # -- one network ---------------------------------------------------------------------------------
    def _network(self, query: Query) -> NetworkDetail | None:
        return self.store.network(query.network_id) if query.network_id else None

    def _status_line(self, net: NetworkDetail) -> list | None:
        """A network's status and the data's (German) note on it."""
        note = _status_note_de(net.status_note or "")
        shown = _german(note) if note else note
        if net.status in ENDED:
            word = STATUS_DE[net.status]
            if note.lower().startswith(word) and i18n.current() == i18n.DEFAULT:
                return [b(_("⚠️ Status: ")), t(shown)]
            return [b(_("⚠️ Status: {status}. ").format(status=_(word))), t(shown)]
        if net.status == "renamed":
            if note.lower().startswith(("aufgegangen", "umbenannt")) and i18n.current() == i18n.DEFAULT:
                return [b(_("Hinweis: ")), t(shown)]
            return [b(_("Hinweis: ")), t(_("umbenannt bzw. aufgegangen. ")), t(shown)]
        if net.status_note:
            return [i(_("Letzter Stand laut Quellen: {note}").format(note=shown))]
        return None

    def _profile(self, query: Query) -> Answer:
        net = self._network(query)
        if net is None:
            return self._stale(query)
        if query.info == "map":
            return self._map(net)
        if query.facet == "award":
            return self._awards_of(net, query.year)
        answer = Answer("profile", network_id=net.id)
        answer.networks, answer.total = [net], 1
        answer.add(b(net.name))
        aliases = [a for a in net.aliases if not _ENGLISH.search(a)]  # research glosses like "… district"
        if aliases:
            answer.add(i(_("Auch: {names}").format(names="; ".join(aliases[:4]))))
        if net.profile_en and i18n.current() == "en":
            answer.add(net.profile_en)
        elif net.profile:
            answer.add(net.profile)
            if i18n.current() != i18n.DEFAULT:
                answer.add(i(_("(Profiltext auf Deutsch)")))
        status = self._status_line(net)
        if status:
            answer.add(*status)
        region = ", ".join(net.towns[:6] + [d for d in net.districts[:8] if d not in net.towns])
        states = ", ".join(self.catalog.state_names(net.states))
        answer.add(b(_("Region: ")), t(f"{region} ({states})" if region else states))
        if net.kind:
            answer.add(b(_("Art: ")), t(_(KIND_DE[net.kind]) if net.kind in KIND_DE else net.kind))
        if net.organisation:
            answer.add(b(_("Träger/Koordination: ")), t(net.organisation))
        if net.founded:
            doubtful = _caveat(net, _FOUNDING, doubt=True)
            founded = str(net.founded)
            answer.add(b(_("Gegründet: ")), t(founded if founded.isdigit() else _german(founded)),
                       i(_(" (in den Quellen nicht gesichert)") if doubtful else ""))
        if net.topics or net.sectors:
            answer.add(b(_("Themen: ")), t(", ".join(self.catalog.topic_label(x) for x in net.topics + net.sectors)))
        if net.awards:
            lines = []
            for award in net.awards:
                if award["award"] == COORDINATOR_AWARD:
                    lines.append(_("{year}: „{award}“ – ausgezeichnet wurde die Koordination des Netzwerks (eine "
                                   "Person), nicht das Netzwerk selbst").format(year=award["year"],
                                                                               award=award_label(award["award"])))
                else:
                    lines.append(award_label(award["award"], award["year"]))
            answer.add(b(_("🏆 Ausgezeichnet: ")), t("; ".join(lines)))
            if query.year and query.year not in {a["year"] for a in net.awards}:
                answer.add(i(_("Für {year} ist keine Auszeichnung dieses Netzwerks bekannt.").format(year=query.year)))
        elif query.year is not None or "ausgezeichnet" in fold(query.text):
            answer.add(b(_("Auszeichnungen: ")), t(_("keine BMAS-Auszeichnung „Innovatives Netzwerk“ bekannt.")))
        if net.unconfirmed:
            answer.add(i(ngettext("{n} weitere Angabe ist in den Quellen offen oder widersprüchlich; wir nennen sie "
                                  "nicht als Tatsache.",
                                  "{n} weitere Angaben sind in den Quellen offen oder widersprüchlich; wir nennen sie "
                                  "nicht als Tatsache.", len(net.unconfirmed)).format(n=number(len(net.unconfirmed)))))
        self._provenance_and_buttons(answer, net, Button(_("📞 Kontakt"), actions.contact(net.id)))
        more = []
        if net.states:
            code = self.catalog.state_by_name[net.states[0]].code
            where = _in_state(net.states[0], self.catalog.state_name(net.states[0]))
            more.append(Button(_label(_("Mehr {where}").format(where=where), 40), f"s:{code}"))
        if net.award_years:
            more.append(Button(_("Preis {year}").format(year=net.award_years[0]), actions.award(net.award_years[0])))
        if more:
            answer.buttons.append(more)
        answer.buttons.append([Button(tr("btn.report"), actions.report(net.id))])
        return answer

    def _awards_of(self, net: NetworkDetail, year: int | None) -> Answer:
        """"Wann wurde die ausgezeichnet?" about the network just shown: the short answer, then buttons."""
        answer = Answer("profile", network_id=net.id)
        answer.networks, answer.total = [net], 1
        if net.awards:
            lines = [award_label(award["award"], award["year"]) + (_(" (die Koordination des Netzwerks, eine Person)")
                                                               if award["award"] == COORDINATOR_AWARD else "")
                     for award in net.awards]
            answer.add(*_styled(_("🏆 {name} wurde ausgezeichnet: {awards}."), name=b(net.name),
                                awards="; ".join(lines)))
            if year and year not in {a["year"] for a in net.awards}:
                answer.add(i(_("Für {year} ist keine Auszeichnung dieses Netzwerks bekannt.").format(year=year)))
        else:
            answer.add(*_styled(_("Für {name} ist keine BMAS-Auszeichnung „Innovatives Netzwerk“ bekannt."),
                                name=b(net.name)))
        answer.add(i(self._provenance(net)))
        row = [Button(_("ℹ️ Profil"), actions.profile(net.id)), Button(_("📞 Kontakt"), actions.contact(net.id))]
        answer.buttons.append(row)
        if net.award_years:
            answer.buttons.append([Button(_("Preisträger {year}").format(year=y), actions.award(y))
                                   for y in net.award_years[:3]])
        return answer

    @staticmethod
    def _provenance(net: NetworkDetail) -> str:
        return _("Stand: {date} · Quellen: {sources}").format(date=day(net.as_of), sources=_sources(net.sources))

    def _contact(self, query: Query) -> Answer:
        if query.network_id is None and query.region is not None:
            listing = self._region(query)
            if not query.extra_regions:  # _regions says it itself
                listing.intent = "contact"
                listing.paragraphs.append([i(_("Tippen Sie auf ein Netzwerk, um Kontakt und Website zu sehen."))])
            return listing
        net = self._network(query)
        if net is None:
            return self._stale(query)
        answer = Answer("contact", network_id=net.id)
        answer.networks, answer.total = [net], 1
        answer.add(b(_("Kontakt: {name}").format(name=net.name)))
        status = self._status_line(net)
        if status:
            answer.add(*status)
        if net.organisation:
            answer.add(b(_("Träger/Koordination: ")), t(net.organisation))
        if net.address:
            answer.add(b(_("Anschrift: ")), t(net.address))
        if net.office_contact:
            answer.add(b(_("Geschäftsstelle: ")), t(net.office_contact))
        if net.website:
            answer.add(b(_("Website: ")), link(_host(net.website), net.website))
        if not (net.address or net.office_contact or net.website):
            answer.add(_("Für dieses Netzwerk liegen uns keine öffentlichen Kontaktdaten vor. Ein guter Weg ist der "
                         "genannte Träger oder Ihre IHK, Handwerkskammer bzw. Agentur für Arbeit vor Ort."))
        if (net.address or net.office_contact or net.website) and _caveat(net, _CONTACT, doubt=True):
            answer.add(b(_("⚠️ Bitte prüfen: ")), t(_("Die Quellen äußern Zweifel an einem Teil dieser Angaben (etwa "
                                                      "nicht bestätigt, veraltet oder nicht die eigene Seite des "
                                                      "Netzwerks).")))
        answer.add(i(_("Wir nennen nur öffentlich angegebene Büro-Kontakte, keine Durchwahlen oder E-Mail-Adressen "
                       "von Personen.")))
        self._provenance_and_buttons(answer, net, Button(_("ℹ️ Profil"), actions.profile(net.id)))
        answer.buttons.append([Button(tr("btn.report"), actions.report(net.id))])
        return answer

    def _provenance_and_buttons(self, answer: Answer, net: NetworkDetail, other_view: Button) -> None:
        """Every profile and contact card ends with its "Stand" and sources, and the same buttons."""
        answer.add(i(self._provenance(net)))
        row = [other_view]
        if net.lat is not None:
            row.append(Button(_("🗺 Karte"), actions.map_of(net.id)))
        answer.buttons.append(row)
        if net.website:
            answer.buttons.append([Button(_("🌐 Website öffnen"), url=net.website)])

    def _map(self, net: NetworkDetail) -> Answer:
        answer = Answer("profile", network_id=net.id)
        answer.networks, answer.total = [net], 1
        if net.lat is None:
            answer.add(_("Für {name} kennen wir keinen Ort, den wir auf der Karte zeigen könnten.").format(
                name=net.name))
            return answer
        seat = net.towns[0] if net.towns else (net.districts[0] if net.districts else
                                               self.catalog.state_name(net.states[0]))
        basis = net.seat_basis if net.seat else None
        postcode = net.seat if net.seat and net.seat.isdigit() else None
        if basis in ("organisation", "district", "capital", None) and postcode and net.seat_place:
            seat = net.seat_place
        # what the pin stands for: a town seat is the town's centre, a postcode seat its postcode area
        pin = (_("die Mitte des Postleitzahlgebiets {postcode}").format(postcode=postcode) if postcode and basis != "town"
               else _("den Sitz") if net.seat and not postcode and basis != "town" else _("den Sitz-Ort (Ortsmitte)"))
        if net.address:
            answer.add(b(net.name), t(_(" – Anschrift laut Quelle: {address}").format(address=net.address)))
            answer.add(i(_("Die Nadel zeigt {pin}, nicht die genaue Anschrift.").format(pin=pin)))
        elif basis == "organisation":
            answer.add(b(net.name), t(_(" – Sitz-Ort {seat}, Sitz des Trägers laut Quelle; eine Anschrift ist nicht "
                                        "bekannt.").format(seat=seat)))
            answer.add(i(_("Die Nadel zeigt {pin}.").format(pin=pin)))
        elif basis == "district":
            where = net.districts[0] if net.districts else seat
            text = _(" – Lage: {seat} (PLZ {postcode}), Verwaltungssitz für {district}; Sitz und Anschrift des "
                     "Netzwerks sind nicht bekannt.") if postcode else \
                _(" – Lage: {seat}, Verwaltungssitz für {district}; Sitz und Anschrift des Netzwerks sind nicht bekannt.")
            answer.add(b(net.name), t(text.format(seat=seat, postcode=postcode, district=where)))
        elif basis == "capital":
            answer.add(b(net.name), t(_(" – Lage: {seat}, die Landeshauptstadt, steht ersatzweise: Sitz und Anschrift "
                                        "des Netzwerks sind nicht bekannt, Entfernungen nur ein grober Anhalt.").format(
                seat=seat)))
        elif net.seat and basis is None:
            text = _(" – Sitz: {postcode} {seat} (eine Anschrift ist nicht bekannt).") if postcode else \
                _(" – Sitz: Koordinaten laut Datensatz (eine Anschrift ist nicht bekannt).")
            answer.add(b(net.name), t(text.format(postcode=postcode, seat=seat)))
            answer.add(i(_("Die Nadel zeigt {pin}.").format(pin=pin)))
        else:
            answer.add(b(net.name), t(_(" – Sitz-Ort {seat} (Ortsmitte; eine Anschrift ist nicht bekannt).").format(
                seat=seat)))
        answer.venue = Venue(net.lat, net.lon, net.name[:100], (net.address or seat)[:100])
        answer.buttons.append([Button(_("ℹ️ Profil"), actions.profile(net.id)),
                               Button(_("📞 Kontakt"), actions.contact(net.id))])
        return answer

    # -- conversation ------------------------------------------------------------------------------
    def _help(self, query: Query) -> Answer:
        answer = Answer("help")
        if query.info == "thanks":
            answer.add(_("Gern geschehen! Fragen Sie jederzeit wieder – nach einem Ort, einer Postleitzahl, einem Thema "
                         "oder einem Netzwerk."))
            answer.buttons = [[Button(_(label), action) for label, action in EXAMPLES[:2]]]
            return answer
        if query.info == "no_more_pages":
            answer.add(_("Weitere Seiten gibt es dazu nicht – die Antwort oben ist vollständig. Fragen Sie gern nach "
                         "einem anderen Ort, Thema oder Netzwerk."))
            answer.buttons = [[Button(_(label), action) for label, action in EXAMPLES[:2]]]
            return answer
        if query.info == "empty":
            answer.add(_("Ihre Nachricht war leer. So können Sie mich fragen:"))
        else:
            answer.add(b(_("Willkommen beim netzwerkbot!")))
            answer.add(_("Ich finde regionale Netzwerke zur Fachkräftesicherung in Ihrer Nähe – Bündnisse von Kammern, "
                         "Arbeitsagenturen, Jobcentern, Kommunen, Schulen und Unternehmen – und sage Ihnen, was sie "
                         "tun, ob sie als „Innovatives Netzwerk“ ausgezeichnet wurden und wie Sie sie erreichen."))
        answer.add(b(_("Fragen Sie zum Beispiel:")))
        for example in HELP_EXAMPLES:
            answer.add(t("• "), i(_(example) if not example.startswith("/") else example))
        answer.add(_("Oder teilen Sie einfach Ihren Standort. Befehle: /region, /naehe, /award, /netzwerk, /kontakt, "
                     "/themen, /quellen, /datenschutz."))
        answer.add(tr("help.more"))
        answer.buttons = [[Button(_(label), action) for label, action in EXAMPLES[:2]],
                          [Button(_(label), action) for label, action in EXAMPLES[2:]]]
        return answer

    def _info(self, query: Query) -> Answer:
        if (query.info or "").startswith("faq:"):
            return self._faq_answer(query)
        if (query.info or "").startswith("language"):
            return self._language(query)
        answer = Answer("help")
        if query.info == "themen":
            answer.add(b(_("Themen und Branchen")))
            answer.add(_("Wählen Sie ein Handlungsfeld – oder schreiben Sie z. B. „Pflege in Niedersachsen“."))
            answer.buttons += _grid([Button(_label(self.catalog.topic_name(topic), 40), f"t:{topic.code}:-")
                                     for topic in self.catalog.topics if topic.kind == "topic"], 2)
            return answer
        if query.info == "quellen":
            counts = self.store.counts()
            meta = self.store.meta()
            answer.add(b(_("Woher die Daten stammen")))
            answer.add(_("Netzwerke und Auszeichnungen: eigene Recherche in öffentlichen Quellen (Pressemitteilungen "
                         "von BMAS und DIHK, Seiten des Innovationsbüros „Fachkräfte für die Region“ und von INQA, "
                         "Websites der Netzwerke, Kammern, Kommunen und Regionalpresse). Stand der Recherche: {date}. "
                         "Jedes Profil nennt seine Quellen.").format(date=day(meta.get("data_as_of"))))
            answer.add(_("Datenbestand: {networks} Netzwerke, {years} Preisjahre ({awards} Auszeichnungen nach Jahr "
                         "und Kategorie), {postcodes} Postleitzahlen.").format(
                networks=number(counts["networks"]), years=number(len(self.store.award_years())),
                awards=number(counts["award_events"]), postcodes=number(counts["postcodes"])))
            answer.add(*_styled(_("Orte, Postleitzahlen und Koordinaten: {geonames} – lizenziert unter {licence}; "
                                  "Kreisnamen von uns vereinheitlicht."),
                                geonames=link("GeoNames", "https://www.geonames.org/"),
                                licence=link("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")))
            answer.add(i(_("Profiltexte sind in eigenen Worten aus den Quellen zusammengefasst. Kontaktangaben ohne "
                           "Gewähr – bitte prüfen Sie sie auf der Website des Netzwerks.")))
            return answer
        if query.info == "datenschutz":
            answer.add(b(tr("privacy.title")))
            for key in ("privacy.answers", "privacy.conversation", "privacy.language", "privacy.stored",
                        "privacy.home", "privacy.abo", "privacy.reports", "privacy.ratings", "privacy.flows",
                        "privacy.forget", "privacy.telegram"):
                answer.add(tr(key))
            return answer
        return self._help(query)

    @staticmethod
    def _language(query: Query) -> Answer:
        """/sprache, /language: the choice, or what was chosen (the brain keeps the choice per chat)."""
        answer = Answer("help")
        chosen = (query.info or "").partition(":")[2]
        if chosen:
            answer.add(b(_("Ich antworte ab jetzt auf Deutsch.")))
            answer.add(_("Sie können die Sprache jederzeit mit /sprache ändern."))
        else:
            answer.add(b("Sprache / Language"))
            answer.add(_("In welcher Sprache soll ich antworten?"))
        answer.buttons = [[Button("🇩🇪 Deutsch", "L:de"), Button("🇬🇧 English", "L:en")]]
        return answer

    def _clarify(self, query: Query) -> Answer:
        choices = query.choices
        if i18n.current() != i18n.DEFAULT:  # "Göttingen (Niedersachsen)" -> "Göttingen (Lower Saxony)"
            choices = [replace(c, label=self.catalog.place_label(c.label)) if c.kind != "network" else c
                       for c in choices]
        answer = Answer("clarify", choices=choices)
        kinds = {c.kind for c in choices}
        if kinds == {"network"}:
            answer.add(b(_("Welches Netzwerk meinen Sie?")))
        elif kinds == {"district"}:
            answer.add(b(_("Welchen Kreis meinen Sie?")))
        else:
            answer.add(b(_("Welchen Ort meinen Sie?")))
        for n, choice in enumerate(choices, start=1):
            answer.add(f"{n}. {choice.label}")
        for choice in choices:
            answer.buttons.append([Button(_label(choice.label), choice.action)])
        return answer

    def _unknown(self, query: Query) -> Answer:
        if query.scope:
            return self._out_of_scope(query)
        answer = Answer("unknown")
        missing = (query.info or "").startswith("need_")
        answer.add(b(_("Dafür brauche ich noch eine Angabe.") if missing else _("Das habe ich leider nicht verstanden.")))
        message = UNKNOWN_MESSAGES.get(query.info or "", N_("Ich kenne Netzwerke zur Fachkräftesicherung nach Ort, "
                                                             "Bundesland, Thema und Auszeichnung."))
        answer.add(_(message))
        if not missing and i18n.current() == i18n.DEFAULT:
            answer.add(i(ENGLISH_HINT))
        answer.add(_("Probieren Sie z. B. „Netzwerke in Bayern“, „Nähe 04109“, „Preisträger 2014“ oder „Pflege“ – "
                     "oder /hilfe."))
        answer.buttons = [[Button(_(label), action) for label, action in EXAMPLES[:2]],
                          [Button(_("Hilfe"), "h"), Button(_("Themen"), "T")]]
        return answer

    def _stale(self, query: Query) -> Answer:
        """A button or link that no longer matches the data (or was forged)."""
        answer = Answer("unknown")
        answer.add(b(_("Dieser Eintrag ist nicht (mehr) verfügbar.")))
        answer.add(_("Vielleicht wurden die Daten inzwischen aktualisiert. Suchen Sie einfach neu, z. B. nach dem "
                     "Namen oder Ort."))
        answer.buttons = [[Button(_("Hilfe"), "h"), Button(_("Themen"), "T")]]
        return answer
