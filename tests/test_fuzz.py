"""Bad input through the brain and the Telegram renderer: nothing raises, every message is sendable.

* a seeded corpus (``scripts/fuzz_corpus.py``): a 2,000-message slice here, 100,000 with ``-m slow``;
* hypothesis properties over arbitrary text, forged actions, locations, FTS search words and
  arbitrary answer documents (the renderer alone);
* every button the brain offers works (a crawl from /start and the menus never meets "not available");
* the validator itself rejects what Telegram rejects, so a green run means something.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import time
from collections import deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import actions
from bot.models import Answer, Button, Span, Venue
from bot.render import MAX_CALLBACK, MAX_MESSAGE, to_json, to_telegram, to_text
from bot.settings import PROJECT_ROOT


def _load_fuzz_corpus():
    spec = importlib.util.spec_from_file_location("fuzz_corpus", PROJECT_ROOT / "scripts" / "fuzz_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_corpus"] = module
    spec.loader.exec_module(module)
    return module


fc = _load_fuzz_corpus()
SLICE = 2_000
HYPOTHESIS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sendable(answer: Answer, label: str = "") -> None:
    messages = to_telegram(answer)
    problems = fc.telegram_problems(messages)
    assert not problems, f"{label}: {problems}"
    for m in messages:
        assert fc.utf16_len(m.html) <= MAX_MESSAGE
        for row in m.buttons:
            for b in row:
                if b.action:
                    assert len(b.action.encode()) <= MAX_CALLBACK
    to_text(answer)
    to_json(answer)


# -- the validator is not vacuous ---------------------------------------------------------------------
@pytest.mark.parametrize("html", [
    "a < b", "a & b", "x > y", "<b><i>x</b></i>", "<script>alert(1)</script>", "<a>y</a>", "&nbsp;", "",
    "<b></b>", "<span>s</span>", "<br/>", "<b>x", "x</b>", "\x00x", "😀" * 2049, "<b x=\"1\">y</b>",
    "<!-- c -->x", "<a href=\"javascript:alert(1)\">y</a>", "<p>x</p>", "<b>" * 101 + "x" + "</b>" * 101,
])
def test_validator_rejects_what_telegram_rejects(html):
    assert fc.html_problems(html)


@pytest.mark.parametrize("html", [
    "<b>x</b>", "a &lt; b &amp; c &gt; d &quot;", "&#39;&#x27;", "<a href=\"https://x.de/?a=1&amp;b=2\">y</a>",
    "<span class=\"tg-spoiler\">s</span>", "<tg-spoiler>s</tg-spoiler>", "<pre><code class=\"language-py\">x</code></pre>",
    "<blockquote>q</blockquote>", "<b>fett <i>kursiv <u>unter</u></i></b>", "😀" * 2048,
])
def test_validator_accepts_valid_telegram_html(html):
    assert fc.html_problems(html) == []


# -- the seeded corpus --------------------------------------------------------------------------------
def _run_corpus(brain, messages: int, seed: int):
    report = fc.run(brain, messages=messages, seed=seed)
    print(f"\nfuzz corpus seed {seed}: {report.summary()}")
    print("categories:", dict(sorted(report.categories.items())))
    assert report.messages == messages
    assert not report.failures, "\n".join(report.failures[:10])
    assert report.max_utf16_len <= MAX_MESSAGE
    return report


def test_fuzz_corpus_slice(brain):
    report = _run_corpus(brain, SLICE, seed=fc.DEFAULT_SEED)
    assert set(report.categories) >= {"empty", "emoji", "html", "sql", "fts", "control", "bidi", "combining",
                                      "number", "command", "unicode", "real", "long", "deeplink"}
    assert report.actions > 0 and report.locations > 0 and report.button_presses > 0


@pytest.mark.slow
def test_fuzz_corpus_full(brain):
    report = _run_corpus(brain, fc.DEFAULT_MESSAGES, seed=fc.DEFAULT_SEED)
    assert report.messages >= 100_000


# -- the named nasties, one by one ---------------------------------------------------------------------
NASTY = [
    "", " ", "\x00", "\x00" * 5000, "😀" * 10_000, "👨‍👩‍👧‍👦" * 2000, "<script>alert(1)</script>",
    "'; DROP TABLE networks; --", "\" OR 1=1 --", "\"", "*", "NEAR(", "NEAR(a b", "AND", "OR", "NOT", "-", "^", ":",
    "\"Sachsen\" AND \"Jena\"*", "name:Jena", "{name}: x", "Sachsen OR 1", "-Sachsen", "^Jena", "\u202eneshcaS\u202c",
    "\u2066Jena\u2069", "a" + "\u0301" * 4000, "Z\u0351\u0368\u0300a\u0352l\u0357g\u036eo", "9" * 5000,
    "37073" * 1000, "-1e309", "/award 99999999999999999999999999", "/start net_' OR 1=1 --", "/region \x00",
    "/kontakt <b>", "/naehe 91.0,181.0", "/award 2015", "/award 1999", "/netzwerk", "/foo@bar baz",
    "\ud800", "a\udfffb", "\U0010ffff" * 100, "\ufeff/start", "Sachsen" + "\u200b" * 300, "&amp;&lt;<&>",
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_named_nasty_inputs(brain, text):
    started = time.perf_counter()
    answer = brain.ask(text)
    assert time.perf_counter() - started < 2.0
    assert_sendable(answer, repr(text[:40]))


def test_huge_combining_tower_is_not_quadratic(brain):
    """NFC over 1,000,000 combining marks takes most of an hour in CPython; the input is cut first."""
    started = time.perf_counter()
    answer = brain.ask("a" + "\u0301\u0316\u0327" * 333_333)
    assert time.perf_counter() - started < 2.0
    assert_sendable(answer)


# -- hypothesis properties ------------------------------------------------------------------------------
vocabulary_words = st.sampled_from(
    ["Sachsen", "Sachsen-Anhalt", "Jena", "Leipzig", "37073", "Pflege", "Kontakt", "Preisträger", "2013", "Nähe",
     "Landkreis", "Allianz", "Fachkräfte", "Bayern", "BE", "NRW", "/award", "/region", "/kontakt", "/start",
     "/netzwerk", "/naehe", "/themen", "in", "der", "bei", "wie viele", "Ems-Achse"])
nasty_bits = st.sampled_from(fc.HTML_BITS + fc.SQL_BITS + fc.FTS_BITS + fc.CONTROL + fc.BIDI + fc.EMOJI)
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=400)
messages_strategy = st.one_of(
    any_text,
    st.lists(st.one_of(vocabulary_words, nasty_bits, any_text), max_size=12).map(" ".join),
    st.lists(st.one_of(vocabulary_words, nasty_bits), min_size=1, max_size=8).map("".join),
)


@HYPOTHESIS
@given(text=messages_strategy)
def test_property_any_message_gives_sendable_answer(brain, text):
    assert_sendable(brain.ask(text), repr(text[:60]))


@HYPOTHESIS
@given(action=st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.builds(lambda p, body, page: f"{p}:{body}{page}",
              st.sampled_from(list("pcmasdogtTQDhx")), st.text(alphabet="aAzZ09-.,:_SNXX", max_size=70),
              st.sampled_from(["", ":0", ":1", ":9999", ":-1", ":99999"])),
))
def test_property_any_callback_data_gives_sendable_answer(brain, action):
    assert_sendable(brain.act(action), repr(action))


@HYPOTHESIS
@given(lat=st.floats(allow_nan=True, allow_infinity=True), lon=st.floats(allow_nan=True, allow_infinity=True))
def test_property_any_location_gives_sendable_answer(brain, lat, lon):
    answer = brain.locate(lat, lon)
    assert_sendable(answer)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also NaN
        assert answer.intent == "unknown"


@HYPOTHESIS
@given(words=st.lists(st.one_of(any_text, nasty_bits, vocabulary_words), max_size=12))
def test_property_fts_search_never_raises(brain, words):
    ids = brain.store.search_text(words)
    assert isinstance(ids, list) and all(isinstance(i, str) for i in ids)


spans = st.builds(
    Span,
    text=st.one_of(any_text, nasty_bits, st.just(""), st.just(" "), st.text(alphabet="😀&<", min_size=1000, max_size=5000)),
    style=st.sampled_from([None, "b", "i", "code", "x"]),
    url=st.one_of(st.none(), st.sampled_from(["https://example.org/?a=1&b=\"2\"", "javascript:alert(1)", "http://x y",
                                              "https://ex.de/<script>", "tg://user?id=1", ""]), st.text(max_size=30)),
)
styled = st.builds(Span, text=st.sampled_from(["fett", "&", "<i>", "😀", "x" * 50]), style=st.sampled_from(["b", "i", "code"]))
paragraphs = st.one_of(
    st.lists(spans, max_size=8),
    st.lists(styled, min_size=20, max_size=150),  # rich paragraphs: Telegram keeps at most 100 entities
    st.sampled_from([[Span(" ")], [Span("\x00\x01")], [Span("\u200b")], [], [Span("", "b")], [Span(" ", "b")]]),
    st.integers(1000, 5000).map(lambda n: [Span("😀" * n)]),  # 2 UTF-16 units per character
    st.integers(800, 1200).map(lambda n: [Span("&<>" * n, "b")]),  # escaping multiplies the length
)
buttons = st.builds(
    Button,
    text=st.one_of(st.text(max_size=70), st.just(""), st.just(" ")),
    action=st.one_of(st.none(), st.text(max_size=80), st.sampled_from(["h", "T", "s:SN", "p:" + "a" * 62, "p:ä" * 20])),
    url=st.one_of(st.none(), st.sampled_from(["https://example.org", "javascript:alert(1)", "ftp://x", "https://a b"])),
)
answers = st.builds(
    lambda paragraphs, rows, venue: _answer(paragraphs, rows, venue),
    st.lists(paragraphs, max_size=25),
    st.lists(st.lists(buttons, max_size=4), max_size=6),
    st.one_of(st.none(), st.builds(Venue, st.floats(-90, 90), st.floats(-180, 180), any_text,
                                   st.one_of(st.none(), any_text))),
)


def _answer(paragraphs, rows, venue) -> Answer:
    answer = Answer("unknown", paragraphs=paragraphs, buttons=rows, venue=venue)
    return answer


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answer=answers)
def test_property_renderer_only_emits_sendable_messages(answer):
    """Whatever a future answer contains, the renderer emits only what the Bot API accepts."""
    messages = to_telegram(answer)
    problems = fc.telegram_problems(messages, decodable=False)
    assert not problems, problems
    if answer.venue is not None:
        assert messages[-1].venue is not None


def test_renderer_splits_by_utf16_length_and_entities():
    emoji = Answer("x")
    emoji.add("😀" * 3000)  # 3000 code points but 6000 UTF-16 units
    emoji.add(*[Span("w", "b") for _ in range(150)])  # 150 entities in one paragraph
    for _ in range(30):
        emoji.add(*[Span("fett", "b") for _ in range(10)])  # 300 entities over 30 paragraphs
    messages = to_telegram(emoji)
    assert not fc.telegram_problems(messages)
    assert len(messages) >= 3
    assert all(m.html.count("<b>") <= 100 for m in messages)


# -- every button the brain offers works ------------------------------------------------------------
def test_crawl_every_offered_button_works(brain):
    """Breadth-first over the buttons from /start, the menus, each state and each award year."""
    seeds = ["/start", "/themen", "/award", "/quellen", "/datenschutz", "Jena", "Nähe 37073", "Pflege in Sachsen",
             "Kontakt Jenaer Allianz", "Netzwerke in Bayern", "Leipzig", "/award 2013", "Halle"]
    queue = deque((None, s) for s in seeds)
    queue.extend((a, None) for a in [f"s:{s.code}" for s in brain.catalog.states])
    seen: set[str] = set()
    pressed = 0
    while queue and pressed < 1500:
        action, text = queue.popleft()
        answer = brain.ask(text) if text is not None else brain.act(action)
        if action is not None:
            pressed += 1
            assert "nicht (mehr) verfügbar" not in to_text(answer), f"own button {action!r} is refused"
        assert_sendable(answer, action or text)
        for row in answer.buttons:
            for b in row:
                if b.action and b.action not in seen:
                    seen.add(b.action)
                    assert actions.decode(b.action) is not None, b.action
                    queue.append((b.action, None))
    print(f"\ncrawl: {pressed} distinct button actions pressed, all answered")
    assert pressed >= 200


def test_action_round_trip_for_every_network(brain):
    """Every network id packs into profile/contact/map actions of at most 64 bytes that decode back."""
    for network_id, *_ in brain.store.name_index():
        for action in (actions.profile(network_id), actions.contact(network_id), actions.map_of(network_id)):
            assert len(action.encode()) <= 64
            query = actions.decode(action)
            assert query is not None and query.network_id == network_id, action


def test_nan_is_not_a_location(brain):
    assert brain.locate(math.nan, 10.0).intent == "unknown"
    assert brain.locate(50.0, math.inf).intent == "unknown"
