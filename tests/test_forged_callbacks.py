"""Forged, stale and tampered callback_data through ``brain.act``: a polite answer, never an exception.

Buttons carry the whole query (``bot.actions``), so anything a client sends back is untrusted:
random bytes, ids that never existed or were removed from the data, tampered page numbers,
unknown state codes, coordinates off the globe, overlong strings. Pages beyond the end clamp to
the last page instead of showing an empty list.
"""

from __future__ import annotations

import importlib.util
import random
import sys

import pytest

from bot import actions
from bot.render import to_telegram, to_text
from bot.settings import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("fuzz_corpus", PROJECT_ROOT / "scripts" / "fuzz_corpus.py")
fc = sys.modules.get("fuzz_corpus") or importlib.util.module_from_spec(_spec)
if "fuzz_corpus" not in sys.modules:
    sys.modules["fuzz_corpus"] = fc
    _spec.loader.exec_module(fc)

NOT_AVAILABLE = "nicht (mehr) verfügbar"

FORGED = [
    "", " ", "p:", "p:does-not-exist", "c:does-not-exist", "m:does-not-exist", "p:DOES-NOT-EXIST", "p:-x",
    "p:" + "a" * 61, "p:" + "a" * 200, "s:XX", "s:xx", "s:", "s:SN:", "s:SN:-1", "s:SN:99999", "s:SN:1:2",
    "d:99999", "d:00000", "d:1234", "d:123456", "o:00000", "o:99999", "o:1234", "g:91.0,0.0", "g:-91.0,0.0",
    "g:0.0,181.0", "g:0.0,-181.0", "g:1e3,0.0", "g:nan,0.0", "g:inf,inf", "g:0,0", "t:nope:-", "t:nope:SN",
    "t:ges:XX", "t:ges", "t:GES:-", "t:ges:-:-1", "a:99999", "a:20", "a:abcd", "x", "P:jena", "hh", "TT",
    "'; DROP TABLE networks; --", "p:' OR 1=1 --", "s:SN' --", "\"*NEAR(", "p:jena*", "\x00", "p:\x00",
    "😀" * 16, "p:ä", "s:ŠN", "\u202ep:x", "p:x\n", "h" * 65, "s:SN:" + "9" * 60, "ä" * 33,
]


def _assert_polite(answer, label):
    messages = to_telegram(answer)
    assert not fc.telegram_problems(messages), (label, fc.telegram_problems(messages))
    text = to_text(answer)
    assert "Traceback" not in text and "Error" not in text


@pytest.mark.parametrize("action", FORGED, ids=range(len(FORGED)))
def test_forged_action_gets_polite_answer(brain, action):
    answer = brain.act(action)
    _assert_polite(answer, action)
    if actions.decode(action) is None:
        assert answer.intent == "unknown" and NOT_AVAILABLE in to_text(answer)


@pytest.mark.parametrize("value", [None, b"p:jena", 12, 3.5, ["s:SN"], {"a": 1}, bytearray(b"h")])
def test_action_of_the_wrong_type(brain, value):
    answer = brain.act(value)
    assert answer.intent == "unknown" and NOT_AVAILABLE in to_text(answer)


@pytest.mark.parametrize("action", ["p:does-not-exist", "c:removed-network", "m:removed-network", "s:XX",
                                    "d:99999", "o:00000", "t:nope:-", "t:ges:XX"])
def test_well_formed_but_stale_action_says_not_available(brain, action):
    """These decode (the form is right) but name nothing that exists: 'not (any more) available'."""
    assert actions.decode(action) is not None
    answer = brain.act(action)
    assert answer.intent == "unknown" and NOT_AVAILABLE in to_text(answer)
    assert [b.action for row in answer.buttons for b in row] == ["h", "T"]


@pytest.mark.parametrize("action", ["g:91.0,0.0", "g:0.0,181.0", "s:SN:99999", "p:" + "a" * 70, "t:nope"])
def test_malformed_action_does_not_decode(action):
    assert actions.decode(action) is None


def _first_page_action(brain, base: str) -> tuple[str, object]:
    answer = brain.act(base)
    assert answer.intent != "unknown", base
    return base, answer


@pytest.mark.parametrize("base", ["s:SN", "s:BY", "t:ausb:-", "d:", "o:", "g:51.5413,9.9158"])
def test_page_beyond_the_end_clamps_to_the_last_page(brain, base):
    if base == "d:":  # a district with networks: Jena's
        base = "d:" + brain.ask("Landkreis Saale-Holzland-Kreis").region.code
    if base == "o:":
        base = "o:07743"
    first = brain.act(base)
    assert first.intent in ("region", "nearby", "topic") and first.total > 0, base
    last = brain.act(f"{base}:9999")
    assert last.intent == first.intent
    assert last.pages == first.pages and last.page == first.pages - 1
    shown = [p for p in last.paragraphs if p and p[0].text.strip().rstrip(".").isdigit()]
    assert shown, "the last page lists networks, it is not empty"
    if first.pages > 1:
        assert f"Seite {first.pages} von {first.pages}" in to_text(last)
        assert not any(b.text.startswith("Weiter") for row in last.buttons for b in row)


def test_random_callback_data_never_raises(brain):
    rng = random.Random(64)
    vocab = fc.Vocab.from_brain(brain)
    stale = 0
    for _ in range(3000):
        action = fc.make_action(rng, vocab)
        answer = brain.act(action)
        _assert_polite(answer, action)
        stale += NOT_AVAILABLE in to_text(answer)
    assert stale > 1000  # most forged data is refused politely (the rest happens to be valid)


def test_buttons_still_work_after_reload(db_copy):
    """Buttons hold no server state: an action still answers after the database is re-opened."""
    from bot.brain import Brain

    private = Brain(db_copy, PROJECT_ROOT / "data")
    before = {a: to_text(private.act(a)) for a in ("s:TH", "s:SN:1", "a:2013", "T", "h")}
    private.reload()
    assert {a: to_text(private.act(a)) for a in before} == before
    private.store.close()
