"""Action strings: a whole query packed into at most 64 bytes of ``[A-Za-z0-9_:.,-]``.

Buttons carry an action instead of a server-side session key, so a button still works after a
restart and on another instance: pressing it re-runs the query it describes. The same strings
serve as Telegram ``callback_data`` and, with ``:`` and ``.``/``,`` avoided, as deep-link payloads.

    p:<id>              profile          c:<id>        contact        m:<id>   map
    a:<year>            award year       a:            award overview
    s:<code>:<page>     networks in a state (ISO code; DE = all of Germany)
    d:<ags>:<page>      networks in a district (AGS key)
    o:<postcode>:<page> networks around a place, named by one of its postcodes
    g:<lat>,<lon>:<page>  networks near a point
    t:<topic>:<state|->:<page>  networks by topic, optionally in a state
    h  help    T  topics    Q  sources    D  privacy

Decoding never trusts its input: anything malformed returns ``None`` and the caller says so.
"""

from __future__ import annotations

import re

from .models import Query, Region

MAX_BYTES = 64
_ID = r"[a-z0-9][a-z0-9-]{0,59}"
_PAGE = r"(?::(\d{1,4}))?"
PATTERNS = {
    "p": re.compile(rf"^p:({_ID})$"),
    "c": re.compile(rf"^c:({_ID})$"),
    "m": re.compile(rf"^m:({_ID})$"),
    "a": re.compile(r"^a:(\d{4})?$"),
    "s": re.compile(rf"^s:([A-Z]{{2}}){_PAGE}$"),
    "d": re.compile(rf"^d:(\d{{5}}){_PAGE}$"),
    "o": re.compile(rf"^o:(\d{{5}}){_PAGE}$"),
    "g": re.compile(rf"^g:(-?\d{{1,2}}\.\d{{1,4}}),(-?\d{{1,3}}\.\d{{1,4}}){_PAGE}$"),
    "t": re.compile(rf"^t:([a-z-]{{2,8}}):([A-Z]{{2}}|-){_PAGE}$"),
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


def _paged(base: str, page: int) -> str:
    return base if page == 0 else f"{base}:{page}"


def for_query(query: Query, page: int) -> str | None:
    """The action that re-runs ``query`` at ``page`` (None when the query cannot be packed)."""
    region = query.region
    if query.intent == "topic" and query.topic:
        state = region.code if region and region.kind == "state" else "-"
        return _paged(f"t:{query.topic}:{state}", page)
    if region is None:
        return None
    if region.kind in ("state", "country") and region.code:
        return _paged(f"s:{region.code}", page)
    if region.kind == "district" and region.code:
        return _paged(f"d:{region.code}", page)
    if region.kind in ("town", "postcode") and region.code:
        return _paged(f"o:{region.code}", page)
    if region.lat is not None and region.lon is not None:
        return _paged(f"g:{region.lat:.4f},{region.lon:.4f}", page)
    return None


def decode(action: str | None) -> Query | None:
    """Turn an action back into a query; ``None`` for anything forged, stale in form or too long."""
    if not action or not isinstance(action, str) or len(action.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    if action in SIMPLE:
        intent, info = SIMPLE[action]
        return Query(intent=intent, info=info)
    pattern = PATTERNS.get(action[0])
    match = pattern.match(action) if pattern else None
    if not match:
        return None
    kind, groups = action[0], match.groups()
    page = int(groups[-1]) if kind in "sdogt" and groups[-1] else 0
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
        return Query(intent="region", region=Region("postcode", groups[0], code=groups[0]), page=page)
    if kind == "g":
        lat, lon = float(groups[0]), float(groups[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        return Query(intent="nearby", region=Region("point", "", lat=lat, lon=lon), page=page)
    if kind == "t":
        state = None if groups[1] == "-" else Region("state", "", code=groups[1])
        return Query(intent="topic", topic=groups[0], region=state, page=page)
    return None
