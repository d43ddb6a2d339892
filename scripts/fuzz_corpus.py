#!/usr/bin/env python3
"""Throw a seeded corpus of hostile messages at the brain and check every Telegram message it renders.

    python scripts/fuzz_corpus.py                       # 100,000 messages, seed 20261127
    python scripts/fuzz_corpus.py --messages 2000 --seed 7 --db /tmp/x.sqlite

The corpus mixes: empty and blank texts, up to 10,000 characters of emoji, HTML/``<script>``,
SQL injection, FTS5 syntax (``"`` ``*`` ``NEAR(`` ``AND`` ``OR`` ``-`` ``^`` ``:``), control
characters and NUL, bidi overrides, combining-character towers, very long numbers, commands with
random arguments, random Unicode (all planes, lone surrogates included), and real place, state,
topic and network words mixed with garbage so the deeper answer paths run too. Besides texts it
presses forged button actions (``brain.act``) and shares random locations (``brain.locate``),
and on every 25th answer it presses each button the answer offers.

Every rendered message is checked by :func:`telegram_problems`: valid Telegram HTML (only the tags
Telegram knows, properly nested, no raw ``<``/``>``/``&``), 1-4096 characters (counted as UTF-16
code units, the stricter way), at most 100 entities, every ``callback_data`` 1-64 bytes and
decodable, buttons that carry a text. The run never touches the network: the brain only reads
SQLite. The exit status is 1 when any message failed a check or any call raised.

The pytest wrapper is ``tests/test_fuzz.py`` (a 2,000-message slice by default, the whole corpus
with ``-m slow``).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot import actions  # noqa: E402
from bot.render import MAX_CALLBACK, MAX_MESSAGE, to_json, to_telegram, to_text  # noqa: E402

DEFAULT_SEED = 20261127
DEFAULT_MESSAGES = 100_000
MAX_ENTITIES = 100  # Telegram keeps at most 100 formatting entities per message

# -- Telegram HTML validator ------------------------------------------------------------------------
# https://core.telegram.org/bots/api#html-style
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                "span", "blockquote"}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"<>]*\")?)*)\s*/?>")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units; an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.entities = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> not allowed")
            return
        if tag == "a":
            if set(attrs) != {"href"} or not attrs.get("href"):
                self.problems.append(f"<a> needs exactly one non-empty href (has {attrs})")
            elif not re.match(r"^(https?|tg)://", attrs["href"]):
                self.problems.append(f"<a href> with an unsupported scheme: {attrs['href']!r}")
            if "a" in self.stack:
                self.problems.append("<a> inside <a>")
        elif tag == "span":
            if attrs != {"class": "tg-spoiler"}:
                self.problems.append(f"<span> only as class=tg-spoiler (has {attrs})")
        elif tag == "code":
            if attrs and not (set(attrs) == {"class"} and (attrs["class"] or "").startswith("language-")
                              and self.stack[-1:] == ["pre"]):
                self.problems.append(f"<code> attributes only as class=language-* inside <pre> (has {attrs})")
        elif tag == "blockquote":
            if set(attrs) - {"expandable"}:
                self.problems.append(f"<blockquote> attributes {attrs}")
        elif attrs:
            self.problems.append(f"<{tag}> takes no attributes (has {attrs})")
        if "pre" in self.stack and tag != "code":
            self.problems.append(f"<{tag}> inside <pre>")
        self.stack.append(tag)
        self.entities += 1

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/> is not Telegram HTML")

    def handle_endtag(self, tag):
        if not self.stack:
            self.problems.append(f"</{tag}> without an opening tag")
        elif self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1]}> (improper nesting)")
        else:
            self.stack.pop()

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"named entity &{name}; is not supported")
        self.text.append("&")

    def handle_charref(self, name):
        self.text.append("?")

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.problems.append("HTML comment")

    def handle_decl(self, decl):
        self.problems.append("declaration")

    def handle_pi(self, data):
        self.problems.append("processing instruction")

    def unknown_decl(self, data):
        self.problems.append("unknown declaration")


def html_problems(html: str) -> list[str]:
    """Why ``html`` is not valid Telegram HTML ([] when it is)."""
    problems = []
    # raw '<', '>' and '&' outside tags and entities: scan the source, because html.parser is lenient
    for match in re.finditer(r"[<>&]", html):
        pos, ch = match.start(), match.group()
        if ch == "&":
            if not _ENTITY.match(html, pos):
                problems.append(f"raw '&' at {pos}: {html[max(0, pos - 20):pos + 20]!r}")
        elif ch == "<":
            tag = _TAG.match(html, pos)
            if not tag:
                problems.append(f"raw '<' at {pos}: {html[max(0, pos - 20):pos + 20]!r}")
        else:  # '>' must close a tag that started at the last '<'
            start = html.rfind("<", 0, pos)
            if start < 0 or not _TAG.match(html, start) or _TAG.match(html, start).end() != pos + 1:
                problems.append(f"raw '>' at {pos}: {html[max(0, pos - 20):pos + 20]!r}")
    parser = _TelegramHTML()
    try:
        parser.feed(html)
        parser.close()
    except Exception as exc:  # html.parser raises on some malformed input
        problems.append(f"html.parser: {exc!r}")
    problems += parser.problems
    if parser.stack:
        problems.append(f"unclosed tags {parser.stack}")
    if parser.entities > MAX_ENTITIES:
        problems.append(f"{parser.entities} entities (Telegram keeps at most {MAX_ENTITIES})")
    visible = "".join(parser.text)
    if not visible.strip():
        problems.append("message text is empty after parsing")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html):
        problems.append("control character in message")
    if re.search(r"[\ud800-\udfff]", html):
        problems.append("lone surrogate in message (not encodable as UTF-8)")
    length = utf16_len(html)
    if length > MAX_MESSAGE:
        problems.append(f"message of {length} UTF-16 units > {MAX_MESSAGE}")
    return problems


def telegram_problems(messages, decodable: bool = True) -> list[str]:
    """Check rendered :class:`TelegramMessage` objects as the Bot API would.

    ``decodable``: also require every ``callback_data`` to be an action the brain can decode (true
    for everything the brain makes; off when checking the renderer with arbitrary buttons).
    """
    problems = []
    if not messages:
        return ["no message at all"]
    for n, message in enumerate(messages):
        where = f"message {n + 1}/{len(messages)}"
        if message.venue is not None:
            v = message.venue
            if not (-90 <= v["latitude"] <= 90 and -180 <= v["longitude"] <= 180):
                problems.append(f"{where}: venue out of range {v}")
            if not (v.get("title") or "").strip() or len(v["title"]) > 256:
                problems.append(f"{where}: venue title empty or too long")
            if "address" in v and (not v["address"].strip() or len(v["address"]) > 256):
                problems.append(f"{where}: venue address blank (sendVenue needs one; omit it for sendLocation)")
            if message.html or message.buttons:
                problems.append(f"{where}: venue message carries text/buttons")
            continue
        problems += [f"{where}: {p}" for p in html_problems(message.html)]
        for row in message.buttons:
            if not row:
                problems.append(f"{where}: empty button row")
            for button in row:
                kinds = [button.action is not None and not button.url and button.switch_inline is None,
                         bool(button.url), button.switch_inline is not None]
                if sum(kinds) != 1:
                    problems.append(f"{where}: button {button.text!r} needs exactly one of callback/url/inline")
                if not button.text.strip():
                    problems.append(f"{where}: button without text")
                if button.url and not re.match(r"^(https?|tg)://\S+$", button.url):
                    problems.append(f"{where}: button url {button.url!r}")
                if kinds[0]:
                    size = len(button.action.encode("utf-8"))
                    if not 1 <= size <= MAX_CALLBACK:
                        problems.append(f"{where}: callback_data of {size} bytes")
                    if decodable and actions.decode(button.action) is None:
                        problems.append(f"{where}: callback_data {button.action!r} does not decode")
    return problems


# -- the corpus -------------------------------------------------------------------------------------
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇩🇪", "🏳️‍🌈", "❤️", "🔥", "🤖", "🧑🏿‍🔧", "⚙️", "🐻", "🍺", "🥨", "✅", "🚀", "🫠",
         "\U0001F9D1\u200D\U0001F4BB", "#️⃣", "©️"]
HTML_BITS = ["<script>alert(1)</script>", "<b>", "</b>", "<i>x</b>", "<a href=\"javascript:alert(1)\">x</a>",
             "&amp;", "&lt;", "&", "&#0;", "&#xD800;", "&nbsp;", "<img src=x onerror=alert(1)>", "<!--", "-->",
             "<![CDATA[", "]]>", "<tg-spoiler>", "<pre><code class=\"language-sql\">", "</code>", "\"'><svg/onload=1>",
             "<br/>", "<<<>>>", "<", ">", "</", "<p", "<b attr=\"", "<?xml version='1.0'?>", "<!DOCTYPE html>"]
SQL_BITS = ["'; DROP TABLE networks; --", "' OR '1'='1", "\" OR \"\"=\"", "1; DELETE FROM imports", "'--", "/*", "*/",
            "UNION SELECT * FROM meta", "'); ATTACH DATABASE '/tmp/x' AS x; --", "pragma writable_schema=1",
            "%", "_", "\\", "' || (select value from meta) || '", "`networks`", "[networks]", "?", "?1", ":name",
            "@p", "$x", ";", "--"]
FTS_BITS = ["\"", "*", "NEAR(", "NEAR(a b, 3)", "AND", "OR", "NOT", "-", "^", ":", "(", ")", "{name profile}:",
            "name:", "profile:x", "\"unterminated", "a*", "*a", "^start", "+", "networks_fts", "rank", "MATCH",
            "\"\"", "''", "NEAR/3", "col:\"x\"*", "AND OR NOT", "(((", ")))"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f", "\x85", "\x9b", "\r", "\r\n",
           "\t", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\u200b", "\u200c", "\u200d", "\u2060"]
BIDI = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
        "\u061c"]
COMBINING = [chr(c) for c in range(0x300, 0x370)] + ["\u20dd", "\u20e3", "\u0489", "\u1ab0", "\ufe0f", "\U000e0100"]
COMMANDS = ["start", "hilfe", "help", "award", "awards", "preis", "netzwerk", "network", "profil", "region", "kontakt",
            "contact", "naehe", "nähe", "nahe", "near", "themen", "topics", "thema", "quellen", "datenschutz",
            "privacy", "reload", "stats", "admin", "unknown", "x", "_", "A", "Ä", "start@netzwerkbot", "award@x_bot"]
WORDS_DE = ["Welche", "Netzwerke", "gibt", "es", "in", "der", "Nähe", "von", "bei", "Kontakt", "Preisträger",
            "ausgezeichnet", "wie", "viele", "Pflege", "Fachkräfte", "Allianz", "Landkreis", "Kreis", "Stadt", "PLZ",
            "innovatives", "Netzwerk", "Thema", "Branche", "Handwerk", "Bündnis", "?", "!", "…", "und", "oder",
            "bitte", "danke", "hallo", "Telefon", "Adresse", "Website", "2013", "'14", "2024", "2015", "1999"]


@dataclass
class Vocab:
    """Real words from the data so fuzzed messages reach the deep answer paths."""

    states: list[str] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    network_ids: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)

    @classmethod
    def from_brain(cls, brain) -> "Vocab":
        index = brain.store.name_index()
        places = brain.store.conn.execute("select name from places order by id").fetchall()
        postcodes = brain.store.conn.execute("select distinct postcode from postcodes order by 1").fetchall()
        return cls(
            states=[a for s in brain.catalog.states for a in s.aliases],
            towns=[p[0] for p in places],
            networks=[name for _id, name, aliases, _s in index for name in [name, *aliases]],
            network_ids=[i for i, *_ in index],
            topics=[w for t in brain.catalog.topics for w in (t.name, *t.words)],
            postcodes=[p[0] for p in postcodes],
        )


def _random_unicode(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            out.append(chr(rng.randint(0x20, 0x2FFF)))
        elif r < 0.8:
            out.append(chr(rng.randint(0x3000, 0xFFFF)))
        elif r < 0.97:
            out.append(chr(rng.randint(0x10000, 0x10FFFF)))
        else:
            out.append(chr(rng.randint(0xD800, 0xDFFF)))  # lone surrogate: Python strings can hold them
    return "".join(out)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(len(word))
    op = rng.random()
    if op < 0.33:
        return word[:i] + word[i + 1:]
    if op < 0.66:
        return word[:i] + rng.choice("aeiounrstlmäöüß") + word[i:]
    return word[:i] + word[i:].swapcase()


def _real(rng: random.Random, vocab: Vocab) -> str:
    pick = rng.random()
    if pick < 0.2:
        return rng.choice(vocab.states)
    if pick < 0.45:
        return rng.choice(vocab.towns)
    if pick < 0.7:
        return rng.choice(vocab.networks)
    if pick < 0.85:
        return rng.choice(vocab.topics)
    return rng.choice(vocab.postcodes)


def _mix(rng: random.Random, vocab: Vocab, parts: int) -> str:
    pools = [WORDS_DE, HTML_BITS, SQL_BITS, FTS_BITS, CONTROL, BIDI, EMOJI]
    out = []
    for _ in range(parts):
        r = rng.random()
        if r < 0.45:
            word = _real(rng, vocab)
            out.append(_typo(rng, word) if rng.random() < 0.3 else word)
        elif r < 0.9:
            out.append(rng.choice(rng.choice(pools)))
        else:
            out.append(_random_unicode(rng, rng.randint(1, 8)))
    sep = rng.choice([" ", " ", " ", "", "\n", "  ", ",", "-", "\u00a0"])
    return sep.join(out)


def make_text(rng: random.Random, vocab: Vocab) -> tuple[str, str]:
    """One hostile text message and its category."""
    kind = rng.choices(
        ["empty", "emoji", "html", "sql", "fts", "control", "bidi", "combining", "number", "command", "unicode",
         "real", "long", "deeplink"],
        weights=[3, 5, 8, 8, 10, 6, 5, 5, 6, 12, 8, 16, 4, 4])[0]
    if kind == "empty":
        return kind, rng.choice(["", " ", "\n", "\t\t", "\u200b", "\x00", " \u202e ", "\ufeff", "\u3000", "\u00a0" * 3])
    if kind == "emoji":
        n = rng.choice([1, 2, 10, 300, 301, 4096, 10_000])
        return kind, "".join(rng.choice(EMOJI) for _ in range(n))[:10_000]
    if kind == "html":
        return kind, "".join(rng.choice(HTML_BITS + WORDS_DE) for _ in range(rng.randint(1, 12)))
    if kind == "sql":
        return kind, _real(rng, vocab) + rng.choice(SQL_BITS) + " ".join(rng.choice(SQL_BITS) for _ in range(rng.randint(0, 5)))
    if kind == "fts":
        words = [rng.choice(FTS_BITS) if rng.random() < 0.6 else _real(rng, vocab) for _ in range(rng.randint(1, 10))]
        return kind, rng.choice([" ", "", "\""]).join(words)
    if kind == "control":
        base = _real(rng, vocab)
        for _ in range(rng.randint(1, 10)):
            i = rng.randint(0, len(base))
            base = base[:i] + rng.choice(CONTROL) + base[i:]
        return kind, base
    if kind == "bidi":
        return kind, rng.choice(BIDI) + _real(rng, vocab) + rng.choice(BIDI) + rng.choice(WORDS_DE) + rng.choice(BIDI)
    if kind == "combining":
        base = _real(rng, vocab)
        tower = "".join(rng.choice(COMBINING) for _ in range(rng.choice([1, 5, 50, 500, 4000])))
        i = rng.randint(0, len(base))
        return kind, base[:i] + tower + base[i:]
    if kind == "number":
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([1, 4, 5, 6, 20, 400, 4301, 9000])))
        return kind, rng.choice(["", "-", "+", "0x", "PLZ ", "Nähe ", "/award ", "Preis ", "1e", "'", "/region "]) + digits \
            + rng.choice(["", ".5", "e309", " 2013", " Sachsen", "€", "%"])
    if kind == "command":
        name = rng.choice(COMMANDS)
        arg = "" if rng.random() < 0.25 else _mix(rng, vocab, rng.randint(1, 5))
        return kind, f"/{name} {arg}" if arg else f"/{name}"
    if kind == "unicode":
        return kind, _random_unicode(rng, rng.choice([1, 3, 20, 300, 2000]))
    if kind == "long":
        text = _mix(rng, vocab, rng.randint(40, 600))
        return kind, text[:rng.choice([301, 4096, 10_000, 50_000])]
    if kind == "deeplink":
        payload = rng.choice(["net_" + rng.choice(vocab.network_ids), "net_", "net_does-not-exist",
                              "net_' OR 1=1 --", "net_" + "a" * 80, _random_unicode(rng, 5), "net_" + "ä" * 20])
        return kind, f"/start {payload}"
    return kind, _mix(rng, vocab, rng.randint(1, 8))


def make_action(rng: random.Random, vocab: Vocab) -> str:
    """A forged, stale or tampered ``callback_data``."""
    r = rng.random()
    if r < 0.15:
        return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 70)))
    if r < 0.25:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 80))).decode("latin-1")
    prefix = rng.choice(list("pcmasdogtThQDxP") + ["", ":", "p:", "s:", "g:", "t:"])
    body = rng.choice([
        rng.choice(vocab.network_ids), "does-not-exist", "SN", "XX", "sn", "99999", "00000", "-1",
        rng.choice(vocab.postcodes), f"{rng.uniform(-100, 100):.4f},{rng.uniform(-200, 200):.4f}",
        f"{rng.choice(['pflege', 'ausb', 'nope', 's-pfl', 'PFLEGE', 'a'])}:{rng.choice(['SN', '-', 'XX', ''])}",
        "2013", "2015", "1999", "9999", "", "'; DROP TABLE networks; --", "\"*NEAR(", "a" * 70,
    ])
    page = rng.choice(["", ":0", ":1", ":5", ":9999", ":-1", ":99999", ":abc", ":", "::1"])
    return f"{prefix}:{body}{page}" if rng.random() < 0.5 else f"{prefix}{body}{page}"


def make_location(rng: random.Random) -> tuple[float, float]:
    special = [float("nan"), float("inf"), float("-inf"), 90.0, -90.0, 180.0, -180.0, 90.0000001, 1e308, -0.0, 0.0]
    if rng.random() < 0.3:
        return rng.choice(special), rng.choice(special)
    if rng.random() < 0.5:  # Germany
        return rng.uniform(47.2, 55.1), rng.uniform(5.8, 15.1)
    return rng.uniform(-95, 95), rng.uniform(-185, 185)


# -- running ----------------------------------------------------------------------------------------
@dataclass
class FuzzReport:
    messages: int = 0
    actions: int = 0
    locations: int = 0
    button_presses: int = 0
    rendered: int = 0  # Telegram messages produced
    seconds: float = 0.0
    max_html_len: int = 0
    max_utf16_len: int = 0
    max_input_len: int = 0
    slowest_ms: float = 0.0
    slowest_input: str = ""
    categories: Counter = field(default_factory=Counter)
    intents: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.messages} messages, {self.actions} forged actions, {self.locations} locations, "
                f"{self.button_presses} button presses -> {self.rendered} Telegram messages in {self.seconds:.1f} s; "
                f"longest message {self.max_html_len} chars ({self.max_utf16_len} UTF-16 units); longest input "
                f"{self.max_input_len} chars; slowest answer {self.slowest_ms:.1f} ms; failures {len(self.failures)}")


def check_answer(answer, label: str, report: FuzzReport, press_buttons: bool = False, brain=None) -> None:
    messages = to_telegram(answer)
    report.rendered += len(messages)
    for m in messages:
        report.max_html_len = max(report.max_html_len, len(m.html))
        report.max_utf16_len = max(report.max_utf16_len, utf16_len(m.html))
    problems = telegram_problems(messages)
    to_text(answer)
    to_json(answer)
    report.intents[answer.intent] += 1
    if problems:
        report.failures.append(f"{label}: {problems[:3]}")
    if press_buttons and brain is not None:
        for row in answer.buttons:
            for button in row:
                if button.action:
                    report.button_presses += 1
                    follow = brain.act(button.action)
                    if follow.intent == "unknown" and "nicht (mehr) verfügbar" in to_text(follow):
                        report.failures.append(f"{label}: own button {button.action!r} answers 'not available'")
                    check_answer(follow, f"{label} -> {button.action!r}", report)


def run(brain, messages: int = DEFAULT_MESSAGES, seed: int = DEFAULT_SEED, actions_per: float = 0.2,
        locations_per: float = 0.05, press_every: int = 25, progress: bool = False) -> FuzzReport:
    """Fuzz ``brain`` with ``messages`` texts (plus forged actions and locations); never raises."""
    rng = random.Random(seed)
    vocab = Vocab.from_brain(brain)
    report = FuzzReport()
    started = time.perf_counter()
    n_actions = int(messages * actions_per)
    n_locations = int(messages * locations_per)
    plan = ["text"] * messages + ["action"] * n_actions + ["location"] * n_locations
    rng.shuffle(plan)
    for step, kind in enumerate(plan):
        t0 = time.perf_counter()
        label = ""
        try:
            if kind == "text":
                category, text = make_text(rng, vocab)
                report.messages += 1
                report.categories[category] += 1
                report.max_input_len = max(report.max_input_len, len(text))
                label = f"ask[{category}] {text[:80]!r}"
                answer = brain.ask(text)
                check_answer(answer, label, report, press_buttons=step % press_every == 0, brain=brain)
            elif kind == "action":
                action = make_action(rng, vocab)
                report.actions += 1
                label = f"act {action[:80]!r}"
                check_answer(brain.act(action), label, report)
            else:
                lat, lon = make_location(rng)
                report.locations += 1
                label = f"locate {lat!r}, {lon!r}"
                check_answer(brain.locate(lat, lon), label, report)
        except Exception:
            report.failures.append(f"{label}: raised\n{traceback.format_exc()}")
        elapsed = (time.perf_counter() - t0) * 1000
        if elapsed > report.slowest_ms:
            report.slowest_ms, report.slowest_input = elapsed, label[:120]
        if progress and step and step % 10_000 == 0:
            print(f"  … {step}/{len(plan)} ({time.perf_counter() - started:.0f} s, {len(report.failures)} failures)",
                  file=sys.stderr, flush=True)
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=DEFAULT_MESSAGES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--db", type=Path, help="database to use (default: built into a temporary directory)")
    args = parser.parse_args(argv)

    from bot.brain import Brain
    from bot.settings import default_data_dir

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "fuzz.sqlite"
        brain = Brain(db, default_data_dir())
        report = run(brain, args.messages, args.seed, progress=True)
        brain.store.close()
    print(report.summary())
    print("categories:", dict(sorted(report.categories.items())))
    print("intents:", dict(sorted(report.intents.items())))
    print(f"slowest: {report.slowest_input}")
    for failure in report.failures[:20]:
        print("FAIL", failure)
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
