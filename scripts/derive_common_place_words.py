#!/usr/bin/env python3
"""Derive ``data/common_place_words.txt``: frequent German words that are also the name of a place.

"Welche Netzwerke kommen aus Bayern?", "Weil wir Azubis brauchen …", "Netzwerke, die in Niedersachsen
laufen": Kommen, Weil and Laufen are villages in the gazetteer, and were read as the place asked for.
Understanding treats a word of this list as a place only with evidence (``bot/understanding/places.py``).

The list is made once from two sources and committed, so the bot needs neither at run time:
word frequencies from ``wordfreq`` (https://github.com/rspeer/wordfreq; its data is CC BY-SA 4.0,
attributed in data/README.md) and the place names of the gazetteer (GeoNames). A word qualifies when it
is frequent in German (Zipf frequency >= 4.0, about 10 in a million words) and names only small places
(at most two postcodes); a few frequent words that also name bigger towns are added by hand (ORDINARY).

    .venv/bin/pip install 'wordfreq>=3.1,<4'   # only for this script
    .venv/bin/python scripts/derive_common_place_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MIN_ZIPF = 4.0
MAX_POSTCODES = 2
# frequent words that are first of all words, although a bigger town has the name too
ORDINARY = {"essen", "halle", "hof", "bad", "rot", "langen", "wetter", "singen", "siegen", "senden", "bergen",
            "weiden", "horn", "wall", "hausen", "laufen", "flughafen", "altstadt", "neuland", "gitter", "rohr"}
OUT = ROOT / "data" / "common_place_words.txt"


def main() -> int:
    from wordfreq import top_n_list, zipf_frequency

    from bot.catalog import Catalog
    from bot.gazetteer import Gazetteer
    from bot.settings import load_settings
    from bot.store import Store
    from bot.textnorm import fold

    settings = load_settings()
    catalog = Catalog.load(settings.data_dir)
    store = Store.open(settings.db_path, settings.data_dir, catalog)
    gazetteer = Gazetteer(store, catalog)
    states = {fold(alias) for state in catalog.states for alias in state.aliases}
    found: dict[str, float] = {}
    for word in top_n_list("de", 50000):
        key = fold(word)
        zipf = zipf_frequency(word, "de")
        if zipf < MIN_ZIPF or " " in key or len(key) < 3 or key in states or key in found:
            continue
        places = gazetteer.places(key)
        if not places:
            continue
        if max(p.size for p in places) <= MAX_POSTCODES or key in ORDINARY:
            found[key] = zipf
    lines = ["# Frequent German words that are also place names (scripts/derive_common_place_words.py).",
             "# Word frequencies: wordfreq (CC BY-SA 4.0); place names: GeoNames (CC BY 4.0). One folded word",
             "# per line, most frequent first. Understanding reads these as a place only with evidence."]
    lines += sorted(found, key=lambda k: -found[k])
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(found)} words -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
