"""Talkback through the brain, as every face uses it (``Brain.ask/act/locate`` with a caller): the report
dialogue and the admins' side, ratings, the home place, subscriptions and their news, /vergessen, the
export of accepted reports, and what happens when the user database cannot be used."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
import yaml

from bot.brain import Brain
from bot.catalog import Catalog
from bot.conversation import Conversations
from bot.feedback import phrases
from bot.feedback.export import export_reports
from bot.feedback.talkback import MAX_BODY, MAX_OPEN_PER_USER, Talkback, source_url, visible_domain
from bot.feedback.userdb import UserDataUnavailable
from bot.importer import import_file
from bot import actions
from bot.models import Caller
from bot.settings import PROJECT_ROOT

from talkback_helpers import ADMIN, JENA, USER, Chat, actions_of, button, html, text

DATA_DIR = PROJECT_ROOT / "data"
SN_QUESTION = "Welche Netzwerke in Sachsen?"


@pytest.fixture(scope="module")
def shared_brain(built_db):
    return Brain(built_db, DATA_DIR, auto_build=False)


@pytest.fixture
def brain(shared_brain, tmp_path):
    """The module's brain with a fresh user database, fresh dialogues and conversations."""
    shared_brain.talkback = Talkback(shared_brain, tmp_path / "users.sqlite", admins={int(ADMIN)})
    shared_brain.conversations = Conversations()
    yield shared_brain
    shared_brain.talkback.db.close()


@pytest.fixture
def user(brain):
    return Chat(brain)


@pytest.fixture
def admin(brain):
    return Chat(brain, ADMIN)


def report_jena(user: Chat, body: str = "Die Adresse ist veraltet.", source: str = "https://www.jena.de/x") -> int:
    user.say(f"/melden Jenaer Allianz")
    user.say(body)
    user.say(source)
    done = user.say("ja")
    assert "ist eingegangen" in text(done), text(done)
    return int(text(done).split("#")[1].split()[0])


# -- starting a report ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("phrase, first_step", [
    ("Fehler melden", "Welches Netzwerk"), ("Angaben veraltet", "Welches Netzwerk"),
    ("Die Adresse ist veraltet", "Welches Netzwerk"), ("falsche Angaben", "Welches Netzwerk"),
    ("Ich möchte einen Fehler melden", "Welches Netzwerk"), ("/melden", "Welches Netzwerk"),
    ("unser Netzwerk fehlt", "Wie heißt das Netzwerk"), ("Netzwerk eintragen", "Wie heißt das Netzwerk"),
    ("Wie kann ich unser Netzwerk eintragen lassen?", "Wie heißt das Netzwerk"),
    ("Unser Netzwerk ist nicht dabei", "Wie heißt das Netzwerk"),
])
def test_phrasings_start_the_report_dialogue(user, phrase, first_step):
    answer = user.say(phrase)
    assert answer.intent == "report" and first_step in text(answer)
    assert "f:x" in actions_of(answer)  # always a way out


def test_no_labelled_question_is_taken_for_a_report_or_for_here():
    """The phrasings never catch a question about networks (951 labelled questions)."""
    for name in ("questions.yaml", "questions_holdout.yaml"):
        data = yaml.safe_load((PROJECT_ROOT / "tests" / name).read_text(encoding="utf-8"))
        items = data["questions"] if isinstance(data, dict) else data
        assert len(items) >= 100
        for item in items:
            assert phrases.report_kind(item["q"]) is None, item["q"]
            if phrases.is_here(item["q"]):  # "in der Nähe": the home place, if there is one
                assert item["intent"] == "nearby" and not item.get("region"), item
    for question in ("Wo kann ich mich melden?", "Bei wem melde ich mich in Jena?", "Kontakt Jenaer Allianz",
                     "Wie kann ich mich beim Netzwerk anmelden?"):
        assert phrases.report_kind(question) is None


def test_report_about_a_known_network_from_command_to_admins(user, brain):
    asked = user.say("/melden Jenaer Allianz")
    assert "Was ist bei „Jenaer Allianz für Fachkräfte“ falsch" in text(asked)
    assert "Haben Sie eine Quelle" in text(user.say("Die Adresse ist veraltet: jetzt Markt 1."))
    assert "nicht wie ein Link" in text(user.say("auf der Website der Stadt"))
    summary = user.say("siehe https://www.jena.de/fachkraefte.")
    assert "Jenaer Allianz für Fachkräfte" in text(summary) and "www.jena.de – https://www.jena.de/fachkraefte" \
        in text(summary) and actions_of(summary) == ["f:ok", "f:x"]
    assert "Bitte bestätigen" in text(user.say("hm"))  # anything else: asked again
    done = user.say("ja")
    assert done.intent == "report" and "Ihre Meldung #1 ist eingegangen" in text(done)
    [notice] = done.outbox
    assert notice.user == ADMIN and "Neue Meldung #1" in text(notice.answer)
    assert actions_of(notice.answer) == ["R:1:a", "R:1:x", "R:1:q", f"p:{JENA}"]
    report = brain.talkback.db.report(1)
    assert (report.network_id, report.status, report.reporter, report.source_url) == \
           (JENA, "open", USER, "https://www.jena.de/fachkraefte")
    assert not brain.talkback.flows.has(user.caller.conversation)


def test_fehler_melden_button_on_every_profile_and_contact_card(user, brain):
    for answer in (brain.ask("Jenaer Allianz"), brain.ask("Kontakt Jenaer Allianz"), brain.act(f"p:{JENA}")):
        assert button(answer, "✏️ Fehler melden") == f"e:{JENA}"
    pressed = user.press(f"e:{JENA}")
    assert pressed.below and "Was ist bei „Jenaer Allianz für Fachkräfte“" in text(pressed)
    assert "/melden" in text(brain.act(f"e:{JENA}"))  # without a chat: a polite hint, never "not available"
    assert "nicht (mehr) verfügbar" not in text(brain.act(f"e:{JENA}"))


def test_a_missing_network_with_its_place_and_buttons(user, brain):
    user.say("Unser Netzwerk fehlt")
    assert "Wo ist „Fachkräftenetz Neustadt“ tätig" in text(user.say("Fachkräftenetz Neustadt"))
    which = user.say("Neustadt")
    assert "Welchen Ort meinen Sie?" in text(which)
    place = next(a for a in actions_of(which) if a.startswith("f:o"))
    assert "Was sollten wir über „Fachkräftenetz Neustadt“ wissen" in text(user.press(place))
    user.say("Träger ist die Wirtschaftsförderung, Thema Pflege.")
    summary = user.press("f:skip")
    assert "Neues Netzwerk: Fachkräftenetz Neustadt" in text(summary) and "Quelle: keine" in text(summary)
    done = user.press("f:ok")
    assert "eingegangen" in text(done) and done.outbox
    report = brain.talkback.db.report(1)
    assert report.network_id is None and report.place_kind == "town" and report.place_state


def test_an_unknown_name_is_offered_as_a_new_network(user, brain):
    answer = user.say("/melden Fachkräfteinitiative Zzyzx")
    assert "kenne ich nicht" in text(answer) and "f:new" in actions_of(answer)
    assert "Wo ist „Fachkräfteinitiative Zzyzx“ tätig" in text(user.press("f:new"))
    assert "übernehme Ihre Angabe so" in text(user.say("Irgendwo im Qqqqq-Tal"))


@pytest.mark.parametrize("steps", [["Fehler melden"], ["/melden Jenaer Allianz"],
                                   ["/melden Jenaer Allianz", "Adresse alt"],
                                   ["/melden Jenaer Allianz", "Adresse alt", "ohne"],
                                   ["unser Netzwerk fehlt", "Netz X"]])
def test_abbrechen_at_any_step_stores_nothing(user, brain, steps):
    for step in steps:
        user.say(step)
    assert "Abgebrochen" in text(user.say("abbrechen"))
    assert brain.talkback.db.reports(None) == []
    assert user.say(SN_QUESTION).intent == "region"  # the dialogue is over


def test_a_command_leaves_the_dialogue_and_says_so(user, brain):
    user.say("/melden Jenaer Allianz")
    answer = user.say("/region Sachsen")
    assert "Netzwerke in Sachsen" in text(answer) and "verworfen" in text(answer)
    assert not brain.talkback.flows.has(user.caller.conversation)


def test_the_cancel_button_and_an_expired_button(user, brain):
    user.say("Fehler melden")
    assert "Abgebrochen" in text(user.press("f:x"))
    assert "abgelaufen" in text(user.press("f:ok"))
    assert brain.talkback.db.reports(None) == []


def test_report_text_is_untrusted(user, brain):
    nasty = "<b>fett</b> <script>alert(1)</script> \u202etxt.exe\x00 & <a href='javascript:x'>klick</a> " + "x" * 2000
    user.say("/melden Jenaer Allianz")
    user.say(nasty)
    summary = user.say("https://xn--bms-bna.de.example/pfad")  # something that looks like a German ministry
    assert "gekürzt" in text(summary)
    done = user.say("ja")
    card = html(done.outbox[0].answer)
    assert "<script>" not in card and "&lt;script&gt;" in card and "<a " not in card  # escaped, never a link
    report = brain.talkback.db.report(1)
    assert len(report.body) == MAX_BODY and "\u202e" not in report.body and "\x00" not in report.body
    # the admins see the domain a link really points to, in ASCII
    assert visible_domain("https://bmаs.de/x") == "xn--bms-7cd.de"  # a Cyrillic "а"
    assert visible_domain("https://www.bmas.de@evil.example/x") == "evil.example"
    assert source_url("javascript:alert(1)") is None and source_url("https://localhost") is None
    assert source_url("www.bmas.de/fachkraefte") == "https://www.bmas.de/fachkraefte"


def test_reports_per_user_are_limited(user, brain):
    for _ in range(MAX_OPEN_PER_USER):
        report_jena(user)
    refused = user.say("Fehler melden")
    assert "offene Meldungen" in text(refused) and not brain.talkback.flows.has(user.caller.conversation)
    other = Chat(brain, "5555")
    assert "Welches Netzwerk" in text(other.say("Fehler melden"))  # per user


def test_reports_per_day_are_limited(user, brain, monkeypatch):
    for n in range(10):
        report_id = report_jena(user)
        brain.talkback.db.decide(report_id, "rejected")  # never too many open at once
    assert "letzten 24 Stunden" in text(user.say("Fehler melden"))
    later = brain.talkback.clock() + 86401
    monkeypatch.setattr(brain.talkback, "clock", lambda: later)
    assert "Welches Netzwerk" in text(user.say("Fehler melden"))


# -- the admins' side -----------------------------------------------------------------------------------------
def test_meldungen_is_for_admins_only(user, admin, brain):
    report_jena(user)
    assert "nur für Administratoren" in text(user.say("/meldungen"))
    assert "nur für Administratoren" in text(user.press("R:1:a"))
    assert brain.talkback.db.report(1).status == "open"
    listing = admin.say("/meldungen")
    assert "Offene Meldungen: 1" in text(listing) and "Die Adresse ist veraltet." in text(listing)
    assert actions_of(listing) == ["R:1:a", "R:1:x", "R:1:q"]


@pytest.mark.parametrize("verb, status, told", [("a", "accepted", "wurde übernommen"),
                                                ("x", "rejected", "nicht übernommen")])
def test_a_decision_tells_the_reporter(user, admin, brain, verb, status, told):
    report_id = report_jena(user)
    decided = admin.press(f"R:{report_id}:{verb}")
    assert "Der Melder wird benachrichtigt" in text(decided) and "Keine offenen Meldungen" in text(decided)
    [notice] = decided.outbox
    assert notice.user == USER and told in text(notice.answer) and "Jenaer Allianz für Fachkräfte" in text(notice.answer)
    report = brain.talkback.db.report(report_id)
    assert report.status == status and report.reporter is None and report.decided_at  # the link is gone
    again = admin.press(f"R:{report_id}:a")
    assert "schon entschieden" in text(again) and not again.outbox


def test_nachfragen_and_the_reporters_answer(user, admin, brain):
    report_id = report_jena(user)
    prompt = admin.press(f"R:{report_id}:q")
    assert prompt.below and "Ihre Rückfrage zu Meldung #1" in text(prompt)
    sent = admin.say("Seit wann gilt die neue Adresse?")
    assert "weitergeleitet" in text(sent)
    [question] = sent.outbox
    assert question.user == USER and "Seit wann gilt die neue Adresse?" in text(question.answer)
    assert actions_of(question.answer) == [f"y:{report_id}"]
    assert "nicht (mehr) offen" in text(Chat(brain, "5555").press(f"y:{report_id}"))  # only the reporter
    assert "Ihre Antwort zu Meldung #1" in text(user.press(f"y:{report_id}"))
    replied = user.say("Seit dem 1. Dezember.")
    assert "bei der Redaktion" in text(replied)
    [to_admin] = replied.outbox
    assert to_admin.user == ADMIN and "Seit dem 1. Dezember." in text(to_admin.answer)
    listing = text(admin.say("/meldungen"))
    assert "Rückfrage: Seit wann" in listing and "Antwort: Seit dem 1. Dezember." in listing


# -- ratings ----------------------------------------------------------------------------------------------------
def test_ratings_only_under_answers_to_free_text_questions(user, brain):
    rated = user.say(SN_QUESTION)
    assert actions_of(rated)[-2:] == ["v:+:region:list", "v:-:region:list"]
    cached = brain.cached("ask", SN_QUESTION, caller=user.caller)
    assert cached is not None and actions_of(cached)[-2:] == ["v:+:region:list", "v:-:region:list"]
    assert actions_of(user.say("Jenaer Allianz"))[-1] == "v:-:profile:card"
    for answer in (user.say("/region Sachsen"), user.press("s:SN:1"), user.say("weiter"), user.say("Hallo"),
                   user.share(50.93, 11.59), user.say("Neustadt"), brain.ask(SN_QUESTION)):
        assert not any(a.startswith("v:") for a in actions_of(answer)), text(answer)[:80]


def test_a_thumbs_up_is_stored_without_the_user(user, brain):
    pressed = user.press(actions_of(user.say(SN_QUESTION))[-2])
    assert pressed.toast == "Danke!" and pressed.strip_actions == "v:" and pressed.below and not pressed.paragraphs
    assert brain.talkback.db.satisfaction() == [("region", "list", 1, 0)]
    assert brain.talkback.db.rows_mentioning(USER) == [] and brain.talkback.db.rows_mentioning(SN_QUESTION) == []


def test_a_thumbs_down_asks_what_was_missing(user, brain):
    pressed = user.press("v:-:unknown:text")
    assert "Was hat gefehlt?" in text(pressed) and actions_of(pressed) == ["f:skip"]
    assert "notiert" in text(user.say("Ich suchte Netzwerke für Gastronomie"))
    assert brain.talkback.db.comments() == [(dt.date.today().isoformat(), "unknown", "text",
                                             "Ich suchte Netzwerke für Gastronomie")]
    user.press("v:-:region:list")
    assert "Alles klar" in text(user.press("f:skip"))
    assert brain.talkback.db.count_comments() == 1
    assert brain.talkback.satisfaction()[0] == [("region", "list", 0, 1), ("unknown", "text", 0, 1)]


def test_forged_ratings_store_nothing(user, brain):
    for action in ("v:+:region:bogus", "v:*:region:list", "v:+:DROP TABLE:list", "v:+:region:list:9"):
        answer = user.press(action)
        assert "nicht (mehr) verfügbar" in text(answer)
    assert brain.talkback.db.satisfaction() == []


# -- home place -----------------------------------------------------------------------------------------------
def test_heimat_then_in_meiner_naehe_lists_goettingen(user, brain):
    before = user.say("in meiner Nähe")
    assert before.request_location and "/heimat" in text(before)
    saved = user.say("/heimat 37073")
    assert "Ihr Heimatort ist jetzt 37073 Göttingen" in text(saved)
    for phrase in ("in meiner Nähe", "/naehe", "hier", "Was gibt es hier bei mir in der Gegend?"):
        answer = user.say(phrase)
        assert answer.intent == "nearby" and not answer.request_location, phrase
        assert "Heimatort 37073 Göttingen" in text(answer) and "Fachkräftebündnis Südniedersachsen" in text(answer)
    assert "Seite 2" in text(user.say("weiter"))  # the conversation pages the home list
    assert "Wo suchen Sie?" in text(Chat(brain, "5555").say("in meiner Nähe"))  # per user


def test_heimat_choices_location_and_clearing(user, brain):
    which = user.say("/heimat Neustadt")
    assert "Welchen Ort meinen Sie?" in text(which)
    assert "Heimatort ist jetzt Neustadt" in text(user.press(actions_of(which)[0]))
    assert "zu groß" in text(user.say("/heimat Sachsen"))
    assert "kenne ich nicht" in text(user.say("/heimat Qqqqqhausen"))
    shown = user.say("/heimat")
    assert "Ihr Heimatort: Neustadt" in text(shown) and shown.request_location
    assert "außerhalb Deutschlands" in text(user.share(48.85, 2.35))
    assert "Ihr Standort (auf etwa 1 km gerundet)" in text(user.share(51.53412, 9.93567))
    home = brain.talkback.db.home(USER)
    assert (home.lat, home.lon, home.ref) == (51.53, 9.94, None)
    assert "Netzwerke in Ihrer Nähe" in text(user.say("in meiner Nähe"))
    assert user.share(51.0, 10.0).intent == "nearby"  # no /heimat before: an ordinary location
    assert brain.talkback.db.home(USER).lat == 51.53
    user.say("/abo")
    assert "gelöscht und Ihr Abo beendet" in text(user.press("H:-"))
    assert brain.talkback.db.home(USER) is None and brain.talkback.db.subscription(USER) is None


def test_a_place_typed_after_heimat_is_saved_and_a_question_is_answered(user, brain):
    user.say("/heimat")
    assert "Heimatort ist jetzt 37073 Göttingen" in text(user.say("37073"))
    user.say("/heimat")
    assert user.say("Kontakt Jenaer Allianz").intent == "contact"  # not a place: answered as usual
    assert brain.talkback.db.home(USER).name == "37073 Göttingen"


# -- subscription and news ---------------------------------------------------------------------------------------
def test_abo_needs_a_home_and_shows_and_ends(user, brain):
    assert "brauche ich Ihren Heimatort" in text(user.say("/abo"))
    user.say("/heimat 37073")
    assert "Abo gestartet" in text(user.say("/abo")) and "50 km um 37073 Göttingen" in text(user.last)
    shown = user.say("/abo")
    assert "Ihr Abo" in text(shown) and actions_of(shown) == ["A:-"]
    assert "Abo beendet" in text(user.press("A:-"))
    assert "kein Abo" in text(user.say("/abo aus"))
    assert "Abo gestartet" in text(user.press("A:+"))
    assert "Abo beendet" in text(user.say("/abo beenden"))


NEW_NEAR_GOETTINGEN = """networks:
- id: fachkraeftenetz-leinetal
  name: Fachkräftenetz Leinetal
  states: [Niedersachsen]
  towns: [Göttingen]
  awards: [{year: 2022, award: Innovatives Netzwerk}]
- id: fachkraeftenetz-isartal
  name: Fachkräftenetz Isartal
  states: [Bayern]
  towns: [München]
"""


def test_news_after_an_import_and_reload_reach_only_nearby_subscribers(db_copy, tmp_path):
    brain = Brain(db_copy, DATA_DIR, users_db=tmp_path / "users.sqlite", admins={int(ADMIN)})
    near, far, idle = Chat(brain, "100"), Chat(brain, "200"), Chat(brain, "300")
    near.say("/heimat 37073"), near.say("/abo")
    far.say("/heimat 24103"), far.say("/abo")  # Kiel
    idle.say("/heimat 37073")  # a home, but no subscription
    counts, nothing = brain.talkback.reload()
    assert nothing == [] and counts["networks"] == 228
    path = tmp_path / "neu.yaml"
    path.write_text(NEW_NEAR_GOETTINGEN, encoding="utf-8")
    assert import_file(db_copy, path, Catalog.load(DATA_DIR)).ok
    counts, news = brain.talkback.reload()
    assert counts["networks"] == 230
    [notice] = news
    assert notice.user == "100" and notice.kind == "news"
    body = text(notice.answer)
    assert "Neu in Ihrer Region (bis 50 km um 37073 Göttingen)" in body and "Fachkräftenetz Leinetal" in body
    assert "Isartal" not in body and "Innovatives Netzwerk 2022" in body
    assert "p:fachkraeftenetz-leinetal" in actions_of(notice.answer)
    assert brain.talkback.reload()[1] == []  # nothing new the second time


def test_new_award_years_reach_every_subscriber(brain):
    chat = Chat(brain, "100")
    chat.say("/heimat 24103"), chat.say("/abo")
    before = ({JENA}, set(), {2013})
    after = ({JENA}, {(JENA, 2026, "Innovatives Netzwerk")}, {2013, 2026})
    [notice] = brain.talkback.news(before, after)
    assert "Neues Preisjahr 2026" in text(notice.answer) and "a:2026" in actions_of(notice.answer)


def test_blocked_subscribers_are_unsubscribed(brain):
    chat = Chat(brain, "100")
    chat.say("/heimat 37073"), chat.say("/abo")
    brain.talkback.blocked("100")
    assert brain.talkback.db.subscription("100") is None and brain.talkback.db.home("100") is not None


# -- forgetting -----------------------------------------------------------------------------------------------------
def test_vergessen_leaves_no_row_of_the_user(user, admin, brain):
    user.say("/heimat 37073"), user.say("/abo")
    open_id = report_jena(user, body="Offen bleibt diese Meldung.")
    report_jena(user, body="Diese wird gefragt.")
    admin.press("R:2:q"), admin.say("Quelle?")
    user.press("v:-:region:list")
    user.say("Mehr Karten bitte")
    user.say("Fehler melden")  # a dialogue in progress
    brain.languages.choose(user.caller.conversation, "de")
    assert brain.talkback.db.rows_mentioning(USER)
    done = user.say("/vergessen")
    assert "Heimatort" in text(done) and "Abo" in text(done) and "2 Meldungen" in text(done)
    assert brain.talkback.db.rows_mentioning(USER) == []
    assert brain.talkback.db.report(open_id).body == "Offen bleibt diese Meldung."  # the text stays, anonymous
    assert not brain.talkback.flows.has(user.caller.conversation)
    # nor what the brain keeps in memory: the chat's last turn and its language choice
    assert brain.conversations.get(user.caller.conversation) is None
    assert brain.languages.get(user.caller.conversation) is None
    assert "nichts gespeichert" in text(user.say("/vergessen"))
    decided = admin.press(f"R:{open_id}:a")
    assert not decided.outbox and "nicht mehr erreichbar" in text(decided)


# -- without a chat ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["/melden", "/heimat 37073", "/abo", "/vergessen", "/meldungen"])
def test_own_commands_without_a_chat_say_where_they_work(brain, command):
    answer = brain.ask(command)
    assert "nur im Chat" in text(answer) and brain.talkback.db.reports(None) == []


def test_without_a_caller_answers_stay_as_they_were(brain):
    assert not any(a.startswith("v:") for a in actions_of(brain.ask(SN_QUESTION)))
    assert brain.ask("in meiner Nähe").request_location


# -- exporting accepted reports -----------------------------------------------------------------------------------------
def test_export_gives_an_import_file_the_operator_can_use(brain, user, admin, db_copy, tmp_path):
    report_jena(user, body="Neue Adresse: Markt 1.\u2028networks: [{id: evil}]", source="https://www.jena.de/neu")
    user.say("Unser Netzwerk fehlt"), user.say("Fachkräftenetz Leinetal"), user.say("Göttingen")
    user.say("Koordiniert von der Stadt."), user.say("https://www.goettingen.de/fk"), user.say("ja")
    user.say("unser Netzwerk fehlt"), user.say("Netz ohne Ort"), user.say("Qqqqq-Tal"), user.say("x"),
    user.say("ohne"), user.say("ja")
    for report_id in (1, 2, 3):
        admin.press(f"R:{report_id}:a")
    content, problems, ids = export_reports(brain.talkback.db.path, db_copy, DATA_DIR)
    assert ids == [1, 2, 3]
    data = yaml.safe_load(content)["networks"]
    assert [r["id"] for r in data] == [JENA, "fachkraeftenetz-leinetal", "netz-ohne-ort"]
    assert "https://www.jena.de/neu" in data[0]["sources"] and "evil" not in str(data)  # user text: comments only
    assert "# Meldung #1" in content and "Neue Adresse: Markt 1. networks" in content
    assert data[1]["states"] == ["Niedersachsen"] and data[1]["towns"] == ["Göttingen"]
    assert [p for p in problems if "netz-ohne-ort" in p and "states" in p]  # the operator must add the state
    del data[2]
    path = tmp_path / "import.yaml"
    path.write_text(yaml.safe_dump({"networks": data}, allow_unicode=True), encoding="utf-8")
    result = import_file(db_copy, path, Catalog.load(DATA_DIR))
    assert result.ok and result.added == ["fachkraeftenetz-leinetal"] and result.updated == [JENA]


# -- the user database fails: the bot keeps answering -----------------------------------------------------------------------
def _break(path) -> None:
    path.write_bytes(b"this is not a database" * 200)


def test_a_damaged_user_database_disables_only_the_feature(shared_brain, tmp_path):
    path = tmp_path / "users.sqlite"
    _break(path)
    shared_brain.talkback = Talkback(shared_brain, path, admins={int(ADMIN)})
    user = Chat(shared_brain, "777")
    assert "Das Melden ist gerade nicht verfügbar" in text(user.say("Fehler melden"))
    assert "Der Heimatort ist gerade nicht verfügbar" in text(user.say("/heimat 37073"))
    assert "Das Abo ist gerade nicht verfügbar" in text(user.say("/abo"))
    assert "konnten gerade nicht gelöscht werden" in text(user.say("/vergessen"))
    answer = user.say(SN_QUESTION)
    assert "Netzwerke in Sachsen: 21" in text(answer)  # questions are answered as before
    assert user.press(actions_of(answer)[-2]).toast == "Bewertung gerade nicht möglich."
    nearby = user.say("in meiner Nähe")
    assert nearby.request_location and "nicht abrufbar" in text(nearby)
    denied = user.press(f"e:{JENA}")
    assert denied.below and "nicht verfügbar" in text(denied)  # never replaces the card it was pressed on
    assert path.read_bytes() == b"this is not a database" * 200  # and the file is left alone


def test_a_locked_user_database_refuses_writes_but_answers(brain, user):
    user.say("/heimat 37073")
    brain.talkback.db.busy_timeout_ms = 200
    brain.talkback.db.close()
    other = sqlite3.connect(brain.talkback.db.path, isolation_level=None)
    other.execute("begin exclusive")  # another process writing, for longer than the busy timeout
    try:
        assert "nicht verfügbar" in text(user.say("/abo"))
        assert "Heimatort 37073 Göttingen" in text(user.say("in meiner Nähe"))  # WAL: reading still works
        assert "Netzwerke in Sachsen" in text(user.say(SN_QUESTION))
    finally:
        other.execute("rollback")
        other.close()
    assert "Abo gestartet" in text(user.say("/abo"))  # works again at once


def test_a_full_user_database_refuses_writes_but_answers(brain, user):
    user.say("/heimat 37073")
    conn = brain.talkback.db._connect()
    pages = conn.execute("pragma page_count").fetchone()[0]
    conn.execute(f"pragma max_page_count = {pages}")  # as if the disk were full
    with pytest.raises(UserDataUnavailable, match="full"):
        for _ in range(100):  # fill what room the last pages have
            brain.talkback.db.add_report(network_id=None, network_name="Füllung", body="x" * 1000, source_url=None,
                                         reporter=None)
    stored = len(brain.talkback.db.reports(None))
    user.say("/melden Jenaer Allianz"), user.say("x" * 900), user.say("ohne")
    assert "nicht verfügbar" in text(user.say("ja"))
    assert len(brain.talkback.db.reports(None)) == stored
    assert "Netzwerke in Sachsen" in text(user.say(SN_QUESTION))
    conn.execute(f"pragma max_page_count = {10 ** 6}")
    assert "Abo gestartet" in text(user.say("/abo"))


def test_unavailable_is_raised_not_sqlite_errors(tmp_path):
    from bot.feedback.userdb import UserDB

    db = UserDB(tmp_path / "dir-is-a-file" / "users.sqlite")
    (tmp_path / "dir-is-a-file").write_text("x")
    with pytest.raises(UserDataUnavailable):
        db.home("1")
    with pytest.raises(UserDataUnavailable):  # and not retried at once
        db.home("1")


def test_a_conversation_without_a_user_gets_ratings_but_keeps_nothing(brain):
    """``ask --dialog`` has conversations but no users: answers are rated, nothing is kept per user."""
    dialog = Caller(conversation="dialog-1")
    assert actions_of(brain.ask(SN_QUESTION, caller=dialog))[-1] == "v:-:region:list"
    assert "nur im Chat" in text(brain.ask("/heimat 37073", caller=dialog))
    assert "nur im Chat" in text(brain.ask("/abo", caller=dialog))


def test_talkback_actions_never_collide_with_query_actions(brain):
    ours = ["e:" + JENA, "e:+", "e:", "v:+:region:list", "f:ok", "f:o37073", "R:", "R:3:q", "y:3", "H:-", "H:z37073",
            "A:+", "A:-"]
    for action in ours:
        assert actions.is_feedback(action) and actions.decode(action).intent == "feedback", action
        assert len(action.encode()) <= 64
    for action in ("p:" + JENA, "r:SN,TH", "r:o04109,o01067", "s:SN:1", "a:2013,2014", "n:o37073", "h", "T", "D"):
        assert not actions.is_feedback(action) and actions.decode(action) is not None, action


def test_the_data_faq_points_to_the_report_dialogue(user, brain):
    answer = user.say("Wer pflegt die Daten?")
    assert answer.intent == "info" and "/melden" in text(answer) and actions_of(answer)[:2] == ["e:", "e:+"]
    assert "Welches Netzwerk" in text(user.press("e:"))
    plain = brain.ask("Wer pflegt die Daten?")  # without a chat: the FAQ answer alone, without the report buttons
    assert "e:" not in actions_of(plain) and text(plain).count("/melden") == 1
