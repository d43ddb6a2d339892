"""End to end: ``netzwerkbot run`` as a subprocess against the fake Bot API server, an English-speaking and a
German-speaking user in the same run. The English client (``language_code="en"``) gets an English /start, an
English list and an English award answer; the German user still gets German; ``/language`` switches (the
German user presses the English button and gets English from then on) – and the command menus are set per
language."""

from __future__ import annotations

import pytest

from fake_botapi import UpdateFactory
from test_e2e import START_TIMEOUT, api, assert_clean_output, buttons, make_env, run_bot  # noqa: F401 - fixtures
from test_e2e_talkback import Dialogue

pytestmark = pytest.mark.e2e

ALICE, ERIKA = 5001, 5002  # an English client, a German one


def test_english_and_german_users_in_one_run(api, make_env, run_bot):  # noqa: F811 - fixtures
    bot = run_bot(make_env(api.base_url, LOG_LEVEL="INFO"))
    api.wait_for("getUpdates", timeout=START_TIMEOUT)
    menus = {call.params.get("language_code"): {c["command"]: c["description"] for c in call.params["commands"]}
             for call in api.calls_of("setMyCommands")}
    assert "Start und Überblick" == menus[None]["start"] and "Start and overview" == menus["en"]["start"]
    assert "language" in menus["en"] and "sprache" in menus[None]

    alice = UpdateFactory(ALICE, "Alice", language_code="en-GB")
    erika = UpdateFactory(ERIKA, "Erika", language_code="de")
    chat = Dialogue(api)

    # the English client: /start, a list, an award year – all in English
    welcome = chat.after(alice.message("/start"), ALICE, "Welcome to netzwerkbot!")
    assert "Ask, for example:" in welcome.params["text"] and "Willkommen" not in welcome.params["text"]
    listing = chat.after(alice.message("networks in Saxony"), ALICE, "Networks in Saxony: 21")
    assert "Page 1 of 4 · 21 networks in all" in listing.params["text"]
    assert buttons(listing.result)["Next ▶"] == "s:SN:1"
    award = chat.after(alice.message("/award 2013"), ALICE, "„Innovatives Netzwerk“ 2013 (Innovative Network award)")
    assert "on 8 April 2013" in award.params["text"] and "Sources:" in award.params["text"]
    # a button goes on in English (the conversation's language)
    seen = len(chat._sent(ALICE, "editMessageText"))
    api.enqueue(alice.callback("s:SN:1", listing.result))
    page = chat.wait(ALICE, "Page 2 of 4", seen, method="editMessageText")
    assert "Networks in Saxony" in page.params["text"]

    # the German user in the same run: German
    hallo = chat.after(erika.message("/start"), ERIKA, "Willkommen beim netzwerkbot!")
    assert "Welcome" not in hallo.params["text"]
    sachsen = chat.after(erika.message("Welche Netzwerke gibt es in Sachsen?"), ERIKA, "Netzwerke in Sachsen: 21")
    assert "Seite 1 von 4" in sachsen.params["text"]

    # /language: the German user presses the English button – English from then on, even for German words
    choice = chat.after(erika.message("/language"), ERIKA, "In welcher Sprache soll ich antworten?")
    assert buttons(choice.result) == {"🇩🇪 Deutsch": "L:de", "🇬🇧 English": "L:en"}
    seen = len(chat._sent(ERIKA, "editMessageText"))
    api.enqueue(erika.callback("L:en", choice.result))
    switched = chat.wait(ERIKA, "From now on I answer in English.", seen, method="editMessageText")
    assert switched.params["message_id"] == choice.result["message_id"]
    chat.after(erika.message("Sachsen"), ERIKA, "Networks in Saxony: 21")
    chat.after(erika.message("Pflege in Niedersachsen"), ERIKA, "Topic “Health and care” in Lower Saxony")
    # Alice was not touched by Erika's choice, and asks in German: the message's language decides for her
    chat.after(alice.message("Welche Netzwerke gibt es in Bayern?"), ALICE, "Netzwerke in Bayern:")

    assert bot.stop() == 0
    assert_clean_output(bot)
