"""Text folding shared by the store (at build time) and understanding (at question time).

Both sides must fold text in exactly the same way, or an index built from "Thüringen" would never
meet a user who types "thueringen". Folding casefolds, writes umlauts and ß as ae/oe/ue/ss (the way
Germans type without a German keyboard), drops other accents, and turns punctuation into spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


# Unicode normalisation is quadratic in the length of a run of combining marks (CPython reorders
# them by insertion), so 1,000,000 combining characters would take most of an hour. Nothing longer
# than a Telegram message (4096 characters) needs reading; longer input is cut before normalising.
MAX_INPUT = 4096


def clean(text: str) -> str:
    """Remove control characters and bidi overrides, normalise Unicode (NFC) and whitespace.

    Input beyond :data:`MAX_INPUT` characters is dropped first (callers that cut shorter still
    see that the text was long).
    """
    text = unicodedata.normalize("NFC", (text or "")[:MAX_INPUT])
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.split(text)).strip()


# Names, towns, districts and question words repeat a lot (at build/import time and per question), and
# folding is a pure function of the string: short strings are memoised. Long texts (whole messages,
# profiles) are folded afresh, so the cache stays small (at most FOLD_CACHE strings of FOLD_CACHE_LEN).
FOLD_CACHE, FOLD_CACHE_LEN = 65536, 120
_fold_cached = lru_cache(maxsize=FOLD_CACHE)(_fold)


def fold(text: str) -> str:
    """Fold ``text`` for matching: ``"Groß-Beeren Straße!"`` -> ``"gross beeren strasse"``."""
    if not text:
        return ""
    return _fold_cached(text) if len(text) <= FOLD_CACHE_LEN else _fold(text)


_NON_WORD_ANY_CASE = re.compile(r"[^0-9A-Za-z]+")


def case_marks(text: str) -> list[bool]:
    """For each token of ``fold(text)``, whether it was written with a capital letter ("Weil wir" ->
    [True, False]). Tokens are cut exactly as ``fold`` cuts them, so the lists line up."""
    text = unicodedata.normalize("NFC", text or "").translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return [word[0].isupper() for word in _NON_WORD_ANY_CASE.split(text) if word]


def fold_compact(text: str) -> str:
    """Fold and drop all spaces, so "Sachsen Anhalt", "Sachsen-Anhalt" and "SachsenAnhalt" are equal."""
    return fold(text).replace(" ", "")


def tokens(text: str) -> list[str]:
    return fold(text).split()


_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_len: int = 60) -> str:
    """Make a stable id in the form the research data uses (lowercase ASCII, ae/oe/ue/ss, hyphens)."""
    slug = _SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_len].rstrip("-")
