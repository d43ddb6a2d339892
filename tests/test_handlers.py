"""The Telegram handlers in-process: real PTB Application, recorded Bot API, no network.

A ``BaseRequest`` subclass routes every Bot API call into :class:`fake_botapi.BotApiCore`, which
records it and answers like Telegram (and refuses what Telegram would refuse: over-long texts,
broken HTML, callback data over 64 bytes). Updates go through ``Application.process_update``, so
handler selection, filters and the error handler are exactly those of the running bot.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re

import pytest
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.brain import Brain
from bot.models import Answer, Button
from bot.render import MAX_CALLBACK, MAX_MESSAGE, TelegramMessage, to_telegram
from bot.settings import PROJECT_ROOT, Settings
from handlers import commands, logsafety
from handlers.app import build_application, post_init
from handlers.common import COUNTS, LIMITER
from handlers.errors import APOLOGY
from handlers.ratelimit import NOTICE, RateLimiter
from handlers.send import LOCATION_BUTTON, Target, send_messages

from fake_botapi import BOT_USERNAME, DEFAULT_TOKEN, BotApiCore, UpdateFactory

DATA_DIR = PROJECT_ROOT / "data"
ADMIN = 999
USER = 4711
GROUP = -100123
JENA = "jenaer-allianz-fuer-fachkraefte"


class RecordingRequest(BaseRequest):
    """PTB's HTTP layer replaced by the fake core: method name + parsed parameters, JSON back."""

    def __init__(self, core: BotApiCore):
        self.core = core

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None, pool_timeout=None):
        token, endpoint = re.search(r"/bot([^/]+)/(\w+)$", url).groups()
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        fault = self.core.take_fault(endpoint)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        status, body = self.core.respond(token, endpoint, params, fault)
        return status, json.dumps(body).encode()


class Harness:
    """One Application plus its recorded API; ``send`` feeds an update dict through PTB."""

    def __init__(self, app, core: BotApiCore):
        self.app, self.core = app, core
        self.users = UpdateFactory(USER)
        self._update_ids = iter(range(1, 10**6))
        self._mark = 0

    async def send(self, update: dict) -> list:
        """Process ``update``; returns the API calls it caused (successful or not)."""
        self._mark = len(self.core.calls)
        payload = {"update_id": next(self._update_ids), **update}
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        return self.core.calls[self._mark:]

    async def text(self, text: str, **kwargs) -> list:
        return await self.send(self.users.message(text, **kwargs))

    def brain(self) -> Brain:
        return self.app.bot_data["brain"]

    def replace_brain(self, monkeypatch, kind: str, make) -> None:
        """Make ``brain.<kind>`` answer with ``make``; the answer cache is bypassed, since handlers
        serve cached answers without calling ``brain.<kind>`` at all."""
        monkeypatch.setattr(self.brain(), kind, make)
        monkeypatch.setattr(self.brain(), "cached", lambda *args, **kwargs: None)


def only(calls, method: str):
    found = [c for c in calls if c.method == method]
    assert len(found) == 1, [c.method for c in calls]
    return found[0]


def callback_data(markup: dict | None) -> list[str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


@pytest.fixture(scope="module")
def module_brain(built_db):
    """A brain of our own, so intent counters and monkeypatches never leak into other modules."""
    return Brain(built_db, DATA_DIR, auto_build=False)


@pytest.fixture
def settings(built_db):
    return Settings(token=DEFAULT_TOKEN, db_path=built_db, data_dir=DATA_DIR, admins=frozenset({ADMIN}),
                    user_rate_limit=1000)


@pytest.fixture
async def harness(settings, module_brain):
    core = BotApiCore()
    app = build_application(settings, module_brain, request=RecordingRequest(core))
    await app.initialize()
    h = Harness(app, core)
    yield h
    await app.shutdown()
    # Whatever a test did: nothing the bot sent may exceed Telegram's limits.
    for call in core.calls:
        if call.method in ("sendMessage", "editMessageText"):
            assert len(call.params["text"]) <= MAX_MESSAGE
        for data in callback_data(call.params.get("reply_markup")):
            assert len(data.encode("utf-8")) <= MAX_CALLBACK


def rendered(brain: Brain, text: str) -> list[TelegramMessage]:
    return to_telegram(brain.ask(text))


# -- start-up ----------------------------------------------------------------------------------------
async def test_initialize_calls_get_me_and_knows_the_username(harness):
    assert harness.core.methods() == ["getMe"]
    assert harness.app.bot.username == BOT_USERNAME


async def test_post_init_sets_german_and_english_menus(harness):
    await post_init(harness.app)
    first, second = harness.core.calls_of("setMyCommands")
    assert "language_code" not in first.params
    assert second.params["language_code"] == "en"
    de = {c["command"]: c["description"] for c in first.params["commands"]}
    en = {c["command"]: c["description"] for c in second.params["commands"]}
    assert {"start", "hilfe", "naehe", "award", "netzwerk", "region", "kontakt", "themen", "quellen",
            "datenschutz", "sprache"} <= set(de)
    # one menu through the catalogue: the English one has the English command names (the brain knows both)
    assert {"start", "help", "near", "award", "network", "region", "contact", "topics", "sources", "privacy",
            "language"} <= set(en)
    assert "Nähe" in de["naehe"] and "near you" in en["near"] and "German or English" in en["language"]
    assert set(en) <= set(commands.COMMANDS) and set(de) <= set(commands.COMMANDS)


# -- commands ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expect", [
    ("/start", "Willkommen beim netzwerkbot"),
    ("/hilfe", "Fragen Sie zum Beispiel"),
    ("/help", "Fragen Sie zum Beispiel"),
    ("/award 2013", "2013"),
    ("/award", "Innovatives Netzwerk"),
    ("/netzwerk Jenaer Allianz", "<b>Jenaer Allianz für Fachkräfte</b>"),
    ("/netzwerk", "Namen eines Netzwerks"),
    ("/region Sachsen", "Netzwerke in Sachsen"),
    ("/kontakt Jenaer Allianz", "Kontakt: Jenaer Allianz für Fachkräfte"),
    ("/naehe 37073", "Netzwerke"),
    ("/themen", "Themen und Branchen"),
    ("/quellen", "Woher die Daten stammen"),
    ("/datenschutz", "Datenschutz"),
    ("/start@netzwerk_test_bot", "Willkommen beim netzwerkbot"),
])
async def test_each_command_is_answered_with_the_brains_html(harness, text, expect):
    calls = await harness.text(text)
    call = only(calls, "sendMessage")
    expected = rendered(harness.brain(), text)[0]
    assert call.status == 200
    assert call.params["chat_id"] == USER
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.params["text"] == expected.html and expect in call.params["text"]
    assert callback_data(call.params.get("reply_markup")) == [b.action for row in expected.buttons for b in row
                                                              if b.action and not b.url]
    assert "reply_parameters" not in call.params  # private chats: no quoting


async def test_deep_link_start_opens_the_profile(harness):
    calls = await harness.text(f"/start net_{JENA}")
    call = only(calls, "sendMessage")
    assert call.params["text"].startswith("<b>Jenaer Allianz für Fachkräfte</b>")
    assert f"c:{JENA}" in callback_data(call.params["reply_markup"])
    urls = [b.get("url") for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert any(u and u.startswith("https://") for u in urls)


async def test_deep_link_to_an_unknown_network_falls_back_to_help(harness):
    calls = await harness.text("/start net_gibt-es-nicht")
    assert "Willkommen" in only(calls, "sendMessage").params["text"]


async def test_naehe_without_argument_asks_for_the_location_with_a_keyboard(harness):
    calls = await harness.text("/naehe")
    call = only(calls, "sendMessage")
    assert call.params["reply_markup"] == {
        "keyboard": [[{"text": LOCATION_BUTTON, "request_location": True}]],
        "one_time_keyboard": True, "resize_keyboard": True}
    assert "Standort" in call.params["text"]


async def test_unknown_command_in_private_chat_gets_the_brains_answer(harness):
    calls = await harness.text("/foobar")
    assert "nicht verstanden" in only(calls, "sendMessage").params["text"]


async def test_edited_messages_are_not_answered_again(harness):
    update = harness.users.message("Jena")
    calls = await harness.send({"edited_message": {**update["message"], "edit_date": 1}})
    assert calls == []


# -- free text -----------------------------------------------------------------------------------------
async def test_free_text_lists_networks_with_paging_buttons(harness):
    calls = await harness.text("Welche Netzwerke in Sachsen?")
    call = only(calls, "sendMessage")
    assert call.params["parse_mode"] == "HTML"
    assert "<b>Netzwerke in Sachsen: 21</b>" in call.params["text"]
    data = callback_data(call.params["reply_markup"])
    assert data and all(len(d.encode()) <= 64 for d in data)
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert {"text": "Weiter ▶", "callback_data": "s:SN:1"} in buttons


async def test_weiter_button_answers_the_query_first_then_edits_in_place(harness):
    sent = only(await harness.text("Welche Netzwerke in Sachsen?"), "sendMessage").result
    calls = await harness.send(harness.users.callback("s:SN:1", sent))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    edit = calls[1]
    assert edit.params["chat_id"] == USER and edit.params["message_id"] == sent["message_id"]
    assert edit.params["parse_mode"] == "HTML" and edit.params["link_preview_options"] == {"is_disabled": True}
    assert "Seite 2 von 4" in edit.params["text"]
    nav = [b["text"] for b in edit.params["reply_markup"]["inline_keyboard"][-1]]
    assert nav == ["◀ Zurück", "Weiter ▶"]


async def test_map_button_sends_a_venue_and_keeps_the_profile(harness):
    profile = only(await harness.text(f"/start net_{JENA}"), "sendMessage").result
    calls = await harness.send(harness.users.callback(f"m:{JENA}", profile))
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage", "sendVenue"]
    venue = calls[2].params
    assert venue["chat_id"] == USER and venue["title"] == "Jenaer Allianz für Fachkräfte" and venue["address"]
    assert 50 < venue["latitude"] < 51.5 and 11 < venue["longitude"] < 12
    assert "Nadel" in calls[1].params["text"]


async def test_forged_callback_data_gets_a_polite_answer(harness):
    sent = only(await harness.text("/start"), "sendMessage").result
    calls = await harness.send(harness.users.callback("zz:bogus", sent))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "nicht (mehr) verfügbar" in calls[1].params["text"]
    assert not any(APOLOGY in c.params.get("text", "") for c in calls)


async def test_double_tap_message_not_modified_is_ignored(harness, caplog):
    sent = only(await harness.text("Welche Netzwerke in Sachsen?"), "sendMessage").result
    harness.core.inject("editMessageText", status=400, description="Bad Request: message is not modified: "
                        "specified new message content and reply markup are exactly the same")
    with caplog.at_level(logging.INFO):
        calls = await harness.send(harness.users.callback("s:SN:1", sent))
    assert [(c.method, c.status) for c in calls] == [("answerCallbackQuery", 200), ("editMessageText", 400)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_uneditable_message_gets_the_answer_as_a_new_message(harness):
    sent = only(await harness.text("/start"), "sendMessage").result
    harness.core.inject("editMessageText", status=400, description="Bad Request: message can't be edited")
    calls = await harness.send(harness.users.callback("a:2013", sent))
    assert [(c.method, c.status) for c in calls] == [("answerCallbackQuery", 200), ("editMessageText", 400),
                                                     ("sendMessage", 200)]
    assert "2013" in calls[2].params["text"]


async def test_callback_from_an_inline_message_edits_it_by_inline_id(harness):
    update = harness.users.callback(f"c:{JENA}", {})
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "inl-42"
    calls = await harness.send(update)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[1].params["inline_message_id"] == "inl-42" and "Kontakt" in calls[1].params["text"]


async def test_a_long_callback_answer_edits_the_first_chunk_and_sends_the_rest(harness, monkeypatch):
    long = Answer("region")
    for n in range(40):
        long.add(f"Absatz {n}: " + "x" * 200)
    long.buttons = [[Button("Weiter ▶", "s:SN:2")]]
    harness.replace_brain(monkeypatch, "act", lambda data, **_: long)
    sent = only(await harness.text("/start"), "sendMessage").result
    calls = await harness.send(harness.users.callback("s:SN:1", sent))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage", "sendMessage"]
    assert "reply_markup" not in calls[1].params or not callback_data(calls[1].params["reply_markup"])
    assert callback_data(calls[-1].params["reply_markup"]) == ["s:SN:2"]  # buttons ride on the last chunk
    assert all(len(c.params["text"]) <= MAX_MESSAGE for c in calls[1:])


# -- locations -----------------------------------------------------------------------------------------
async def test_shared_location_lists_the_nearest_networks(harness):
    calls = await harness.send(harness.users.location(50.93, 11.59))
    call = only(calls, "sendMessage")
    assert "Jenaer Allianz" in call.params["text"] and " km" in call.params["text"]
    # the nearest first: one of the two networks in Jena (the Welcome Center Jena came with the December 2026 research)
    assert callback_data(call.params["reply_markup"])[0] in (f"p:{JENA}", "p:welcome-center-jena")


async def test_location_after_the_keyboard_removes_the_keyboard(harness):
    await harness.text("/naehe")
    calls = await harness.send(harness.users.location(51.54, 9.93))
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    assert calls[0].params["reply_markup"] == {"remove_keyboard": True}
    assert "km" in calls[1].params["text"] and calls[1].params["reply_markup"]["inline_keyboard"]
    # Only once: the next answer carries no keyboard removal.
    calls = await harness.send(harness.users.location(51.54, 9.93))
    assert [c.method for c in calls] == ["sendMessage"]


async def test_typing_a_place_after_the_keyboard_also_removes_it(harness):
    await harness.text("/naehe")
    calls = await harness.text("/quellen")  # an answer without inline buttons carries the removal itself
    call = only(calls, "sendMessage")
    assert call.params["reply_markup"] == {"remove_keyboard": True}
    assert "Woher die Daten stammen" in call.params["text"]


# -- inline mode ---------------------------------------------------------------------------------------
async def test_inline_query_offers_profiles_with_deep_links(harness):
    calls = await harness.send(harness.users.inline("Jena"))
    call = only(calls, "answerInlineQuery")
    results = call.params["results"]
    assert 1 <= len(results) <= 20
    assert results[0]["id"] == JENA and results[0]["title"] == "Jenaer Allianz für Fachkräfte"
    for result in results:
        assert result["type"] == "article"
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML" and len(content["message_text"]) <= MAX_MESSAGE
        assert content["message_text"].startswith("<b>")
        link = result["reply_markup"]["inline_keyboard"][0][0]["url"]
        assert link == f"https://t.me/{BOT_USERNAME}?start=net_{result['id']}"
        assert not callback_data(result["reply_markup"])  # no callback buttons in other people's chats
    assert call.params["cache_time"] <= 60


async def test_empty_inline_query_shows_a_help_button(harness):
    call = only(await harness.send(harness.users.inline("")), "answerInlineQuery")
    assert call.params["results"] == [] and call.params["button"]["start_parameter"]


async def test_inline_query_without_networks_offers_the_bot(harness):
    call = only(await harness.send(harness.users.inline("/datenschutz")), "answerInlineQuery")
    assert call.params["results"] == [] and "button" in call.params


async def test_a_posted_inline_result_is_not_taken_for_a_question(harness):
    bot_user = {"id": harness.app.bot.id, "is_bot": True, "first_name": "Bot", "username": BOT_USERNAME}
    assert await harness.text("Jenaer Allianz für Fachkräfte – Profil", via_bot=bot_user) == []


# -- groups ----------------------------------------------------------------------------------------------
async def test_group_plain_text_is_ignored(harness):
    assert await harness.text("Welche Netzwerke in Sachsen?", chat_id=GROUP) == []
    assert await harness.send(harness.users.location(50.9, 11.6, chat_id=GROUP)) == []
    assert await harness.text("/award@other_bot 2013", chat_id=GROUP) == []
    assert await harness.text("/foobar", chat_id=GROUP) == []  # probably another bot's command


async def test_group_mention_is_answered_without_the_mention(harness):
    update = harness.users.message(f"@{BOT_USERNAME} Jena", chat_id=GROUP)
    calls = await harness.send(update)
    call = only(calls, "sendMessage")
    assert call.params["chat_id"] == GROUP
    assert call.params["text"] == rendered(harness.brain(), "Jena")[0].html
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_group_reply_to_the_bot_is_answered(harness):
    bot_message = only(await harness.text(f"@{BOT_USERNAME} Hilfe", chat_id=GROUP), "sendMessage").result
    calls = await harness.text("Sachsen", chat_id=GROUP, reply_to=bot_message)
    assert "Netzwerke in Sachsen" in only(calls, "sendMessage").params["text"]
    other = {**bot_message, "from": {"id": 1, "is_bot": False, "first_name": "Max"}}
    assert await harness.text("Sachsen", chat_id=GROUP, reply_to=other) == []


async def test_group_commands_are_answered(harness):
    for text in ("/award 2013", f"/award@{BOT_USERNAME} 2013", f"/foobar@{BOT_USERNAME}"):
        calls = await harness.text(text, chat_id=GROUP)
        assert only(calls, "sendMessage").params["chat_id"] == GROUP, text


async def test_group_naehe_has_no_location_keyboard(harness):
    call = only(await harness.text("/naehe", chat_id=GROUP), "sendMessage")
    assert "keyboard" not in (call.params.get("reply_markup") or {})  # request_location: private chats only


async def test_forum_topic_answers_stay_in_the_topic(harness):
    update = harness.users.message("/award 2013", chat_id=GROUP, message_thread_id=77, is_topic_message=True)
    call = only(await harness.send(update), "sendMessage")
    assert call.params["message_thread_id"] == 77


# -- admin -------------------------------------------------------------------------------------------------
async def test_stats_for_admin(harness):
    await harness.text("Jena")
    calls = await harness.text("/stats", user_id=ADMIN)
    text = only(calls, "sendMessage").params["text"]
    assert "Laufzeit" in text and "text: 1" in text and "networks: 228" in text and "region" in text


async def test_stats_and_reload_refused_for_others(harness):
    for command in ("/stats", "/reload"):
        text = only(await harness.text(command), "sendMessage").params["text"]
        assert "nur für Administratoren" in text


async def test_reload_reopens_the_database(harness):
    brain = harness.brain()
    old_store = brain.store
    text = only(await harness.text("/reload", user_id=ADMIN), "sendMessage").params["text"]
    assert "neu geladen" in text and "networks: 228" in text
    assert brain.store is not old_store


async def test_update_counters(harness):
    await harness.text("/start")
    await harness.text("Jena")
    await harness.text("Hallo", chat_id=GROUP)
    await harness.send(harness.users.inline("Jena"))
    counts = harness.app.bot_data[COUNTS]
    assert counts["command"] == 1 and counts["text"] == 1 and counts["ignored"] == 1 and counts["inline"] == 1


# -- rate limit -----------------------------------------------------------------------------------------------
async def test_rate_limit_notice_once_then_silence_until_the_window_frees(built_db, module_brain):
    core = BotApiCore()
    settings = Settings(token=DEFAULT_TOKEN, db_path=built_db, data_dir=DATA_DIR, user_rate_limit=3)
    app = build_application(settings, module_brain, request=RecordingRequest(core))
    now = [1000.0]
    app.bot_data[LIMITER].clock = lambda: now[0]
    await app.initialize()
    h = Harness(app, core)
    try:
        texts = []
        for _ in range(5):
            texts.append([c.params["text"] for c in await h.text("Jena") if c.method == "sendMessage"])
        assert [len(t) for t in texts] == [1, 1, 1, 1, 0]
        assert texts[3] == [NOTICE] and "Sie senden sehr viele Nachrichten" in NOTICE
        other = await h.send(UpdateFactory(5555).message("Jena"))  # other users are not affected
        assert "Netzwerke" in only(other, "sendMessage").params["text"]
        press = await h.send(h.users.callback("s:SN:1", {"message_id": 1, "date": 0, "chat": {"id": USER,
                                                                                             "type": "private"}}))
        assert [c.method for c in press] == ["answerCallbackQuery"]  # silenced, but the spinner stops
        now[0] += 61
        assert "Netzwerke" in only(await h.text("Jena"), "sendMessage").params["text"]
    finally:
        await app.shutdown()


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, window=60, clock=lambda: now[0])

    def at(t):
        now[0] = t
        return limiter.check(1)

    assert [at(0), at(10), at(20), at(30)] == ["ok", "ok", "notice", "silent"]
    # At 60 the first message has left the window: one slot again, and a fresh notice after it.
    assert [at(60), at(61), at(62)] == ["ok", "notice", "silent"]
    assert limiter.check(2) == "ok"  # per user


# -- errors ---------------------------------------------------------------------------------------------------
async def test_error_handler_apologises_and_does_not_log_the_text(harness, monkeypatch, caplog):
    secret = "Geheimtext Musterfirma 12345"

    def broken(text, **_):
        raise RuntimeError(f"kaputt bei {text}")

    harness.replace_brain(monkeypatch, "ask", broken)
    with caplog.at_level(logging.INFO):
        calls = await harness.text(secret)
    assert only(calls, "sendMessage").params["text"] == APOLOGY
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "text update" in errors[0].getMessage() and "RuntimeError" in errors[0].getMessage()
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert secret not in record.getMessage() and secret not in (record.exc_text or "")


async def test_error_in_callback_apologises_in_the_chat(harness, monkeypatch):
    harness.replace_brain(monkeypatch, "act", lambda data, **_: 1 / 0)
    calls = await harness.send(harness.users.callback("h", {"message_id": 5, "date": 1,
                                                            "chat": {"id": USER, "type": "private"}}))
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert calls[1].params["text"] == APOLOGY


async def test_blocked_user_is_logged_at_info_only(harness, caplog):
    harness.core.inject("sendMessage", times=1, status=403, description="Forbidden: bot was blocked by the user")
    with caplog.at_level(logging.INFO):
        calls = await harness.text("Jena")
    assert [(c.method, c.status) for c in calls] == [("sendMessage", 403)]  # no apology attempt
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("blocked" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)


async def test_one_retry_on_a_bad_gateway(harness):
    harness.core.inject("sendMessage", times=1, status=502)
    calls = await harness.text("Jena")
    assert [(c.method, c.status) for c in calls] == [("sendMessage", 502), ("sendMessage", 200)]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # raised inside PTB's RetryAfter
async def test_flood_wait_is_retried_by_the_rate_limiter(harness):
    harness.core.inject("sendMessage", times=1, status=429, retry_after=1)
    calls = await harness.text("Jena")
    assert [(c.method, c.status) for c in calls] == [("sendMessage", 429), ("sendMessage", 200)]
    assert calls[1].at - calls[0].at >= 0.9


async def test_no_user_text_in_info_logs(harness, caplog):
    words = ["Welche Netzwerke in Sachsen?", "Göttingen 37073"]
    with caplog.at_level(logging.INFO):
        for text in words:
            await harness.text(text)
        await harness.send(harness.users.inline("Jena"))
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert not any(w in record.getMessage() for w in words + ["Jena"])


# -- sending details and log safety -------------------------------------------------------------------------
async def test_venue_without_address_becomes_a_location_pin(harness):
    message = TelegramMessage("", [], {"latitude": 50.9, "longitude": 11.6, "title": "Ort"})
    await send_messages(harness.app.bot, Target(USER), [message])
    call = harness.core.calls[-1]
    assert call.method == "sendLocation" and call.params["latitude"] == 50.9


def test_log_filter_redacts_the_token_in_messages_and_tracebacks():
    settings = Settings(token=DEFAULT_TOKEN)
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    root = logging.getLogger()
    handler = Capture()
    root.addHandler(handler)
    try:
        logsafety.install(settings.redact)
        log = logging.getLogger("telegram.Bot")
        log.warning("Set Bot API URL: %s", f"https://api.telegram.org/bot{DEFAULT_TOKEN}")
        try:
            raise ValueError(f"The token `{DEFAULT_TOKEN}` was rejected by the server.")
        except ValueError:
            log.exception("failed")
    finally:
        root.removeHandler(handler)
    text = "\n".join(records)
    assert "TEST-token" not in text and "<TOKEN>" in text and "Traceback" in text
    assert logging.getLogger("httpx").level == logging.WARNING
