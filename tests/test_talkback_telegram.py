"""Talkback through the real PTB Application with the recorded Bot API (no network): what the admins and
the reporter receive, how a 👍 edits the keyboard, the home place, the paced news after /reload (PTB's
JobQueue), a blocked subscriber, and a broken user database."""

from __future__ import annotations

import asyncio

import pytest

from bot.brain import Brain
from bot.catalog import Catalog
from bot.conversation import Conversations
from bot.feedback.talkback import Talkback
from bot.importer import import_file
from bot.settings import PROJECT_ROOT, Settings
from handlers.app import build_application, post_init
from handlers.outbox import NEWS_QUEUE

from fake_botapi import DEFAULT_TOKEN, BotApiCore, UpdateFactory
from test_handlers import ADMIN, USER, Harness, RecordingRequest, callback_data, only
from test_talkback import NEW_NEAR_GOETTINGEN

DATA_DIR = PROJECT_ROOT / "data"
SN_QUESTION = "Welche Netzwerke in Sachsen?"


@pytest.fixture(scope="module")
def tg_brain(built_db):
    return Brain(built_db, DATA_DIR, auto_build=False)


async def _harness(brain, db_path):
    settings = Settings(token=DEFAULT_TOKEN, db_path=db_path, data_dir=DATA_DIR, admins=frozenset({ADMIN}),
                        user_rate_limit=1000)
    core = BotApiCore()
    app = build_application(settings, brain, request=RecordingRequest(core))
    await app.initialize()
    return Harness(app, core)


@pytest.fixture
async def tg(tg_brain, built_db, tmp_path):
    tg_brain.talkback = Talkback(tg_brain, tmp_path / "users.sqlite", admins={ADMIN})
    tg_brain.conversations = Conversations()
    harness = await _harness(tg_brain, built_db)
    yield harness
    await harness.app.shutdown()
    tg_brain.talkback.db.close()


def sent_to(calls, chat_id: int) -> list:
    return [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == chat_id and c.status == 200]


async def say(h: Harness, text: str, user: int = USER):
    return await h.send(h.users.message(text, user_id=user))


async def press(h: Harness, data: str, message: dict, user: int = USER):
    return await h.send(h.users.callback(data, message, user_id=user))


async def test_report_admin_notice_decision_and_reporter_told(tg):
    await say(tg, "Fehler melden")
    await say(tg, "Jenaer Allianz")
    await say(tg, "Die Adresse <b>stimmt</b> nicht mehr.")
    summary = only(await say(tg, "ohne Quelle"), "sendMessage")
    assert callback_data(summary.params["reply_markup"]) == ["f:ok", "f:x"]
    calls = await press(tg, "f:ok", summary.result)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "Meldung #1 ist eingegangen" in calls[1].params["text"]
    notice = calls[2]
    assert notice.params["chat_id"] == ADMIN and "Neue Meldung #1" in notice.params["text"]
    assert "&lt;b&gt;stimmt&lt;/b&gt;" in notice.params["text"]  # the reporter's text, escaped
    assert callback_data(notice.params["reply_markup"])[:3] == ["R:1:a", "R:1:x", "R:1:q"]

    listing = only(await say(tg, "/meldungen", user=ADMIN), "sendMessage")
    assert listing.params["chat_id"] == ADMIN and "Offene Meldungen: 1" in listing.params["text"]
    calls = await press(tg, "R:1:a", listing.result, user=ADMIN)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "übernommen" in calls[1].params["text"] and "Keine offenen Meldungen" in calls[1].params["text"]
    [told] = sent_to(calls, USER)
    assert "Ihre Meldung #1 zu „Jenaer Allianz für Fachkräfte“ wurde übernommen" in told.params["text"]


async def test_meldungen_is_refused_for_others(tg):
    assert "nur für Administratoren" in only(await say(tg, "/meldungen"), "sendMessage").params["text"]


async def test_thumbs_up_removes_the_row_says_thanks_and_counts_in_stats(tg):
    answer = only(await say(tg, SN_QUESTION), "sendMessage")
    data = callback_data(answer.params["reply_markup"])
    assert data[-2:] == ["v:+:region:list", "v:-:region:list"] and "s:SN:1" in data
    calls = await press(tg, "v:+:region:list", answer.result)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert calls[0].params["text"] == "Danke!"
    kept = callback_data(calls[1].params["reply_markup"])
    assert "s:SN:1" in kept and not [d for d in kept if d.startswith("v:")]  # only the rating row went
    stats = only(await say(tg, "/stats", user=ADMIN), "sendMessage").params["text"]
    assert "Zufriedenheit (👍/👎 je Art): region: 1/0 (100 %)" in stats


async def test_thumbs_down_asks_what_was_missing(tg):
    answer = only(await say(tg, "Gibt es Netzwerke für Astronauten?"), "sendMessage")
    down = [d for d in callback_data(answer.params["reply_markup"]) if d.startswith("v:-")][0]
    calls = await press(tg, down, answer.result)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]
    assert "Was hat gefehlt?" in calls[2].params["text"]
    assert "notiert" in only(await say(tg, "Raumfahrt-Netzwerke"), "sendMessage").params["text"]
    assert tg.brain().talkback.db.count_comments() == 1


async def test_no_rating_row_under_commands_and_buttons(tg):
    for text in ("/region Sachsen", "/start", "/award 2013"):
        markup = only(await say(tg, text), "sendMessage").params.get("reply_markup")
        assert not [d for d in callback_data(markup) if d.startswith("v:")], text
    listing = only(await say(tg, "/region Sachsen"), "sendMessage")
    edit = (await press(tg, "s:SN:1", listing.result))[-1]
    assert not [d for d in callback_data(edit.params.get("reply_markup")) if d.startswith("v:")]


async def test_heimat_then_nearby_and_a_location_after_heimat(tg):
    saved = only(await say(tg, "/heimat 37073"), "sendMessage")
    assert "37073 Göttingen" in saved.params["text"]
    nearby = only(await say(tg, "in meiner Nähe"), "sendMessage")
    assert "Fachkräftebündnis Südniedersachsen" in nearby.params["text"]
    assert "keyboard" not in nearby.params["reply_markup"]  # no "share your location" any more
    hint, shown = await say(tg, "/heimat")  # the location keyboard rides on a hint of its own
    assert hint.params["reply_markup"]["keyboard"][0][0]["request_location"] is True
    assert "Ihr Heimatort: 37073 Göttingen" in shown.params["text"]
    calls = await tg.send(tg.users.location(50.9271, 11.5892))
    assert calls[0].params["reply_markup"] == {"remove_keyboard": True}
    assert "Ihr Standort (auf etwa 1 km gerundet)" in sent_to(calls, USER)[-1].params["text"]


async def test_a_report_button_under_a_card_opens_the_dialogue_below_it(tg):
    card = only(await say(tg, "/netzwerk Jenaer Allianz"), "sendMessage")
    assert "e:jenaer-allianz-fuer-fachkraefte" in callback_data(card.params["reply_markup"])
    calls = await press(tg, "e:jenaer-allianz-fuer-fachkraefte", card.result)
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]  # the card stays
    assert "Was ist bei „Jenaer Allianz für Fachkräfte“" in calls[1].params["text"]


async def test_vergessen_through_telegram(tg):
    await say(tg, "/heimat 37073")
    await say(tg, "/abo")
    text = only(await say(tg, "/vergessen"), "sendMessage").params["text"]
    assert "Heimatort" in text and "Abo" in text
    assert tg.brain().talkback.db.rows_mentioning(str(USER)) == []


async def test_the_menu_offers_the_new_commands(tg):
    await post_init(tg.app)
    german = {c["command"] for c in tg.core.calls_of("setMyCommands")[0].params["commands"]}
    assert {"heimat", "abo", "melden", "vergessen"} <= german and "meldungen" not in german


async def test_a_broken_user_database_keeps_the_bot_answering(tg, tmp_path):
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"\x00garbage" * 512)
    tg.brain().talkback = Talkback(tg.brain(), path, admins={ADMIN})
    assert "gerade nicht verfügbar" in only(await say(tg, "/melden"), "sendMessage").params["text"]
    answer = only(await say(tg, SN_QUESTION), "sendMessage")
    assert "Netzwerke in Sachsen: 21" in answer.params["text"]
    calls = await press(tg, "v:+:region:list", answer.result)
    assert [c.method for c in calls] == ["answerCallbackQuery"]  # the row stays for a later try
    assert calls[0].params["text"] == "Bewertung gerade nicht möglich."
    assert "Wo suchen Sie?" in only(await say(tg, "in meiner Nähe"), "sendMessage").params["text"]


async def test_news_go_out_through_the_job_queue_and_blocked_users_are_unsubscribed(db_copy, tmp_path):
    brain = Brain(db_copy, DATA_DIR, users_db=tmp_path / "users.sqlite", admins={ADMIN})
    h = await _harness(brain, db_copy)
    try:
        for user in (100, 101):
            await h.send(UpdateFactory(user).message("/heimat 37073"))
            await h.send(UpdateFactory(user).message("/abo"))
        path = tmp_path / "neu.yaml"
        path.write_text(NEW_NEAR_GOETTINGEN, encoding="utf-8")
        assert import_file(db_copy, path, Catalog.load(DATA_DIR)).ok
        mark = len(h.core.calls)
        reply = only(await say(h, "/reload", user=ADMIN), "sendMessage")
        assert "Neuigkeiten für 2 Abonnenten" in reply.params["text"]
        assert len(h.app.bot_data[NEWS_QUEUE]) == 2  # queued for the job, not sent by the handler
        h.core.inject("sendMessage", times=1, status=403, description="Forbidden: bot was blocked by the user")
        await h.app.start()  # the JobQueue runs from here on
        for _ in range(100):
            news = [c for c in h.core.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] in (100, 101)]
            if len(news) == 2 and not h.app.bot_data.get(NEWS_QUEUE):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        await h.app.stop()
        news = [c for c in h.core.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] in (100, 101)]
        statuses = sorted(c.status for c in news)
        assert statuses == [200, 403]
        delivered = next(c for c in news if c.status == 200)
        assert "Fachkräftenetz Leinetal" in delivered.params["text"]
        blocked = next(c for c in news if c.status == 403).params["chat_id"]
        assert brain.talkback.db.subscription(str(blocked)) is None
        assert brain.talkback.db.subscription(str(delivered.params["chat_id"])) is not None
    finally:
        if h.app.running:
            await h.app.stop()
        await h.app.shutdown()
