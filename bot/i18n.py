"""Languages: every text the bot shows users goes through one message catalogue, German and English.

Why gettext catalogues (via Babel) and not Fluent: the source strings are the German texts themselves, so
the German answers read exactly as before and the code stays readable; Babel extracts them from the code
(``scripts/i18n.py``), keeps ``.po`` files a translator can work with, handles plural forms ("1 Netzwerk" /
"2 Netzwerke", "1 network" / "2 networks") through each catalogue's ``Plural-Forms`` header, and formats
numbers and dates per language (``format_decimal``, ``format_date``). Fluent's selectors would add grammar
German and English do not need here, and ``fluent.runtime`` has had no release since 2023.

The language of the answer being made is a context variable (``use``), set by the brain for one answer at
a time, so the answering code calls ``_("…")`` without passing a language through every function, and two
threads answering in different languages do not meet. The ``.po`` files are read once and turned into
gettext translations in memory (no compiled ``.mo`` files in the repository).
"""

from __future__ import annotations

import contextlib
import gettext
import io
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("de", "en")
DEFAULT = "de"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[str] = ContextVar("netzwerkbot_language", default=DEFAULT)


def normalise(lang: str | None) -> str | None:
    """"en-GB", "en_US", "EN" -> "en"; "de-AT" -> "de"; anything else -> None."""
    if not lang:
        return None
    base = lang.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def from_client(language_code: str | None) -> str:
    """Telegram's ``language_code``: English for every English client, German for everybody else."""
    return "en" if normalise(language_code) == "en" else DEFAULT


@contextlib.contextmanager
def use(lang: str | None):
    """Make ``lang`` the language of the texts made inside the block (this thread / task only)."""
    token = _current.set(normalise(lang) or DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> str:
    return _current.get()


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (German: the source texts themselves, translated to nothing)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """``message`` (German) in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (``{n}`` is not filled in)."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined; ``_()`` translates it where it is shown."""
    return message


def number(value: float, digits: int = 0) -> str:
    """1.5 -> "1,5" (German) / "1.5" (English)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_current.get())


def day(iso: str | None) -> str | None:
    """"2014-05-22" -> "22.05.2014" (German) / "22 May 2014" (English); other strings as they are."""
    if not iso or len(iso) < 10:
        return iso
    try:
        when = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    if _current.get() == "en":
        return format_date(when, format="d MMMM y", locale="en")
    return format_date(when, format="dd.MM.y", locale="de")
