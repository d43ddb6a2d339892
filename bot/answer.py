"""Answering: turn a :class:`Query` into an :class:`Answer` from the store.

Everything the user reads is composed here, in German, from stored facts only. Contact details
always come with their source and "Stand" date; caveats and a network's latest status are shown
so nobody calls a network that has ended; award years with unidentified winners say so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlparse

from . import actions
from .answer_programme import ProgrammeAnswers
from .catalog import Catalog
from .faq import Knowledge
from .feedback.texts import tr
from .gazetteer import Gazetteer
from .i18n import _
from .models import Answer, Button, Query, Region, Venue, b, i, link, t
from .store import NetworkDetail, NetworkSummary, Store
from .textnorm import fold

PAGE_SIZE = 6
NEARBY_KM = 100.0
NEARBY_MIN = 5
KIND_DE = {"network": "Netzwerk", "alliance": "Bündnis/Allianz", "initiative": "Initiative", "project": "Projekt",
           "campaign": "Kampagne"}
STATUS_DE = {"active": "aktiv", "renamed": "umbenannt / aufgegangen", "dissolved": "aufgelöst", "ended": "beendet"}
ENDED = ("ended", "dissolved")
COORDINATOR_AWARD = "Innovative/r Netzwerkkoordinator/in"
GERMANY = (47.2, 55.1, 5.8, 15.1)  # bounding box: south, north, west, east
EXAMPLES = [("Netzwerke in Sachsen", "s:SN"), ("Preisträger 2013", "a:2013"), ("Themen", "T"),
            ("Alle Preisjahre", "a:")]


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
    if value is None:
        return ""
    if value < 1:
        return "im Ort"
    return f"{value:.0f} km" if value >= 10 else f"{value:.1f} km".replace(".", ",")


def _count(n: int, one: str = "Netzwerk", many: str = "Netzwerke") -> str:
    return f"{n} {one if n == 1 else many}"


def _in_state(state: str) -> str:
    """ "in Sachsen", but "im Saarland" """
    return f"im {state}" if state == "Saarland" else f"in {state}"


def _grid(buttons: list[Button], per_row: int) -> list[list[Button]]:
    """Buttons in rows of ``per_row`` (year and topic pickers)."""
    return [buttons[k:k + per_row] for k in range(0, len(buttons), per_row)]


def _label(text: str, limit: int = 60) -> str:
    """A button label of at most ``limit`` characters; a cut label ends in "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


STATUS_NOTE_WORDS = {"active": "aktiv", "unclear": "unklar", "ended": "beendet", "dissolved": "aufgelöst",
                     "renamed": "umbenannt"}


def _status_note_de(note: str) -> str:
    """Status notes start with an English keyword in the research ("active (…)"); show it in German."""
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


def _de_date(iso: str | None) -> str | None:
    if not iso or len(iso) < 10:
        return iso
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


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
            answer.paragraphs[:0] = [[i(note)] for note in query.notes]
        answer.reused = list(query.reused)
        answer.active_only = query.active_only
        answer.region_group = query.region_group or answer.region_group
        group = next((g for g in self.knowledge.groups if g.id == query.region_group), None)
        if group is not None and answer.intent != "unknown":
            answer.paragraphs.insert(1, [i(f"„{group.label}“ – dazu zählen wir: {', '.join(group.states)}.")])
        if query.active_only and answer.intent in ("region", "nearby", "topic", "contact") and answer.network_id is None:
            answer.paragraphs.insert(1, [i("Nur aktive Netzwerke: beendete und aufgelöste sind ausgeblendet.")])
        if query.other_parts:
            # a part of the question this answer does not cover: say so, and offer it as a button
            answer.add(i("Ihre Frage nannte auch: " + ", ".join(c.label for c in query.other_parts)
                         + " – dazu eine eigene Antwort:"))
            answer.buttons.append([Button(_label(c.label, 40), c.action) for c in query.other_parts[:3]])
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
                answer.add(b(f"In der Nähe (bis {NEARBY_KM:.0f} km):"))
            if headers:
                if n - 1 in headers:
                    answer.add(b(headers[n - 1] + ":"))
                elif n == first + 1:
                    started = max((k for k in headers if k < n - 1), default=None)
                    if started is not None:
                        answer.add(b(f"{headers[started]} (Fortsetzung):"))
            spans = [t(f"{n}. "), b(net.name)]
            town = places.get(net.id, (None, None))[1]
            towns = [town] + [x for x in net.towns if x != town] if town else net.towns
            where = ", ".join(towns[:2]) or ", ".join(net.states)
            details = [where] if where else []
            inside = near_from is not None and n - 1 < near_from
            if inside and (net.distance_km is None or net.distance_km >= 1):
                details.append("im Gebiet")  # it covers the place (a district or region), whatever its seat
            elif show_distance and net.placed_by == "capital":
                details.append("Sitz unbekannt")  # placed at the state capital as a stand-in: no real distance
            elif show_distance and net.distance_km is not None:
                details.append(_km(net.distance_km))
            if net.award_years:
                details.append("🏆 " + ", ".join(str(y) for y in net.award_years))
            if net.status in ENDED:
                details.append(STATUS_DE[net.status])
            if details:
                spans.append(t(" – " + " · ".join(details)))
            answer.add(*spans)
        if pages > 1:
            answer.add(i(f"Seite {page + 1} von {pages} · {_count(total)} insgesamt"))
        for n, net in enumerate(shown, start=first + 1):
            answer.buttons.append([Button(_label(f"{n}. {net.name}"), open_action(net.id))])
        nav = []
        if page > 0 and (prev := actions.for_query(query, page - 1)):
            nav.append(Button("◀ Zurück", prev))
        if page < pages - 1 and (nxt := actions.for_query(query, page + 1)):
            nav.append(Button("Weiter ▶", nxt))
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
            return self.store.ids_in_region("state", fold(region.name))
        ids = []
        if region.kind in ("town", "postcode"):
            ids += self.store.ids_in_region("town", region.key or fold(region.name), region.state)
            place = self.gazetteer.place_by_postcode(self.store, region.code) if region.code else None
            district = self.gazetteer.district_by_code(place.district_code) if place else None
            if district:
                ids += self.store.ids_in_region("district", district.core, district.state)
        elif region.kind == "district":
            ids += self.store.ids_in_region("district", region.key, region.state)
        elif region.kind == "area":
            for district in self.gazetteer.area_districts(region.code or ""):
                ids += self.store.ids_in_region("district", district.core, district.state)
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
            title = [b(f"Alle Netzwerke in unserer Datenbank: {len(ids)}")]
            if query.count_only:
                title = [t("Unsere Datenbank kennt "), b(str(len(ids))), t(" Netzwerke zur Fachkräftesicherung "
                         "in allen 16 Bundesländern (bundesweit gibt es mehrere hundert).")]
            answer = self._list(answer, query, ids, title, "Die Datenbank ist leer.", False, open_action=open_action)
            answer.add(i("Tipp: Fragen Sie nach Ihrem Bundesland, Ort oder Ihrer Postleitzahl."))
            return answer
        if region.kind == "state":
            ids = self._by_activity(self.store.ids_in_state(region.name), query)
            where = _in_state(region.name)
            title = [b(f"Netzwerke {where}: {len(ids)}")]
            if query.count_only:
                verb = "ist" if len(ids) == 1 else "sind"
                title = [t(f"{where[0].upper()}{where[1:]} {verb} "), b(_count(len(ids))),
                         t(" zur Fachkräftesicherung in unserer Datenbank.")]
            return self._list(answer, query, ids, title, f"Für {region.name} kennen wir noch kein Netzwerk.", False,
                              open_action=open_action)
        inside, places = self._by_distance(self._inside(region), region)
        listing, around = self._around(region, query.page, inside, places, active_only=query.active_only)
        if query.active_only:
            inside = inside[:listing.near_from]
        around = listing.total - len(inside)  # with the networks that ended, which come last
        label = self._region_label(region)
        title = [b(label)]
        if inside:
            title.append(t(f": {_count(len(inside))} mit diesem Gebiet"))
            if around:
                title.append(t(f", {around} weitere in der Nähe (bis {NEARBY_KM:.0f} km)"))
        elif around:
            title.append(t(f": kein Netzwerk mit diesem Gebiet; {_count(around)} in der Nähe "
                           f"(bis {NEARBY_KM:.0f} km)"))
        else:
            listing = self._nearest(region, limit=NEARBY_MIN)
            title.append(t(f": im Umkreis von {NEARBY_KM:.0f} km kennen wir kein Netzwerk; "
                           f"die {listing.total} nächsten:"))
        if query.count_only:
            title = [t(f"Für {label} kennen wir "), b(_count(len(inside))),
                     t(" mit diesem Gebiet und "), b(str(around)),
                     t(f" weitere im Umkreis von {NEARBY_KM:.0f} km.")]
        return self._list(answer, query, listing, title,
                          f"Im Umkreis von {NEARBY_KM:.0f} km um {label} kennen wir kein Netzwerk.", True,
                          near_from=listing.near_from or None, open_action=open_action)

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
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " und " + labels[-1]

    def _where_all(self, regions: list[Region]) -> str:
        if all(r.kind == "state" for r in regions):
            names = self._names([r.name for r in regions])
            return f"im {names}" if regions[0].name == "Saarland" else f"in {names}"
        return "in " + self._names([self._region_label(r) for r in regions])

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
                headers[len(ids)] = self._region_label(region) if region.kind != "state" else region.name
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
        title = [b(f"Netzwerke {where}: {len(ids)}")]
        if not states:
            title.append(t(f" (je Ort die mit diesem Gebiet und die nächsten bis {NEARBY_KM:.0f} km)"))
        if query.count_only:
            verb = "ist" if len(ids) == 1 else "sind"
            title = [t(f"{where[0].upper()}{where[1:]} {verb} "), b(_count(len(ids))),
                     t(" zur Fachkräftesicherung in unserer Datenbank.")]
        answer = self._list(answer, query, ids, title, "Dort kennen wir noch kein Netzwerk.", not states,
                            open_action=actions.contact if contact else actions.profile, places=places,
                            headers=headers)
        if contact:
            answer.paragraphs.append([i("Tippen Sie auf ein Netzwerk, um Kontakt und Website zu sehen.")])
        return answer

    def _region_label(self, region: Region) -> str:
        if region.kind == "area":
            return f"Region {region.name}"
        if region.kind in ("district", "town", "postcode"):
            return f"{region.name} ({region.state})" if region.state else region.name
        return region.name or "Ihr Standort"

    def _nearby(self, query: Query) -> Answer:
        if query.info == "ask_location" or query.region is None:
            answer = Answer("nearby", request_location=True)
            answer.add(b("Wo suchen Sie?"))
            answer.add("Teilen Sie Ihren Standort (Büroklammer → Standort) oder schreiben Sie eine Postleitzahl "
                       "oder einen Ort, z. B. „Nähe 37073“ oder „Netzwerke bei Jena“.")
            return answer
        region = self._resolve_region(query.region)
        if region is None or region.lat is None:
            return self._stale(query)
        query.region = region
        if region.kind == "point" and not (GERMANY[0] <= region.lat <= GERMANY[1] and GERMANY[2] <= region.lon <= GERMANY[3]):
            answer = Answer("nearby", region=region)
            answer.add(b("Dieser Standort liegt außerhalb Deutschlands."))
            answer.add("Ich kenne nur Netzwerke in Deutschland. Schreiben Sie einen deutschen Ort oder eine Postleitzahl.")
            answer.buttons = [[Button(label, action) for label, action in EXAMPLES[:2]]]
            return answer
        listing, around = self._around(region, query.page, active_only=query.active_only)
        few = around < NEARBY_MIN
        if few:
            listing = self._nearest(region, limit=NEARBY_MIN)
        label = self._region_label(region)
        answer = Answer("nearby", region=region)
        title = [b("Netzwerke in Ihrer Nähe" if region.kind == "point" else f"Netzwerke in der Nähe von {label}")]
        if few:
            title.append(t(f" – im Umkreis von {NEARBY_KM:.0f} km kennen wir wenige, hier die {listing.total} nächsten"))
        return self._list(answer, query, listing, title, "Kein Netzwerk mit Ortsangabe gefunden.", True)

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
        names = self._names([f"„{topic.name}“" for topic in topics])
        label = "Themen" if len(topics) > 1 else ("Branche" if topics[0].kind == "sector" else "Thema")
        if not regions:
            title = [b(f"{label} {names}: {_count(len(among))}")]
            return self._list(answer, query, among, title, "Dazu kennen wir noch kein Netzwerk.", False)
        ids, places, headers = self._place_groups(regions, among=set(among))
        ids = self._by_activity(ids, query, headers)
        states = all(r.kind == "state" for r in regions)
        title = [b(f"{label} {names} {self._where_all(regions)}: {_count(len(ids))}")]
        if not states:
            title.append(t(f" (je Ort die mit diesem Gebiet und die nächsten bis {NEARBY_KM:.0f} km)"))
        return self._list(answer, query, ids, title, "Dazu kennen wir dort kein Netzwerk.", not states,
                          places=places, headers=headers if len(regions) > 1 else None)

    def _topic(self, query: Query) -> Answer:
        if query.extra_topics or query.extra_regions:
            return self._topics(query)
        topic = self.catalog.topic_by_code.get(query.topic or "")
        region = self._resolve_region(query.region)
        if topic is None or (query.region is not None and region is None):
            return self._stale(query)
        query.region = region
        label = "Branche" if topic.kind == "sector" else "Thema"
        article = "Zur" if topic.kind == "sector" else "Zum"
        answer = Answer("topic", region=region, topic=topic.code)
        if region is not None and region.kind in ("state", "country"):
            state = region.name if region.kind == "state" else None
            ids = self._by_activity(self._topic_ids(topic, state), query)
            where = f" {_in_state(region.name)}" if state else ""
            if not ids and state:
                # no dead end: say so, then show the state's networks (the topic's elsewhere are a tap away)
                listing = self._region(Query(intent="region", region=region, page=query.page))
                listing.intent, listing.topic = "topic", topic.code
                listing.paragraphs.insert(0, [b(f"{article} {label} „{topic.name}“ kennen wir {_in_state(region.name)} "
                                                "kein Netzwerk."), t(" Hier alle Netzwerke dort:")])
                listing.buttons.append([Button(_label(f"„{topic.name}“ bundesweit"), f"t:{topic.code}:-")])
                return listing
            title = [b(f"{label} „{topic.name}“{where}: {_count(len(ids))}")]
            return self._list(answer, query, ids, title, "", False)
        ids = self._topic_ids(topic, None)
        if region is None:
            ids = self._by_activity(ids, query)
            title = [b(f"{label} „{topic.name}“: {_count(len(ids))}")]
            answer = self._list(answer, query, ids, title,
                                f"{article} {label} „{topic.name}“ kennen wir noch kein Netzwerk.", False)
            if not ids:
                answer.buttons.append([Button("Alle Themen", "T")])
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
        to_topic = f"{article.lower()} {label}"  # "zum Thema", "zur Branche"
        if general:
            if inside:
                headers[0] = f"{article} {label} „{topic.name}“, mit diesem Gebiet"
            headers[len(inside)] = f"Allgemeine Netzwerke vor Ort (ohne eigenen Schwerpunkt „{topic.name}“)"
        if inside or around:
            nearby = listing.total - len(inside) - len(general)
            parts = [f"{len(inside)} {to_topic} mit diesem Gebiet"] if inside else []
            parts += [f"{len(general)} allgemeine vor Ort"] if general else []
            parts += [f"{nearby} {to_topic} im Umkreis von {NEARBY_KM:.0f} km"] if nearby else []
            title = [b(f"{label} „{topic.name}“ nahe {place}: {_count(listing.total)}"), t(" – " + ", ".join(parts))]
            return self._list(answer, query, listing, title, "", True, near_from=listing.near_from or None,
                              headers=headers or None)
        nearest = self._nearest(region, limit=NEARBY_MIN, among=among)
        if general:
            # none of the topic within reach: the place's own networks, then the topic's nearest
            listing = Ranked(general + nearest.head, {**general_places, **nearest.places},
                             len(general) + nearest.total)
            headers[len(general)] = f"{article} {label} „{topic.name}“ am nächsten"
        else:
            listing = nearest
        more = "" if not nearest.total else " Das nächste:" if nearest.total == 1 else f" Die {nearest.total} nächsten:"
        title = [b(f"{article} {label} „{topic.name}“ gibt es im Umkreis von {NEARBY_KM:.0f} km um {place} "
                   f"kein Netzwerk."), t(more)]
        answer = self._list(answer, query, listing, title, "", True, headers=headers or None)
        answer.buttons.append([Button(_label(f"Alle Netzwerke nahe {region.name}"), actions.for_query(
            Query(intent="region", region=region), 0) or "h")])
        return answer

    # -- awards --------------------------------------------------------------------------------------
    def _award(self, query: Query) -> Answer:
        region = self._resolve_region(query.region)
        if region is not None and region.kind in ("state", "town", "district", "postcode", "area"):
            return self._award_in_region(query, region)
        answer = Answer("award", year=query.year)
        years = self.store.award_years()
        if query.year is None:
            answer.add(b("„Innovatives Netzwerk“ – die Auszeichnungen des Bundesarbeitsministeriums"))
            answer.add("Seit 2012 zeichnet das BMAS regionale Fachkräftenetzwerke aus; seit 2024 gibt es dafür die "
                       "Kategorie „Innovatives Netzwerk“ beim Deutschen Fachkräftepreis.")
            for event in self.store.award_events():
                total, unknown = event["winners_total"], event.get("unidentified")
                if total and unknown == total:
                    count = f"{total} Preisträger, Namen nicht bekannt"
                elif total and unknown:
                    count = f"{total} Preisträger, {unknown} davon nicht namentlich bekannt"
                elif total:
                    count = f"{total} Preisträger"
                elif event["winner_ids"]:
                    count = f"{len(event['winner_ids'])} bekannte Preisträger"
                else:
                    count = "Preisträger nicht bekannt"
                answer.add(b(str(event["year"])), t(f" – {event['award']}: {count}"))
            answer.add(i("Für 2015 und 2023 ist keine Auszeichnung belegt."))
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
            answer.buttons.append([Button("Alle Jahre", actions.award(None))])
            return answer
        index = years.index(query.year) if query.year in years else -1
        if index < 0 and not winners and answer.buttons:
            return answer  # no award that year: the nearest years are offered already
        nav = []
        if index > 0:
            nav.append(Button(f"◀ {years[index - 1]}", actions.award(years[index - 1])))
        nav.append(Button("Alle Jahre", actions.award(None)))
        if 0 <= index < len(years) - 1:
            nav.append(Button(f"{years[index + 1]} ▶", actions.award(years[index + 1])))
        answer.buttons.append(nav)
        return answer

    def _award_year(self, answer: Answer, year: int, years: list[int], alone: bool) -> list[NetworkSummary]:
        """The events of one award year into ``answer``; returns its known winners. ``alone``: the only
        year asked (a year without award then offers the nearest years)."""
        events = self.store.award_events(year)
        if not events:
            answer.add(b(f"Für {year} ist uns keine Auszeichnung „Innovatives Netzwerk“ bekannt."))
            if year < 2012:
                answer.add("Die Auszeichnung wird erst seit 2012 vergeben.")
            elif year in (2015, 2023):
                answer.add("In den Quellen findet sich für dieses Jahr weder ein Innovationstag noch eine Preisverleihung.")
            elif alone:
                answer.add("Die bekannten Preisjahre finden Sie unten.")
            if alone:
                closest = sorted(years, key=lambda y: (abs(y - year), y))[:4]
                answer.buttons.append([Button(str(y), actions.award(y)) for y in sorted(closest)])
                answer.buttons.append([Button("Alle Preisjahre", actions.award(None))])
            return []
        winners: list[NetworkSummary] = []
        events.sort(key=lambda e: e["award"] == COORDINATOR_AWARD)
        for event in events:
            answer.add(b(f"{event['award']} {event['year']}"))
            facts = []
            if event.get("event"):
                facts.append(event["event"])
            when = _de_date(event.get("date"))
            if when:
                facts.append(f"am {when}")
            if event.get("place"):
                facts.append("online" if event["place"] == "online" else f"Ort: {event['place']}")
            if facts:
                answer.add(" – ".join(facts[:1]) + (", " + ", ".join(facts[1:]) if facts[1:] else ""))
            if event.get("presented_by"):
                answer.add(f"Überreicht von: {event['presented_by']}")
            ids = event["winner_ids"]
            total, unknown = event.get("winners_total"), event.get("unidentified")
            known = self.store.summaries_by_ids(ids)
            note = event.get("hinweis") or ""
            if total and unknown == total:
                answer.add(b(f"{total} Netzwerke wurden ausgezeichnet; ihre Namen liegen uns nicht vor."))
            elif total and unknown:
                answer.add(t(f"{total} Auszeichnungen; "), b(f"{unknown} davon sind in unseren Quellen nicht "
                                                             "namentlich genannt."))
                if len(known) > total - unknown:
                    answer.add(f"Eine Auszeichnung ging gemeinsam an {len(known) - (total - unknown) + 1} Netzwerke.")
            elif not total and not known and "liegt uns nicht vor" not in note:
                answer.add(b("Der Preisträger dieser Kategorie liegt uns nicht vor."))
            elif not total and known and "Gesamtzahl" not in note:
                answer.add(f"Die Quellen nennen {len(known)} Preisträger; eine Gesamtzahl ist nicht angegeben.")
            for n, net in enumerate(known, start=1):
                where = ", ".join(net.towns[:1] or net.states)
                answer.add(t(f"{n}. "), b(net.name), t(f" – {where}" if where else ""))
            if event.get("hinweis"):
                answer.add(i(event["hinweis"]))
            winners += [w for w in known if w.id not in {x.id for x in winners}]
            if event.get("sources"):
                answer.add(i("Quellen: " + _sources(event["sources"])))
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
                winners.setdefault(net.id, []).append(f"{event['award']} {event['year']}")
        if region.kind == "state":
            names = {r.name for r in regions if r.kind == "state"}
            networks = [n for n in self.store.summaries_by_ids(list(winners)) if names & set(n.states)]
            where = self._where_all(regions) if len(regions) > 1 else _in_state(region.name)
            origin = "aus dem Saarland" if region.name == "Saarland" else f"aus {region.name}"
            if len(regions) > 1:
                origin = "aus " + self._names([r.name for r in regions])
        else:
            inside = set(self._inside(region))
            ordered, places = self._by_distance(list(winners), region)
            networks = self.store.summaries_by_ids(
                [nid for nid in ordered if nid in inside or (nid in places and places[nid][0] <= NEARBY_KM)])
            for net in networks:
                net.distance_km = places[net.id][0] if net.id in places else None
            where = f"nahe {self._region_label(region)} (bis {NEARBY_KM:.0f} km)"
            origin = "aus dieser Gegend"
        when = f" {self._names([str(y) for y in query.years])}" if query.year else ""
        answer.add(b(f"Ausgezeichnete Netzwerke {where}{when}: {len(networks)}"))
        if not networks:
            answer.add(f"Unter den bekannten Preisträgern{when} ist kein Netzwerk {origin}.")
        for n, net in enumerate(networks, start=1):
            distance = f" · {_km(net.distance_km)}" if region.kind != "state" and net.distance_km is not None else ""
            if distance and net.placed_by == "capital":
                distance = " · Sitz unbekannt"
            answer.add(t(f"{n}. "), b(net.name), t(" – " + "; ".join(winners[net.id]) + distance))
            answer.buttons.append([Button(_label(f"{n}. {net.name}"), actions.profile(net.id))])
        if any(e["winners_total"] and e.get("unidentified") for e in events):
            answer.add(i(f"Nicht alle Preisträger sind in unseren Quellen namentlich genannt; es können weitere "
                         f"{origin} dabei sein."))
        answer.networks, answer.total = networks, len(networks)
        answer.buttons.append([Button("Alle Preisjahre", actions.award(None))])
        return answer

    # -- one network ---------------------------------------------------------------------------------
    def _network(self, query: Query) -> NetworkDetail | None:
        return self.store.network(query.network_id) if query.network_id else None

    def _status_line(self, net: NetworkDetail) -> list | None:
        note = _status_note_de(net.status_note or "")
        if net.status in ENDED:
            word = STATUS_DE[net.status]
            if note.lower().startswith(word):
                return [b("⚠️ Status: "), t(note)]
            return [b(f"⚠️ Status: {word}. "), t(note)]
        if net.status == "renamed":
            if note.lower().startswith(("aufgegangen", "umbenannt")):
                return [b("Hinweis: "), t(note)]
            return [b("Hinweis: "), t("umbenannt bzw. aufgegangen. "), t(note)]
        if net.status_note:
            return [i(f"Letzter Stand laut Quellen: {_status_note_de(net.status_note)}")]
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
            answer.add(i("Auch: " + "; ".join(aliases[:4])))
        if net.profile:
            answer.add(net.profile)
        status = self._status_line(net)
        if status:
            answer.add(*status)
        region = ", ".join(net.towns[:6] + [d for d in net.districts[:8] if d not in net.towns])
        answer.add(b("Region: "), t(f"{region} ({', '.join(net.states)})" if region else ", ".join(net.states)))
        if net.kind:
            answer.add(b("Art: "), t(KIND_DE.get(net.kind, net.kind)))
        if net.organisation:
            answer.add(b("Träger/Koordination: "), t(net.organisation))
        if net.founded:
            doubtful = _caveat(net, _FOUNDING, doubt=True)
            answer.add(b("Gegründet: "), t(str(net.founded)), i(" (in den Quellen nicht gesichert)" if doubtful else ""))
        if net.topics or net.sectors:
            answer.add(b("Themen: "), t(", ".join(net.topics + net.sectors)))
        if net.awards:
            lines = []
            for award in net.awards:
                if award["award"] == COORDINATOR_AWARD:
                    lines.append(f"{award['year']}: „{award['award']}“ – ausgezeichnet wurde die Koordination "
                                 "des Netzwerks (eine Person), nicht das Netzwerk selbst")
                else:
                    lines.append(f"{award['award']} {award['year']}")
            answer.add(b("🏆 Ausgezeichnet: "), t("; ".join(lines)))
            if query.year and query.year not in {a["year"] for a in net.awards}:
                answer.add(i(f"Für {query.year} ist keine Auszeichnung dieses Netzwerks bekannt."))
        elif query.year is not None or "ausgezeichnet" in fold(query.text):
            answer.add(b("Auszeichnungen: "), t("keine BMAS-Auszeichnung „Innovatives Netzwerk“ bekannt."))
        if net.unconfirmed:
            many = len(net.unconfirmed) > 1
            answer.add(i(f"{len(net.unconfirmed)} weitere {'Angaben sind' if many else 'Angabe ist'} in den Quellen "
                         "offen oder widersprüchlich; wir nennen sie nicht als Tatsache."))
        self._provenance_and_buttons(answer, net, Button("📞 Kontakt", actions.contact(net.id)))
        more = []
        if net.states:
            code = self.catalog.state_by_name[net.states[0]].code
            more.append(Button(_label(f"Mehr {_in_state(net.states[0])}", 40), f"s:{code}"))
        if net.award_years:
            more.append(Button(f"Preis {net.award_years[0]}", actions.award(net.award_years[0])))
        if more:
            answer.buttons.append(more)
        answer.buttons.append([Button(tr("btn.report"), actions.report(net.id))])
        return answer

    def _awards_of(self, net: NetworkDetail, year: int | None) -> Answer:
        """"Wann wurde die ausgezeichnet?" about the network just shown: the short answer, then buttons."""
        answer = Answer("profile", network_id=net.id)
        answer.networks, answer.total = [net], 1
        if net.awards:
            lines = [f"{award['award']} {award['year']}" + (" (die Koordination des Netzwerks, eine Person)"
                                                           if award["award"] == COORDINATOR_AWARD else "")
                     for award in net.awards]
            answer.add(t("🏆 "), b(net.name), t(" wurde ausgezeichnet: " + "; ".join(lines) + "."))
            if year and year not in {a["year"] for a in net.awards}:
                answer.add(i(f"Für {year} ist keine Auszeichnung dieses Netzwerks bekannt."))
        else:
            answer.add(t("Für "), b(net.name), t(" ist keine BMAS-Auszeichnung „Innovatives Netzwerk“ bekannt."))
        answer.add(i(f"Stand: {_de_date(net.as_of)} · Quellen: " + _sources(net.sources)))
        row = [Button("ℹ️ Profil", actions.profile(net.id)), Button("📞 Kontakt", actions.contact(net.id))]
        answer.buttons.append(row)
        if net.award_years:
            answer.buttons.append([Button(f"Preisträger {y}", actions.award(y)) for y in net.award_years[:3]])
        return answer

    def _contact(self, query: Query) -> Answer:
        if query.network_id is None and query.region is not None:
            listing = self._region(query)
            if not query.extra_regions:  # _regions says it itself
                listing.intent = "contact"
                listing.paragraphs.append([i("Tippen Sie auf ein Netzwerk, um Kontakt und Website zu sehen.")])
            return listing
        net = self._network(query)
        if net is None:
            return self._stale(query)
        answer = Answer("contact", network_id=net.id)
        answer.networks, answer.total = [net], 1
        answer.add(b(f"Kontakt: {net.name}"))
        status = self._status_line(net)
        if status:
            answer.add(*status)
        if net.organisation:
            answer.add(b("Träger/Koordination: "), t(net.organisation))
        if net.address:
            answer.add(b("Anschrift: "), t(net.address))
        if net.office_contact:
            answer.add(b("Geschäftsstelle: "), t(net.office_contact))
        if net.website:
            answer.add(b("Website: "), link(_host(net.website), net.website))
        if not (net.address or net.office_contact or net.website):
            answer.add("Für dieses Netzwerk liegen uns keine öffentlichen Kontaktdaten vor. Ein guter Weg ist der "
                       "genannte Träger oder Ihre IHK, Handwerkskammer bzw. Agentur für Arbeit vor Ort.")
        if (net.address or net.office_contact or net.website) and _caveat(net, _CONTACT, doubt=True):
            answer.add(b("⚠️ Bitte prüfen: "), t("Die Quellen äußern Zweifel an einem Teil dieser Angaben (etwa nicht "
                                                 "bestätigt, veraltet oder nicht die eigene Seite des Netzwerks)."))
        answer.add(i("Wir nennen nur öffentlich angegebene Büro-Kontakte, keine Durchwahlen oder E-Mail-Adressen "
                     "von Personen."))
        self._provenance_and_buttons(answer, net, Button("ℹ️ Profil", actions.profile(net.id)))
        answer.buttons.append([Button(tr("btn.report"), actions.report(net.id))])
        return answer

    @staticmethod
    def _provenance_and_buttons(answer: Answer, net: NetworkDetail, other_view: Button) -> None:
        """Every profile and contact card ends with its "Stand" and sources, and the same buttons."""
        answer.add(i(f"Stand: {_de_date(net.as_of)} · Quellen: " + _sources(net.sources)))
        row = [other_view]
        if net.lat is not None:
            row.append(Button("🗺 Karte", actions.map_of(net.id)))
        answer.buttons.append(row)
        if net.website:
            answer.buttons.append([Button("🌐 Website öffnen", url=net.website)])

    def _map(self, net: NetworkDetail) -> Answer:
        answer = Answer("profile", network_id=net.id)
        answer.networks, answer.total = [net], 1
        if net.lat is None:
            answer.add(f"Für {net.name} kennen wir keinen Ort, den wir auf der Karte zeigen könnten.")
            return answer
        seat = net.towns[0] if net.towns else (net.districts[0] if net.districts else net.states[0])
        basis = net.seat_basis if net.seat else None
        postcode = net.seat if net.seat and net.seat.isdigit() else None
        if basis in ("organisation", "district", "capital", None) and postcode and net.seat_place:
            seat = net.seat_place
        # what the pin stands for: a town seat is the town's centre, a postcode seat its postcode area
        pin = (f"die Mitte des Postleitzahlgebiets {postcode}" if postcode and basis != "town" else
               "den Sitz" if net.seat and not postcode and basis != "town" else "den Sitz-Ort (Ortsmitte)")
        if net.address:
            answer.add(b(net.name), t(f" – Anschrift laut Quelle: {net.address}"))
            answer.add(i(f"Die Nadel zeigt {pin}, nicht die genaue Anschrift."))
        elif basis == "organisation":
            answer.add(b(net.name), t(f" – Sitz-Ort {seat}, Sitz des Trägers laut Quelle; eine Anschrift ist nicht "
                                      f"bekannt."))
            answer.add(i(f"Die Nadel zeigt {pin}."))
        elif basis == "district":
            where = net.districts[0] if net.districts else seat
            answer.add(b(net.name), t(f" – Lage: {seat}" + (f" (PLZ {postcode})" if postcode else "") +
                                      f", Verwaltungssitz für {where}; Sitz und Anschrift des Netzwerks sind nicht "
                                      f"bekannt."))
        elif basis == "capital":
            answer.add(b(net.name), t(f" – Lage: {seat}, die Landeshauptstadt, steht ersatzweise: Sitz und Anschrift "
                                      f"des Netzwerks sind nicht bekannt, Entfernungen nur ein grober Anhalt."))
        elif net.seat and basis is None:
            answer.add(b(net.name), t(f" – Sitz: {f'{postcode} {seat}' if postcode else 'Koordinaten laut Datensatz'} "
                                      f"(eine Anschrift ist nicht bekannt)."))
            answer.add(i(f"Die Nadel zeigt {pin}."))
        else:
            answer.add(b(net.name), t(f" – Sitz-Ort {seat} (Ortsmitte; eine Anschrift ist nicht bekannt)."))
        answer.venue = Venue(net.lat, net.lon, net.name[:100], (net.address or seat)[:100])
        answer.buttons.append([Button("ℹ️ Profil", actions.profile(net.id)), Button("📞 Kontakt", actions.contact(net.id))])
        return answer

    # -- conversation ------------------------------------------------------------------------------
    def _help(self, query: Query) -> Answer:
        answer = Answer("help")
        if query.info == "thanks":
            answer.add("Gern geschehen! Fragen Sie jederzeit wieder – nach einem Ort, einer Postleitzahl, einem Thema "
                       "oder einem Netzwerk.")
            answer.buttons = [[Button(label, action) for label, action in EXAMPLES[:2]]]
            return answer
        if query.info == "no_more_pages":
            answer.add("Weitere Seiten gibt es dazu nicht – die Antwort oben ist vollständig. Fragen Sie gern nach "
                       "einem anderen Ort, Thema oder Netzwerk.")
            answer.buttons = [[Button(label, action) for label, action in EXAMPLES[:2]]]
            return answer
        if query.info == "empty":
            answer.add("Ihre Nachricht war leer. So können Sie mich fragen:")
        else:
            answer.add(b("Willkommen beim netzwerkbot!"))
            answer.add("Ich finde regionale Netzwerke zur Fachkräftesicherung in Ihrer Nähe – Bündnisse von Kammern, "
                       "Arbeitsagenturen, Jobcentern, Kommunen, Schulen und Unternehmen – und sage Ihnen, was sie tun, "
                       "ob sie als „Innovatives Netzwerk“ ausgezeichnet wurden und wie Sie sie erreichen.")
        answer.add(b("Fragen Sie zum Beispiel:"))
        for example in ("Welche Netzwerke gibt es in Sachsen?", "Gibt es was in der Nähe von 37073?",
                        "/award 2013", "Kontakt Jenaer Allianz", "Pflege in Niedersachsen",
                        "Wann wurde die Ems-Achse ausgezeichnet?"):
            answer.add(t("• "), i(example))
        answer.add("Oder teilen Sie einfach Ihren Standort. Befehle: /region, /naehe, /award, /netzwerk, /kontakt, "
                   "/themen, /quellen, /datenschutz.")
        answer.add(tr("help.more"))
        answer.buttons = [[Button(label, action) for label, action in EXAMPLES[:2]],
                          [Button(label, action) for label, action in EXAMPLES[2:]]]
        return answer

    def _info(self, query: Query) -> Answer:
        if (query.info or "").startswith("faq:"):
            return self._faq_answer(query)
        if (query.info or "").startswith("language"):
            return self._language(query)
        answer = Answer("help")
        if query.info == "themen":
            answer.add(b("Themen und Branchen"))
            answer.add("Wählen Sie ein Handlungsfeld – oder schreiben Sie z. B. „Pflege in Niedersachsen“.")
            answer.buttons += _grid([Button(_label(topic.name, 40), f"t:{topic.code}:-")
                                     for topic in self.catalog.topics if topic.kind == "topic"], 2)
            return answer
        if query.info == "quellen":
            counts = self.store.counts()
            meta = self.store.meta()
            answer.add(b("Woher die Daten stammen"))
            answer.add(f"Netzwerke und Auszeichnungen: eigene Recherche in öffentlichen Quellen (Pressemitteilungen von "
                       f"BMAS und DIHK, Seiten des Innovationsbüros „Fachkräfte für die Region“ und von INQA, Websites "
                       f"der Netzwerke, Kammern, Kommunen und Regionalpresse). Stand der Recherche: "
                       f"{_de_date(meta.get('data_as_of'))}. Jedes Profil nennt seine Quellen.")
            answer.add(f"Datenbestand: {counts['networks']} Netzwerke, {len(self.store.award_years())} Preisjahre "
                       f"({counts['award_events']} Auszeichnungen nach Jahr und Kategorie), "
                       f"{counts['postcodes']} Postleitzahlen.")
            answer.add(t("Orte, Postleitzahlen und Koordinaten: "), link("GeoNames", "https://www.geonames.org/"),
                       t(" – lizenziert unter "), link("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
                       t("; Kreisnamen von uns vereinheitlicht."))
            answer.add(i("Profiltexte sind in eigenen Worten aus den Quellen zusammengefasst. Kontaktangaben ohne "
                         "Gewähr – bitte prüfen Sie sie auf der Website des Netzwerks."))
            return answer
        if query.info == "datenschutz":
            answer.add(b(tr("privacy.title")))
            for key in ("privacy.answers", "privacy.conversation", "privacy.stored", "privacy.home", "privacy.abo", "privacy.reports",
                        "privacy.ratings", "privacy.flows", "privacy.forget", "privacy.telegram"):
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
        answer = Answer("clarify", choices=query.choices)
        kinds = {c.kind for c in query.choices}
        if kinds == {"network"}:
            answer.add(b("Welches Netzwerk meinen Sie?"))
        elif kinds == {"district"}:
            answer.add(b("Welchen Kreis meinen Sie?"))
        else:
            answer.add(b("Welchen Ort meinen Sie?"))
        for n, choice in enumerate(query.choices, start=1):
            answer.add(f"{n}. {choice.label}")
        for choice in query.choices:
            answer.buttons.append([Button(_label(choice.label), choice.action)])
        return answer

    def _unknown(self, query: Query) -> Answer:
        if query.scope:
            return self._out_of_scope(query)
        answer = Answer("unknown")
        messages = {
            "need_name": "Bitte nennen Sie den Namen eines Netzwerks, z. B. /netzwerk Jenaer Allianz.",
            "need_contact": "Bitte nennen Sie ein Netzwerk oder einen Ort, z. B. /kontakt Jenaer Allianz oder /kontakt Jena.",
            "need_region": "Bitte nennen Sie ein Bundesland, einen Kreis, einen Ort oder eine PLZ, z. B. /region Sachsen.",
            "no_region": "Diesen Ort kenne ich leider nicht. Versuchen Sie eine Postleitzahl oder den Namen der Stadt.",
            "no_network": "Ein Netzwerk dieses Namens kenne ich leider nicht. Versuchen Sie einen Teil des Namens oder den Ort.",
            "bad_postcode": "Diese Postleitzahl kenne ich nicht. Bitte prüfen Sie die fünf Ziffern.",
            "unknown_command": "Diesen Befehl kenne ich nicht.",
            "need_list": "Wovon soll ich mehr zeigen? Stellen Sie zuerst eine Frage, z. B. „Netzwerke in Sachsen“ – "
                         "dann blättern Sie mit „weiter“ und „zurück“.",
            "need_choice": "Worauf beziehen Sie sich? Gerade habe ich Ihnen keine Auswahl gezeigt. Nennen Sie einen "
                           "Ort, ein Thema oder den Namen eines Netzwerks.",
            "need_network_award": "Welches Netzwerk meinen Sie? Nennen Sie den Namen, z. B. „Wann wurde die "
                                  "Ems-Achse ausgezeichnet?“ – oder fragen Sie nach einem Jahr: „Preisträger 2013“.",
        }
        missing = (query.info or "").startswith("need_")
        answer.add(b("Dafür brauche ich noch eine Angabe." if missing else "Das habe ich leider nicht verstanden."))
        answer.add(messages.get(query.info or "", "Ich kenne Netzwerke zur Fachkräftesicherung nach Ort, Bundesland, "
                                                   "Thema und Auszeichnung."))
        if not missing:
            answer.add(i("In English: I answer in German, but understand e.g. “networks in Bavaria”, a town or a "
                         "postcode."))
        answer.add("Probieren Sie z. B. „Netzwerke in Bayern“, „Nähe 04109“, „Preisträger 2014“ oder „Pflege“ – "
                   "oder /hilfe.")
        answer.buttons = [[Button(label, action) for label, action in EXAMPLES[:2]],
                          [Button("Hilfe", "h"), Button("Themen", "T")]]
        return answer

    def _stale(self, query: Query) -> Answer:
        """A button or link that no longer matches the data (or was forged)."""
        answer = Answer("unknown")
        answer.add(b("Dieser Eintrag ist nicht (mehr) verfügbar."))
        answer.add("Vielleicht wurden die Daten inzwischen aktualisiert. Suchen Sie einfach neu, z. B. nach dem Namen oder Ort.")
        answer.buttons = [[Button("Hilfe", "h"), Button("Themen", "T")]]
        return answer
