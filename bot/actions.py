"""Action strings: a whole query packed into at most 64 bytes of ``[A-Za-z0-9_:.,-]``.

Buttons carry an action instead of a server-side session key, so a button still works after a
restart and on another instance: pressing it re-runs the query it describes, including its place,
topic and intent, so "Weiter ▶" never loses the question's context.

    p:<id>              profile          c:<id>        contact        m:<id>   map
    a:<year>            award year       a:            award overview
    s:<code>:<page>     networks in a state (ISO code; DE = all of Germany)
    d:<ags>:<page>      networks in a district (AGS key)
    o:<postcode>:<page> networks for a town, named by one of its postcodes
    z:<postcode>:<page> networks for a postcode area
    g:<lat>,<lon>:<page>  networks near a point
    n:<ref>:<page>      networks near a town (o12345) or postcode area (z12345)
    l:<code>:<page>     networks in a landscape ("sauerland")
    t:<topic>:<ref>:<page>  networks by topic; ref: - | state code | o12345 | z12345 | d12345 | l<code>
    k:<ref>:<page>      contact list for a place (same refs)
    r:<ref>,<ref>:<page>  networks of two or more regions ("Sachsen und Thüringen": r:SN,TH)
    h  help    T  topics    Q  sources    D  privacy    L:de / L:en  choose the chat's language

A list of only the networks that have not ended ends in ``:a`` (``s:BY:a``, ``s:BY:1:a``).
Questions with two parts list their parts with commas wherever one may stand: ``t:ges,s-log:o04109``,
``t:ges:SN,TH:1``, ``k:SN,TH``, ``a:2013,2014``. An action longer than 64 bytes is not made (no button).

The talkback features (``bot/feedback``) answer these themselves; they describe a step, not a query:

    e:<id>  e:+  e:     report an error about a network | a missing network | which one?
    v:<+|->:<intent>:<kind>   a 👍/👎 on an answer (what kind of answer it was, nothing about the user)
    f:<token>           a button of the dialogue in progress: ok, x (cancel), skip, new, or a place ref
    R:  R:<n>:<a|x|q>   admins: the open reports | accept, reject or ask about report n
    y:<n>               the reporter of report n answers the admins' question
    H:-  H:<ref>        home place: clear it | set it to a place (o12345, z12345, d12345, l<code>)
    A:+  A:-            subscription: start | end

Decoding never trusts its input: anything malformed returns ``None`` and the caller says so.
"""

from __future__ import annotations

import re

from .models import Query, Region

MAX_BYTES = 64
_ID = r"[a-z0-9][a-z0-9-]{0,59}"
_PAGE = r"(?::(\d{1,4}))?"
_REF1 = r"(?:[A-Z]{2}|[ozd]\d{5}|l[a-z-]{2,20})"
_REF = rf"(-|{_REF1}(?:,{_REF1}){{0,5}})"  # one region, or several joined by commas
_TOPICS = r"([a-z-]{2,8}(?:,[a-z-]{2,8}){0,3})"
PATTERNS = {
    "p": re.compile(rf"^p:({_ID})$"),
    "c": re.compile(rf"^c:({_ID})$"),
    "m": re.compile(rf"^m:({_ID})$"),
    "a": re.compile(r"^a:(\d{4}(?:,\d{4}){0,3})?$"),
    "s": re.compile(rf"^s:([A-Z]{{2}}){_PAGE}$"),
    "d": re.compile(rf"^d:(\d{{5}}){_PAGE}$"),
    "o": re.compile(rf"^o:(\d{{5}}){_PAGE}$"),
    "z": re.compile(rf"^z:(\d{{5}}){_PAGE}$"),
    "g": re.compile(rf"^g:(-?\d{{1,2}}\.\d{{1,4}}),(-?\d{{1,3}}\.\d{{1,4}}){_PAGE}$"),
    "n": re.compile(rf"^n:([oz]\d{{5}}|l[a-z-]{{2,20}}){_PAGE}$"),
    "l": re.compile(rf"^l:([a-z-]{{2,20}}){_PAGE}$"),
    "t": re.compile(rf"^t:{_TOPICS}:{_REF}{_PAGE}$"),
    "k": re.compile(rf"^k:{_REF}{_PAGE}$"),
    "r": re.compile(rf"^r:({_REF1}(?:,{_REF1}){{1,5}}){_PAGE}$"),
}
_PLACE_REF = r"[ozd]\d{5}|l[a-z-]{2,20}"
FEEDBACK = {
    "e": re.compile(rf"^e:(?:{_ID}|\+)?$"),
    "v": re.compile(r"^v:[+-]:(region|nearby|award|profile|contact|topic|unknown):(card|list|empty|text)$"),
    "f": re.compile(rf"^f:(?:ok|x|skip|new|{_PLACE_REF}|[A-Z]{{2}})$"),
    "R": re.compile(r"^R:(?:[1-9]\d{0,8}:[axq])?$"),
    "y": re.compile(r"^y:[1-9]\d{0,8}$"),
    "H": re.compile(rf"^H:(?:-|{_PLACE_REF})$"),
    "A": re.compile(r"^A:[+-]$"),
}
SIMPLE = {"h": ("help", None), "T": ("info", "themen"), "Q": ("info", "quellen"), "D": ("info", "datenschutz")}
MAX_PAGE = 9999


def profile(network_id: str) -> str:
    return f"p:{network_id}"


def contact(network_id: str) -> str:
    return f"c:{network_id}"


def map_of(network_id: str) -> str:
    return f"m:{network_id}"


def award(year: int | None, *more: int) -> str:
    return f"a:{','.join(str(y) for y in (year, *more)) if year else ''}"


# -- talkback (bot/feedback) ---------------------------------------------------------------------------
def report(network_id: str | None) -> str:
    """Report about a network (``None``: ask which one; ``"+"``: a network that is missing)."""
    return f"e:{network_id or ''}"


def rating(up: bool, intent: str, kind: str) -> str:
    return f"v:{'+' if up else '-'}:{intent}:{kind}"


def flow(token: str) -> str:
    return f"f:{token}"


def decision(report_id: int, verb: str) -> str:
    return f"R:{report_id}:{verb}"


def reply_to(report_id: int) -> str:
    return f"y:{report_id}"


def home_ref(ref: str) -> str:
    return f"H:{ref}"


def abo(on: bool) -> str:
    return "A:+" if on else "A:-"


def is_feedback(action) -> bool:
    """Is ``action`` a well-formed talkback action (answered by bot.feedback, not by a query)?"""
    if not isinstance(action, str) or len(action) < 2 or action[1] != ":" or len(action.encode("utf-8", "replace")) > MAX_BYTES:
        return False
    pattern = FEEDBACK.get(action[0])
    return bool(pattern and pattern.match(action))


def _paged(base: str, page: int) -> str:
    return base if page == 0 else f"{base}:{page}"


def region_ref(region: Region | None) -> str | None:
    """The compact reference of a place: state code, o/z + postcode, d + district key; None for points."""
    if region is None:
        return "-"
    if region.kind in ("state", "country") and region.code:
        return region.code
    if region.kind == "town" and region.code:
        return f"o{region.code}"
    if region.kind == "postcode" and region.code:
        return f"z{region.code}"
    if region.kind == "district" and region.code:
        return f"d{region.code}"
    if region.kind == "area" and region.code:
        return f"l{region.code}"
    return None


def region_from_ref(ref: str) -> Region | None:
    """The inverse of :func:`region_ref`; only the code is known, answering fills in the rest."""
    if ref == "-":
        return None
    if len(ref) == 2:
        return Region("state", "", code=ref)
    kind = {"o": "town", "z": "postcode", "d": "district", "l": "area"}[ref[0]]
    return Region(kind, "", code=ref[1:])


ACTIVE = ":a"  # suffix: only networks that have not ended ("aktive Netzwerke in Bayern")


def for_query(query: Query, page: int) -> str | None:
    """The action that re-runs ``query`` at ``page`` (None when the query cannot be packed)."""
    action = _for_query(query, page)
    if action is not None and query.active_only and action[0] in "sdozgntklr":
        action += ACTIVE
    return action if action is None or len(action.encode()) <= MAX_BYTES else None


def _refs(query: Query) -> str | None:
    """All regions of ``query`` as refs joined by commas (None if one has no ref, e.g. a point)."""
    refs = [region_ref(r) for r in query.regions] or ["-"]
    return None if None in refs else ",".join(refs)


def _for_query(query: Query, page: int) -> str | None:
    region = query.region
    if query.extra_regions or query.extra_topics:
        refs = _refs(query)
        if refs is None:
            return None
        if query.intent == "topic" and query.topic:
            return _paged(f"t:{','.join(query.topics)}:{refs}", page)
        if query.intent == "contact":
            return _paged(f"k:{refs}", page)
        if query.intent in ("region", "nearby"):
            return _paged(f"r:{refs}", page)
        return None
    ref = region_ref(region)
    if query.intent == "topic" and query.topic:
        return _paged(f"t:{query.topic}:{ref}", page) if ref else None
    if region is None:
        return None
    if region.kind == "point" or (query.intent == "nearby" and ref is None):
        if region.lat is None or region.lon is None:
            return None
        return _paged(f"g:{region.lat:.4f},{region.lon:.4f}", page)
    if query.intent == "nearby" and ref and ref[0] in "ozl":
        return _paged(f"n:{ref}", page)
    if query.intent == "contact" and ref and ref != "-":
        return _paged(f"k:{ref}", page)
    if region.kind in ("state", "country") and region.code:
        return _paged(f"s:{region.code}", page)
    if region.kind == "district" and region.code:
        return _paged(f"d:{region.code}", page)
    if region.kind == "town" and region.code:
        return _paged(f"o:{region.code}", page)
    if region.kind == "postcode" and region.code:
        return _paged(f"z:{region.code}", page)
    if region.kind == "area" and region.code:
        return _paged(f"l:{region.code}", page)
    return None


def decode(action: str | None) -> Query | None:
    """Turn an action back into a query; ``None`` for anything forged, stale in form or too long."""
    if not action or not isinstance(action, str) or len(action.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    if action in SIMPLE:
        intent, info = SIMPLE[action]
        return Query(intent=intent, info=info)
    if action in ("L:de", "L:en"):
        return Query(intent="info", info=f"language:{action[2:]}")
    if is_feedback(action):
        network_id = action[2:] if action[0] == "e" and action[2:] not in ("", "+") else None
        return Query(intent="feedback", info=action, network_id=network_id)
    if action.endswith(ACTIVE) and action[0] in "sdozgntklr":
        query = decode(action[:-len(ACTIVE)])
        if query is not None:
            query.active_only = True
        return query
    pattern = PATTERNS.get(action[0])
    match = pattern.match(action) if pattern else None
    if not match:
        return None
    kind, groups = action[0], match.groups()
    page = int(groups[-1]) if kind in "sdozgntklr" and groups[-1] else 0
    if kind == "p":
        return Query(intent="profile", network_id=groups[0])
    if kind == "c":
        return Query(intent="contact", network_id=groups[0])
    if kind == "m":
        return Query(intent="profile", network_id=groups[0], info="map")
    if kind == "a":
        years = [int(y) for y in groups[0].split(",")] if groups[0] else []
        return Query(intent="award", year=years[0] if years else None, extra_years=years[1:])
    if kind == "s":
        return Query(intent="region", region=Region("state", "", code=groups[0]), page=page)
    if kind == "d":
        return Query(intent="region", region=Region("district", "", code=groups[0]), page=page)
    if kind == "o":
        return Query(intent="region", region=Region("town", "", code=groups[0]), page=page)
    if kind == "z":
        return Query(intent="region", region=Region("postcode", "", code=groups[0]), page=page)
    if kind == "l":
        return Query(intent="region", region=Region("area", "", code=groups[0]), page=page)
    if kind == "g":
        lat, lon = float(groups[0]), float(groups[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        return Query(intent="nearby", region=Region("point", "", lat=lat, lon=lon), page=page)
    if kind == "n":
        return Query(intent="nearby", region=region_from_ref(groups[0]), page=page)
    if kind == "t":
        topics, regions = groups[0].split(","), [region_from_ref(ref) for ref in groups[1].split(",")]
        return Query(intent="topic", topic=topics[0], extra_topics=topics[1:], region=regions[0],
                     extra_regions=[r for r in regions[1:] if r is not None], page=page)
    if kind == "k":
        regions = [region_from_ref(ref) for ref in groups[0].split(",")]
        if regions[0] is None:
            return None
        return Query(intent="contact", region=regions[0], extra_regions=[r for r in regions[1:] if r], page=page)
    if kind == "r":
        regions = [region_from_ref(ref) for ref in groups[0].split(",")]
        return Query(intent="region", region=regions[0], extra_regions=regions[1:], page=page)
    return None
