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
    h  help    T  topics    Q  sources    D  privacy

The talkback features (``bot/feedback``) answer these themselves; they describe a step, not a query:

    r:<id>  r:+  r:     report about a network | about a missing one | which one?
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
_REF = r"(-|[A-Z]{2}|[ozd]\d{5}|l[a-z-]{2,20})"
PATTERNS = {
    "p": re.compile(rf"^p:({_ID})$"),
    "c": re.compile(rf"^c:({_ID})$"),
    "m": re.compile(rf"^m:({_ID})$"),
    "a": re.compile(r"^a:(\d{4})?$"),
    "s": re.compile(rf"^s:([A-Z]{{2}}){_PAGE}$"),
    "d": re.compile(rf"^d:(\d{{5}}){_PAGE}$"),
    "o": re.compile(rf"^o:(\d{{5}}){_PAGE}$"),
    "z": re.compile(rf"^z:(\d{{5}}){_PAGE}$"),
    "g": re.compile(rf"^g:(-?\d{{1,2}}\.\d{{1,4}}),(-?\d{{1,3}}\.\d{{1,4}}){_PAGE}$"),
    "n": re.compile(rf"^n:([oz]\d{{5}}|l[a-z-]{{2,20}}){_PAGE}$"),
    "l": re.compile(rf"^l:([a-z-]{{2,20}}){_PAGE}$"),
    "t": re.compile(rf"^t:([a-z-]{{2,8}}):{_REF}{_PAGE}$"),
    "k": re.compile(rf"^k:{_REF}{_PAGE}$"),
}
_PLACE_REF = r"[ozd]\d{5}|l[a-z-]{2,20}"
FEEDBACK = {
    "r": re.compile(rf"^r:(?:{_ID}|\+)?$"),
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


def award(year: int | None) -> str:
    return f"a:{year or ''}"


# -- talkback (bot/feedback) ---------------------------------------------------------------------------
def report(network_id: str | None) -> str:
    """Report about a network (``None``: ask which one; ``"+"``: a network that is missing)."""
    return f"r:{network_id or ''}"


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


def for_query(query: Query, page: int) -> str | None:
    """The action that re-runs ``query`` at ``page`` (None when the query cannot be packed)."""
    region = query.region
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
    if is_feedback(action):
        network_id = action[2:] if action[0] == "r" and action[2:] not in ("", "+") else None
        return Query(intent="feedback", info=action, network_id=network_id)
    pattern = PATTERNS.get(action[0])
    match = pattern.match(action) if pattern else None
    if not match:
        return None
    kind, groups = action[0], match.groups()
    page = int(groups[-1]) if kind in "sdozgntkl" and groups[-1] else 0
    if kind == "p":
        return Query(intent="profile", network_id=groups[0])
    if kind == "c":
        return Query(intent="contact", network_id=groups[0])
    if kind == "m":
        return Query(intent="profile", network_id=groups[0], info="map")
    if kind == "a":
        return Query(intent="award", year=int(groups[0]) if groups[0] else None)
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
        return Query(intent="topic", topic=groups[0], region=region_from_ref(groups[1]), page=page)
    if kind == "k":
        region = region_from_ref(groups[0])
        return Query(intent="contact", region=region, page=page) if region else None
    return None
