"""The fast paths of the Telegram face: cached answers served on the event loop, bounded Bot API requests.

Each test fails if its fast path is removed or made unsafe: a cache hit must not need a worker thread,
must give exactly the Telegram output of a fresh answer, and must never wait for a busy brain; the
request layer must never have more than its bound of requests open.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from telegram.request import HTTPXRequest

from bot.brain import Brain
from bot.render import to_json
from handlers import common
from handlers.request import PooledRequest

from test_handlers import DATA_DIR, Harness, callback_data, harness, module_brain, only, settings  # noqa: F401


@pytest.fixture
def fresh_brain(built_db):
    return Brain(built_db, DATA_DIR, auto_build=False)


# -- Brain.cached --------------------------------------------------------------------------------------------
def test_cached_is_none_until_answered_then_the_same_answer(fresh_brain):
    text = "Welche Netzwerke in Sachsen?"
    assert fresh_brain.cached("ask", text) is None
    fresh = fresh_brain.ask(text)
    hit = fresh_brain.cached("ask", text)
    assert hit is not None and hit is not fresh  # a copy: callers may not share the cache's own object
    assert (hit.intent, hit.paragraphs, hit.buttons, hit.total) == (fresh.intent, fresh.paragraphs, fresh.buttons,
                                                                    fresh.total)
    assert fresh_brain.intent_counts["region"] == 2  # a hit is counted like an answer


def test_cached_knows_actions_and_locations_under_the_keys_the_answers_use(fresh_brain):
    fresh_brain.act("a:2013")
    fresh_brain.locate(50.92714, 11.58921)
    assert fresh_brain.cached("act", "a:2013") is not None
    assert fresh_brain.cached("locate", 50.927141, 11.589209) is not None  # rounded to ~10 m, like locate
    assert fresh_brain.cached("act", "a:2014") is None
    assert fresh_brain.cached("locate", 91.0, 0.0) is None  # invalid: never cached
    assert fresh_brain.cached("ask", "x" * 600) is None  # too long to be cached


def test_cached_never_waits_for_a_busy_brain(fresh_brain):
    fresh_brain.ask("Sachsen")
    busy, release = threading.Event(), threading.Event()

    def hold_the_brain() -> None:
        with fresh_brain._lock:  # a long answer in a worker thread
            busy.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_brain)
    holder.start()
    try:
        assert busy.wait(5)
        started = time.monotonic()
        assert fresh_brain.cached("ask", "Sachsen") is not None
        assert fresh_brain.cached("ask", "Bayern") is None
        assert time.monotonic() - started < 1.0
    finally:
        release.set()
        holder.join()


def test_reload_forgets_cached_answers(fresh_brain):
    fresh_brain.ask("Sachsen")
    fresh_brain.reload()
    assert fresh_brain.cached("ask", "Sachsen") is None


def test_reload_warms_the_new_database_up(fresh_brain):
    # the first state question after /reload does not build the state lists (as after a start)
    fresh_brain.reload()
    fresh_brain.warming.join(timeout=60)
    assert ("state", "Bayern") in fresh_brain.store._id_lists and fresh_brain.store._grid_cells is not None
    listed = [n["id"] for n in to_json(fresh_brain.ask("Netzwerke in Bayern"))["networks"]]
    assert sorted(fresh_brain.store.ids_in_state("Bayern")) == sorted(listed) and len(listed) > 20


def test_cache_weight_counts_the_ids_held_and_bounds_the_cache(fresh_brain, monkeypatch):
    import bot.brain as brain_module

    first = fresh_brain.ask("Welche Netzwerke in Bayern?")
    assert fresh_brain._cached_ids == len(first.known_ids) == first.total > 0  # a state list holds every id
    monkeypatch.setattr(brain_module, "CACHE_IDS", first.total)
    fresh_brain.ask("Welche Netzwerke in Sachsen?")  # over the bound: the older list goes
    assert fresh_brain.cached("ask", "Welche Netzwerke in Bayern?") is None
    assert fresh_brain.cached("ask", "Welche Netzwerke in Sachsen?") is not None


# -- handlers: a cache hit needs no worker thread -----------------------------------------------------------
@pytest.fixture
def thread_hops(monkeypatch) -> list:
    hops: list = []
    real = asyncio.to_thread

    async def counting(func, *args, **kwargs):
        hops.append(getattr(getattr(func, "func", func), "__name__", func))  # a partial (with the caller) too
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(common.asyncio, "to_thread", counting)
    return hops


def _sent(calls) -> list[tuple]:
    return [(c.method, c.params.get("text"), c.params.get("reply_markup"), c.params.get("parse_mode"))
            for c in calls if c.method in ("sendMessage", "editMessageText", "sendVenue")]


@pytest.mark.parametrize("text", ["Welche Netzwerke in Sachsen?", "/award 2013", "Kontakt Jenaer Allianz"])
async def test_a_cached_answer_is_sent_without_a_thread_hop_and_identically(harness, thread_hops, text):
    harness.brain().clear_caches()
    first = await harness.text(text)
    assert thread_hops == ["ask"]  # a miss is answered in a worker thread
    second = await harness.text(text)
    assert thread_hops == ["ask"]  # the hit was served on the event loop
    assert _sent(first) and _sent(second) == _sent(first)


async def test_a_cached_button_press_and_location_need_no_thread_hop(harness, thread_hops):
    harness.brain().clear_caches()
    sent = only(await harness.text("Welche Netzwerke in Sachsen?"), "sendMessage").result
    action = [data for data in callback_data(only(await harness.text("Welche Netzwerke in Sachsen?"), "sendMessage")
                                             .params["reply_markup"]) if not data.startswith("v:")][-1]  # not 👍/👎
    edits = [_sent(await harness.send(harness.users.callback(action, sent))) for _ in range(2)]
    pins = [_sent(await harness.send(harness.users.location(50.9271, 11.5892))) for _ in range(2)]
    assert thread_hops == ["ask", "act", "locate"]
    assert edits[0] and edits[1] == edits[0] and pins[0] and pins[1] == pins[0]


# -- the Bot API request layer ------------------------------------------------------------------------------
async def test_pooled_request_keeps_at_most_its_bound_in_flight(monkeypatch):
    open_now, most = 0, 0

    async def slow_request(self, url, method, request_data=None, **kwargs):
        nonlocal open_now, most
        open_now += 1
        most = max(most, open_now)
        await asyncio.sleep(0.01)
        open_now -= 1
        return 200, b'{"ok": true, "result": true}'

    monkeypatch.setattr(HTTPXRequest, "do_request", slow_request)
    request = PooledRequest(in_flight=3)
    results = await asyncio.gather(*(request.do_request("http://127.0.0.1/botX/getMe", "POST") for _ in range(20)))
    assert most == 3 and all(status == 200 for status, _ in results)


async def test_pooled_request_frees_its_client_when_a_request_fails(monkeypatch):
    async def failing(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(HTTPXRequest, "do_request", failing)
    request = PooledRequest(in_flight=1)
    for _ in range(3):  # with a leaked slot the second call would wait for ever
        with pytest.raises(OSError):
            await asyncio.wait_for(request.do_request("http://127.0.0.1/botX/getMe", "POST"), 2)


def test_pooled_request_clients_have_one_connection_and_share_one_tls_context():
    request = PooledRequest(in_flight=4)
    pools = [client._client._transport._pool for client in request._clients]  # httpx/httpcore internals
    assert len(pools) == 4 and all(pool._max_connections == 1 for pool in pools)
    assert len({id(pool._ssl_context) for pool in pools}) == 1


def test_a_cached_answer_is_rendered_once_and_every_caller_gets_its_own_messages(fresh_brain, monkeypatch):
    import bot.render as render

    calls = []
    real = render._to_telegram
    monkeypatch.setattr(render, "_to_telegram", lambda answer: calls.append(1) or real(answer))
    first = render.to_telegram(fresh_brain.ask("Welche Netzwerke in Thüringen?"))
    first[0].buttons.clear()  # a caller changing its messages must not change anyone else's
    second = render.to_telegram(fresh_brain.ask("Welche Netzwerke in Thüringen?"))
    assert len(calls) == 1
    assert second[0].buttons and second[0].html == first[0].html
    assert render.to_telegram(fresh_brain.ask("Sachsen"))[0].html != first[0].html and len(calls) == 2


def test_keyboards_are_built_and_serialised_once_and_serialise_like_ptb():
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from bot.models import Button
    from handlers.send import inline_keyboard

    rows = [[Button("1. Jenaer Allianz", "p:jenaer-allianz-fuer-fachkraefte")],
            [Button("Website", url="https://example.org/ä?x=1"), Button("Suchen", switch_inline="Jena")],
            [Button("◀ Zurück", "s:TH:0"), Button("Weiter ▶", "s:TH:2")]]
    first = inline_keyboard(rows)
    assert inline_keyboard([list(row) for row in rows]) is first
    plain = InlineKeyboardMarkup([
        [InlineKeyboardButton("1. Jenaer Allianz", callback_data="p:jenaer-allianz-fuer-fachkraefte")],
        [InlineKeyboardButton("Website", url="https://example.org/ä?x=1"),
         InlineKeyboardButton("Suchen", switch_inline_query_current_chat="Jena")],
        [InlineKeyboardButton("◀ Zurück", callback_data="s:TH:0"), InlineKeyboardButton("Weiter ▶", callback_data="s:TH:2")]])
    assert first.to_dict() == plain.to_dict() and first == plain
    other = inline_keyboard([[Button("Weiter ▶", "s:TH:3")]])
    assert other is not first and other.to_dict()["inline_keyboard"][0][0]["callback_data"] == "s:TH:3"
    assert inline_keyboard([]) is None and inline_keyboard([[Button("leer")]]) is None


# -- warming up after start ---------------------------------------------------------------------------------
async def test_after_start_the_point_grid_is_loaded_in_the_background(settings, fresh_brain):
    from handlers.app import build_application, post_init
    from test_handlers import BotApiCore, RecordingRequest

    core = BotApiCore()
    app = build_application(settings, fresh_brain, request=RecordingRequest(core))
    await app.initialize()
    try:
        assert fresh_brain.store._grid_cells is None  # nothing loaded by building the app
        await post_init(app)
        await asyncio.wait_for(asyncio.gather(*(t for t in asyncio.all_tasks() if t.get_name() == "warm-up")), 10)
        assert fresh_brain.store._grid_cells is not None
        assert [c.method for c in core.calls].count("setMyCommands") == 2
    finally:
        await app.shutdown()


def test_the_warm_up_waits_for_a_quiet_moment_after_the_point_grid(fresh_brain, monkeypatch):
    # questions keep coming: the grid is built at once, the lists only when no answer was given for a while
    import bot.brain as brain_module

    monkeypatch.setattr(brain_module, "WARM_UP_QUIET", 0.4)
    fresh_brain.ask("Was kannst du?")
    fresh_brain.reload()  # a new store, warmed up in the background while questions keep coming
    busy_until = time.monotonic() + 1.2
    while time.monotonic() < busy_until:
        fresh_brain.ask("Was kannst du?")
        assert ("state", "Bayern") not in fresh_brain.store._id_lists
        time.sleep(0.05)
    time.sleep(0.1)
    assert fresh_brain.store._grid_cells is not None  # not held back
    fresh_brain.warming.join(timeout=60)
    assert ("state", "Bayern") in fresh_brain.store._id_lists
