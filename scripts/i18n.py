#!/usr/bin/env python3
"""Keep the message catalogues (``bot/locale/{de,en}/LC_MESSAGES/messages.po``) in step with the code.

The German texts in the code are the message ids (``_("…")``, ``ngettext("…", "…", n)``, ``N_("…")``).
``update`` extracts them with Babel, adds new ones to both catalogues (empty: German needs no translation,
English waits for one), drops the ones no longer used and keeps every translation; ``check`` lists what is
missing or unused and exits 1 (``tests/test_i18n.py`` runs it).

    .venv/bin/python scripts/i18n.py update
    .venv/bin/python scripts/i18n.py check
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LOCALE = ROOT / "bot" / "locale"
LANGUAGES = ("de", "en")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def extract() -> dict[object, list[str]]:
    """Message id (a string, or a (singular, plural) pair) -> where it is used."""
    found: dict[object, list[str]] = {}
    for directory in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
                ROOT / directory, method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True):
            key = tuple(message) if isinstance(message, (list, tuple)) else message
            if isinstance(key, tuple) and len(key) == 1:
                key = key[0]
            found.setdefault(key, []).append(f"{directory}/{filename}:{lineno}")
    return found


def path_of(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    path = path_of(lang)
    if not path.exists():
        return Catalog(locale=lang, project="netzwerkbot", header_comment=f"# netzwerkbot messages ({lang})")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def key_of(message) -> object:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id


def problems(lang: str, used: dict[object, list[str]]) -> list[str]:
    catalog = load(lang)
    have = {key_of(m): m for m in catalog if m.id}
    out = [f"{lang}: missing {key!r} ({', '.join(used[key][:2])})" for key in used if key not in have]
    out += [f"{lang}: unused {key!r}" for key in have if key not in used]
    if lang != "de":
        for key, message in have.items():
            if key in used and (not message.string or isinstance(message.string, tuple) and not all(message.string)):
                out.append(f"{lang}: not translated {key!r}")
    return out


def update(used: dict[object, list[str]]) -> None:
    for lang in LANGUAGES:
        old = load(lang)
        new = Catalog(locale=lang, project="netzwerkbot", header_comment=f"# netzwerkbot messages ({lang})",
                      fuzzy=False)
        new.plural_forms  # noqa: B018 - Babel derives it from the locale
        for key, places in sorted(used.items(), key=lambda kv: kv[1][0]):
            previous = old.get(key if not isinstance(key, tuple) else key[0])
            string = previous.string if previous is not None and key_of(previous) == key else ("" if not isinstance(
                key, tuple) else ("", ""))
            new.add(key, string, locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places[:3]])
        path = path_of(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, new, width=116, sort_output=False, include_lineno=False)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    used = extract()
    if command == "update":
        update(used)
    found = [p for lang in LANGUAGES for p in problems(lang, used)]
    for problem in found:
        print(problem)
    print(f"{len(used)} messages; {len(found)} problem(s)")
    return 1 if found and command == "check" else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
