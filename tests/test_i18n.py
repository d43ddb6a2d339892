"""Languages (bot/i18n.py): the message catalogues, plural forms, numbers and dates per language, and English
answers for English-speaking users with no German template left in them.

The leak test asks everything an English-speaking user can ask – every question of tests/questions_en.yaml,
the dialogues, the commands, every network's profile, contact card and map, every state, award year and
topic, the programme questions, places abroad and questions off the topic, the talkback dialogues – and
looks in each English answer (its messages and buttons) for the German text of a catalogue message whose
English translation differs. German may stay only inside the data's values (network names, profiles marked
as German, towns, the award events' own words), which are taken out of the answer before it is searched.
"""

from __future__ import annotations

import dataclasses
import html as html_lib
import importlib.util
import re
import sqlite3
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot import i18n
from bot.brain import Brain
from bot.conversation import Conversations, LanguageChoices
from bot.feedback.talkback import Talkback
from bot.i18n import _, day, ngettext, number
from bot.models import Caller, Query
from bot.render import to_json, to_telegram, to_text
from bot.settings import PROJECT_ROOT

from talkback_helpers import ADMIN, JENA, USER, Chat

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
EN_PO = ROOT / "bot" / "locale" / "en" / "LC_MESSAGES" / "messages.po"
MIN_ENGLISH = 0.95  # questions_en.yaml: right AND answered in English


def _load_evaluate():
    spec = importlib.util.spec_from_file_location("netzwerkbot_evaluate_i18n", ROOT / "scripts" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


evaluate = _load_evaluate()


# -- the catalogues -------------------------------------------------------------------------------------
def test_catalogues_are_complete_and_in_step_with_the_code():
    """``scripts/i18n.py check``: every message of the code in both catalogues, none unused, English complete."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n.py"), "check"], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("0 problem(s)")
    count = int(re.search(r"(\d+) messages", done.stdout).group(1))
    assert count >= 400, done.stdout


def test_english_translations_keep_every_placeholder():
    """A translation must fill the same fields as its German text (``str.format`` would fail or drop one)."""
    fields = re.compile(r"\{(\w*)\}")
    with EN_PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for german in ids:
            for english in strings:
                # "{Where}"/"{where}": a sentence may start with the place or not; both are filled in
                if {f.lower() for f in fields.findall(german)} - {"where"} != \
                        {f.lower() for f in fields.findall(english)} - {"where"}:
                    wrong.append((german, english))
    assert not wrong, wrong


def test_plural_forms_in_both_languages():
    with i18n.use("de"):
        assert ngettext("{n} Netzwerk", "{n} Netzwerke", 1).format(n=1) == "1 Netzwerk"
        assert ngettext("{n} Netzwerk", "{n} Netzwerke", 2).format(n=2) == "2 Netzwerke"
        assert ngettext("{n} Netzwerk", "{n} Netzwerke", 0).format(n=0) == "0 Netzwerke"
    with i18n.use("en"):
        assert ngettext("{n} Netzwerk", "{n} Netzwerke", 1).format(n=1) == "1 network"
        assert ngettext("{n} Netzwerk", "{n} Netzwerke", 2).format(n=2) == "2 networks"
        assert ngettext("{n} Netzwerk", "{n} Netzwerke", 0).format(n=0) == "0 networks"
        # German uses one form for both, English two
        assert ngettext("{n} Preisträger", "{n} Preisträger", 1) == "{n} winner"
        assert ngettext("{n} Preisträger", "{n} Preisträger", 4) == "{n} winners"


def test_numbers_and_dates_per_language():
    with i18n.use("de"):
        assert number(1.5, 1) == "1,5" and number(8307) == "8.307" and number(12) == "12"
        assert day("2014-05-22") == "22.05.2014"
        assert _("{km} km").format(km=number(1.46, 1)) == "1,5 km"
    with i18n.use("en"):
        assert number(1.5, 1) == "1.5" and number(8307) == "8,307" and number(12) == "12"
        assert day("2014-05-22") == "22 May 2014"
        assert _("{km} km").format(km=number(1.46, 1)) == "1.5 km"
    assert day(None) is None and day("2014") == "2014"


def test_the_language_is_per_context():
    assert i18n.current() == "de"
    with i18n.use("en"):
        assert i18n.current() == "en"
        with i18n.use("de-AT"):
            assert i18n.current() == "de"
        assert _("Themen") == "Topics"
    assert i18n.current() == "de" and _("Themen") == "Themen"
    assert i18n.normalise("en_GB") == "en" and i18n.normalise("fr") is None
    assert i18n.from_client("en-US") == "en" and i18n.from_client("fr") == "de" and i18n.from_client(None) == "de"


# -- English answers ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def en_brain(built_db, tmp_path_factory):
    """A brain of its own (its own user database, conversations and language choices)."""
    brain = Brain(built_db, DATA_DIR, auto_build=False)
    brain.talkback = Talkback(brain, tmp_path_factory.mktemp("users") / "users.sqlite", admins={int(ADMIN)})
    yield brain
    brain.talkback.db.close()


class EnglishChat(Chat):
    """A user whose Telegram client is English (``language_code="en"``)."""

    def __init__(self, brain, user: str = "4242", conversation: str | None = None):
        super().__init__(brain, user, conversation)
        self.caller = Caller(conversation=conversation or f"c{user}", user=user, lang="en")


ENGLISH = Caller(lang="en")  # a caller without a conversation: stateless answers, as for the evaluation


@lru_cache(maxsize=None)
def _german_fragments() -> tuple[tuple[str, re.Pattern], ...]:
    """The German texts of the catalogue's messages whose English translation differs, as search patterns:
    the fixed parts of each message (between its {fields}) that are long enough to mean something (two
    words, or one word of six letters) and that no English translation contains itself (the English texts
    keep German names such as „Innovatives Netzwerk“ or „Agentur für Arbeit“ on purpose)."""
    with EN_PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        pairs += list(zip(ids, strings))
    english = " ".join(s for _id, s in pairs)
    found: dict[str, re.Pattern] = {}
    for german, translated in pairs:
        if german == translated or german in translated:
            continue
        for piece in re.split(r"\{\w+\}", german):
            piece = piece.strip(" .,:;–-()")
            words = re.findall(r"\w+", piece)
            if not words or (len(words) < 2 and len(piece) < 6) or piece in english:
                continue
            found[piece] = re.compile(r"(?<!\w)" + re.escape(piece) + r"(?!\w)")
    return tuple(found.items())


# placeholders of the templates as they are filled in (numbers, years); any other field is some text
_FIELDS = {"year": r"\d{4}", "n": r"[\d.,]+", "count": r"[\d.,]+", "km": r"[\d.,]+", "page": r"\d+", "pages": r"\d+",
           "id": r"\d+"}
# templates whose few German letters are also in network names ("Fachkräftestrategie und Kooperation…",
# "1. Netzwerk …" in a list whose button label is cut)
_NAME_LIKE = {"{first} und {last}", "{n} Netzwerk", "{n} Netzwerke"}


@lru_cache(maxsize=None)
def _german_templates() -> tuple[tuple[str, re.Pattern], ...]:
    """The German templates with fields whose English translation differs, as patterns with their fields
    filled by anything ("Preis {year}" -> "Preis 2013", "Mehr {where}" -> "Mehr in Sachsen"): these catch the
    short templates the fragments above leave out."""
    with EN_PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for german, translated in zip(ids, strings):
            if german == translated or german in translated or "{" not in german or german in _NAME_LIKE:
                continue
            parts = re.split(r"\{(\w+)\}", german)
            if sum(len(re.findall(r"[^\W\d_]", part)) for part in parts[::2]) < 3:
                continue
            pattern = "".join(re.escape(part) if k % 2 == 0 else "(" + _FIELDS.get(part, r"\S.*?") + ")"
                              for k, part in enumerate(parts))
            found.append((german, re.compile(pattern)))
    return tuple(found)


@lru_cache(maxsize=None)
def _data_values(db_path: str) -> tuple[str, ...]:
    """Texts of the data an English answer may show as they are (German): longest first."""
    conn = sqlite3.connect(db_path)
    values: set[str] = set()
    import json

    for row in conn.execute("select name, aliases, profile, status_note, organisation, address, office_contact, towns, "
                            "districts, founded from networks"):
        name, aliases, profile, status_note, organisation, address, office, towns, districts, founded = row
        values.update(v for v in (name, profile, status_note, organisation, address, office, founded) if v)
        values.update(json.loads(aliases or "[]") + json.loads(towns or "[]") + json.loads(districts or "[]"))
        if status_note:
            from bot.answer import _status_note_de

            values.add(_status_note_de(status_note))
    for row in conn.execute("select event, place, presented_by, hinweis from award_events"):
        values.update(v for v in row if v)
    conn.close()
    return tuple(sorted((v for v in values if len(v) > 3), key=len, reverse=True))


def _shown(answer) -> str:
    """Everything the user reads of ``answer`` in Telegram: the messages' text and the buttons."""
    parts = []
    for message in to_telegram(answer):
        parts.append(html_lib.unescape(re.sub(r"<[^>]+>", "", message.html)))
        parts += [button.text for row in message.buttons for button in row]
        if message.venue:
            parts.append(message.venue.get("title", ""))
    parts.append(to_text(answer, numbered=True))
    return re.sub(r"(?:https?|tg)://\S+", " ", "\n".join(parts))  # a web address is no text ("…/DE/Themen/…")


def _leaks(answer, db_path) -> list[str]:
    text = _shown(answer)
    for value in _data_values(str(db_path)):
        if value in text:
            text = text.replace(value, " ")
    return [piece for piece, pattern in _german_fragments() + _german_templates() if pattern.search(text)]


def _english_answers(brain) -> list[tuple[str, object]]:
    """(what was asked, its answer) for everything an English-speaking user can ask."""
    asked: list[tuple[str, object]] = []
    questions = yaml.safe_load((ROOT / "tests" / "questions_en.yaml").read_text(encoding="utf-8"))["questions"]
    for item in questions:
        asked.append((item["q"], brain.ask(str(item["q"]), caller=ENGLISH)))
    for text in ("/start", "/hilfe", "/help", "/themen", "/quellen", "/datenschutz", "/award", "/award 2013",
                 "/award 2019", "/award 2010", "/award 2015", "/sprache", "/naehe", "/region", "/kontakt", "/netzwerk",
                 "/foo", "", "next", "thanks", "x" * 5000, "Which networks are in Saxony and Thuringia?",
                 "award winners from eastern Germany", "only active networks in Hesse", "nursing and logistics in Leipzig",
                 "nursing in Saarland", "glass in Hamburg", "networks in the Sauerland", "Frankfurt", "Bad Oldesloe",
                 "networks in Vienna", "Basel", "Salzburg", "jobs in Poland", "best restaurant in Berlin",
                 "is there funding for further training?", "weather tomorrow in Munich", "who won more than once?",
                 "how many applications were there in 2014?", "how many applications in 2024?",
                 "how many applications in 2013?", "how many networks are there?", "award winners in Bavaria 2013",
                 "award winners near Göttingen", "how many networks in Saxony?", "how many networks in Jena?"):
        asked.append((text, brain.ask(text, caller=ENGLISH)))
    with i18n.use("en"):
        for faq_id in brain.understanding.knowledge.faq:
            asked.append((f"faq:{faq_id}", brain.answer(Query(intent="info", info=f"faq:{faq_id}"), count=False)))
        for year in sorted(brain.understanding.knowledge.per_year):
            asked.append((f"applications {year}", brain.answer(
                Query(intent="info", info="faq:bewerbungen-pro-jahr", year=year), count=False)))
    act = [f"{kind}:{nid}" for nid in brain.store.all_ids() for kind in ("p", "c", "m")]
    act += [f"s:{state.code}" for state in brain.catalog.states] + ["s:DE", "a:", "T", "h", "x:forged", "L:en"]
    act += [f"a:{year}" for year in range(2011, 2027)]
    act += [f"t:{topic.code}:-" for topic in brain.catalog.topics] + [f"t:{t.code}:SN" for t in brain.catalog.topics]
    act += [f"t:{topic.code}:o07743" for topic in brain.catalog.topics[:6]]
    for action in act:
        asked.append((action, brain.act(action, caller=ENGLISH)))
    asked.append(("location Göttingen", brain.locate(51.5364, 9.9390, caller=ENGLISH)))
    asked.append(("location Vienna", brain.locate(48.2, 16.37, caller=ENGLISH)))
    return asked


def _dialogue_answers(brain) -> list[tuple[str, object]]:
    """Every turn of tests/dialogues.yaml as an English-speaking user (German turns answered in German are
    left out by the caller of this), and the talkback dialogues in English."""
    asked = []
    dialogues = yaml.safe_load((ROOT / "tests" / "dialogues.yaml").read_text(encoding="utf-8"))["dialogues"]
    for n, dialogue in enumerate(dialogues):
        chat = EnglishChat(brain, user=f"77{n}")
        for turn in dialogue["turns"]:
            asked.append((f"{dialogue.get('name')}: {turn['q']}", chat.say(str(turn["q"]))))
    user, admin = EnglishChat(brain, user="4243"), EnglishChat(brain, user=ADMIN)
    steps = [("say", "/heimat 37073"), ("say", "near me"), ("say", "/naehe"), ("say", "/heimat"), ("say", "/abo"),
             ("say", "/abo"), ("say", "Which networks are in Saxony?"), ("press", "v:-:region:list"),
             ("say", "the list was too short"), ("say", "/melden Jenaer Allianz"), ("say", "The address is outdated."),
             ("say", "https://www.jena.de/x"), ("say", "nonsense"), ("say", "yes"), ("say", "/melden"),
             ("press", "f:new"), ("say", "Fachkräfte Nordwest"), ("say", "Oldenburg"), ("say", "a new network"),
             ("say", "no source"), ("say", "cancel"), ("say", "/melden Gibtsnichtnetzwerk"), ("say", "/abbrechen"),
             ("say", "/meldungen"), ("say", "/vergessen"), ("say", "/vergessen"), ("say", "/abo"),
             ("say", "/heimat Sachsen"), ("say", "/heimat Xyzzyville"), ("say", "/heimat Frankfurt"),
             ("press", "H:-")]
    for how, what in steps:
        answer = getattr(user, how)(what)
        asked.append((f"talkback: {what}", answer))
        asked += [(f"notice after {what}", notice.answer) for notice in answer.outbox]
    # the admin's side: the new report card, /meldungen, a question back, the decision
    report = EnglishChat(brain, user="4244")
    for what in ("/melden Jenaer Allianz", "The address is outdated.", "no source"):
        report.say(what)
    sent = report.say("yes")
    asked += [("admin card", notice.answer) for notice in sent.outbox]
    listing = admin.say("/meldungen")
    asked.append(("/meldungen", listing))
    report_id = int(re.search(r"#(\d+)", to_text(sent)).group(1))
    asked.append(("ask back", admin.press(f"R:{report_id}:q")))
    question = admin.say("Which address is right?")
    asked += [("question", question)] + [("question to reporter", n.answer) for n in question.outbox]
    answer = report.press(f"y:{report_id}")
    asked.append(("reply button", answer))
    replied = report.say("Jenaer Straße 1")
    asked += [("reply", replied)] + [("reply to admins", n.answer) for n in replied.outbox]
    decided = admin.press(f"R:{report_id}:a")
    asked += [("decision", decided)] + [("decision to reporter", n.answer) for n in decided.outbox]
    return asked


@pytest.fixture(scope="module")
def english_answers(en_brain):
    return _english_answers(en_brain) + [(q, a) for q, a in _dialogue_answers(en_brain) if a.lang == "en"]


def test_no_german_template_in_english_answers(english_answers, en_brain):
    assert len(english_answers) > 850
    leaks = []
    for asked, answer in english_answers:
        assert answer.lang == "en", asked
        found = _leaks(answer, en_brain.db_path)
        if found:
            leaks.append(f"{asked!r}: {found}")
    assert not leaks, "German templates in English answers:\n" + "\n".join(leaks)


def test_the_leak_test_finds_german(en_brain):
    """The test above would see a German template: the same answers in German are full of them."""
    assert len(_german_fragments()) > 300 and len(_german_templates()) > 150
    answer = en_brain.ask("Welche Netzwerke gibt es in Sachsen?", caller=Caller(lang="de"))
    assert answer.lang == "de" and "Netzwerke in Sachsen" in _leaks(answer, en_brain.db_path)
    german = en_brain.act(f"c:{JENA}", caller=Caller(chosen_lang="de"))
    assert any(piece.startswith("Wir nennen nur öffentlich angegebene Büro-Kontakte")
               for piece in _leaks(german, en_brain.db_path))


def test_english_dialogues_are_answered_in_english(en_brain):
    """The turns of the dialogues written in English get English answers, and their follow-ups too."""
    dialogues = yaml.safe_load((ROOT / "tests" / "dialogues.yaml").read_text(encoding="utf-8"))["dialogues"]
    english_turns = 0
    for n, dialogue in enumerate(dialogues):
        chat = EnglishChat(en_brain, user=f"88{n}")
        for turn in dialogue["turns"]:
            answer = chat.say(str(turn["q"]))
            if i18n.normalise(answer.lang) == "en" and turn["q"][:1].isascii():
                english_turns += 1
    assert english_turns >= 20


# -- figures -----------------------------------------------------------------------------------------------
def test_english_questions_right_and_in_english(question_brain):
    """At least 95 % of tests/questions_en.yaml understood right AND answered in English, for a user whose
    client is English; the language of each answer is in the JSON (``lang``)."""
    items = evaluate.load_questions(ROOT / "tests" / "questions_en.yaml")
    right, english, problems = 0, 0, []
    for item in items:
        data = to_json(question_brain.ask(item["q"], caller=ENGLISH))
        wrong = evaluate.check(item, data, question_brain.understand(item["q"]).count_only if "count" in item else None)
        english += data["lang"] == "en"
        if not wrong and data["lang"] == "en":
            right += 1
        elif data["lang"] != "en" or wrong:
            problems.append(f"{item['q']!r}: lang {data['lang']}; {'; '.join(wrong)}")
    assert english == len(items)
    assert right / len(items) >= MIN_ENGLISH, f"{right}/{len(items)}:\n" + "\n".join(problems)


def test_english_questions_in_english_without_an_english_client(question_brain):
    """A German client asking in English still gets English wherever the question's language is clear."""
    items = evaluate.load_questions(ROOT / "tests" / "questions_en.yaml")
    english = sum(to_json(question_brain.ask(item["q"]))["lang"] == "en" for item in items)
    assert english / len(items) >= 0.85, english


# -- what English answers say ------------------------------------------------------------------------------
def test_english_list_profile_and_award(en_brain):
    listing = to_text(en_brain.ask("Which networks are in Saxony?", caller=ENGLISH))
    assert listing.startswith("Networks in Saxony: 21") and "Page 1 of 4 · 21 networks in all" in listing
    saarland = to_text(en_brain.act("s:SL", caller=ENGLISH))
    assert saarland.startswith("Networks in Saarland: ") and "ended" in saarland
    count = to_text(en_brain.ask("How many networks are there in Bavaria?", caller=ENGLISH))
    assert "networks for securing skilled workers in Bavaria" in count
    award = to_text(en_brain.act("a:2013", caller=ENGLISH))
    assert award.startswith("„Innovatives Netzwerk“ 2013 (Innovative Network award)")
    assert "on 8 April 2013" in award and "Sources: " in award
    overview = to_text(en_brain.act("a:", caller=ENGLISH))
    assert "2019 – „Innovatives Netzwerk“ (Innovative Network award): 4 winners, 3 of them not known by name" in overview
    profile = en_brain.act(f"p:{JENA}", caller=ENGLISH)
    shown = to_text(profile)
    assert "(profile in German)" in shown and "Region: Jena, Stadt Jena (Thuringia)" in shown
    assert "🏆 Awards: „Innovatives Netzwerk“ 2013 (Innovative Network award)" in shown
    assert re.search(r"As of \d{1,2} [A-Z][a-z]+ \d{4} · Sources: ", shown)
    buttons = [b.text for row in profile.buttons for b in row]
    assert {"📞 Contact", "🗺 Map", "🌐 Open website", "More in Thuringia", "Award 2013", "✏️ Report an error"} <= set(buttons)
    contact = to_text(en_brain.act(f"c:{JENA}", caller=ENGLISH))
    assert contact.startswith("Contact: Jenaer Allianz für Fachkräfte")
    assert "We list only office contacts that are published" in contact


def test_english_names_of_states_topics_and_places_abroad(en_brain):
    topics = en_brain.ask("/themen", caller=ENGLISH)
    labels = {b.text for row in topics.buttons for b in row}
    assert {"Health and care", "Integration and immigration", "Vocational training"} <= labels
    nursing = to_text(en_brain.ask("nursing in Lower Saxony", caller=ENGLISH))
    assert nursing.startswith("Topic “Health and care” in Lower Saxony: ")
    vienna = to_text(en_brain.ask("networks in Vienna", caller=ENGLISH))
    assert "Vienna is outside Germany" in vienna
    east = to_text(en_brain.ask("award winners from eastern Germany", caller=ENGLISH))
    assert "“Eastern Germany” – we count these states: Berlin, Brandenburg, Mecklenburg-Western Pomerania, " \
           "Saxony, Saxony-Anhalt, Thuringia." in east
    which = en_brain.ask("Frankfurt", caller=ENGLISH)
    assert which.intent == "clarify" and any("(Hesse)" in c.label for c in which.choices), which.choices
    assert to_text(which).startswith("Which place do you mean?")


def test_english_faq_answers_are_the_datas_english(en_brain):
    knowledge = en_brain.understanding.knowledge
    with i18n.use("en"):
        for faq_id, entry in knowledge.faq.items():
            if faq_id == "mehrfach-gewonnen" or not entry.answer_en:
                continue
            shown = to_text(en_brain.answer(Query(intent="info", info=f"faq:{faq_id}"), count=False))
            assert entry.answer_en.split("{")[0][:60] in shown and entry.answer[:60] not in shown, faq_id
    applications = to_text(en_brain.ask("how many applications were there in 2014?", caller=ENGLISH))
    assert applications.startswith("2014: 67 applications (networks and initiatives from all over Germany).")


def test_distances_use_the_languages_decimal_sign(en_brain):
    """Around Leipzig's centre (04109) networks lie closer than 10 km: "2,3 km" in German, "2.3 km" in English."""
    german = to_text(en_brain.ask("/naehe 04109", caller=Caller(chosen_lang="de")))
    english = to_text(en_brain.ask("/naehe 04109", caller=ENGLISH))
    assert re.search(r"\d,\d km", german) and not re.search(r"\d\.\d km", german)
    assert re.search(r"\d\.\d km", english) and not re.search(r"\d,\d km", english)


def test_an_english_profile_text_is_shown_where_the_record_has_one(en_brain, monkeypatch):
    store = en_brain.store
    real = store.network

    def with_english(network_id):
        net = real(network_id)
        return dataclasses.replace(net, profile_en="An alliance of the city of Jena and its partners.") if net else net

    monkeypatch.setattr(store, "network", with_english)
    en_brain.clear_caches()
    try:
        english = to_text(en_brain.act(f"p:{JENA}", caller=ENGLISH))
        german = to_text(en_brain.act(f"p:{JENA}", caller=Caller(chosen_lang="de")))
    finally:
        en_brain.clear_caches()
    assert "An alliance of the city of Jena" in english and "(profile in German)" not in english
    assert "An alliance of the city of Jena" not in german


def test_profile_en_is_imported_stored_and_exported(db_copy, tmp_path):
    from bot.catalog import Catalog
    from bot.importer import export_records, import_file
    from bot.store import Store

    path = tmp_path / "neu.yaml"
    path.write_text(yaml.safe_dump([{"id": "test-en", "name": "Testnetzwerk Englisch", "states": ["Sachsen"],
                                     "towns": ["Leipzig"], "profile": "Ein Netzwerk.", "profile_en": "A network."}],
                                    allow_unicode=True), encoding="utf-8")
    catalog = Catalog.load(DATA_DIR)
    result = import_file(db_copy, path, catalog)
    assert not result.problems, result.problems
    store = Store.open(db_copy, DATA_DIR, catalog, auto_build=False)
    try:
        assert store.network("test-en").profile_en == "A network."
    finally:
        store.close()
    exported = yaml.safe_load(export_records(db_copy, "yaml"))
    exported = exported["networks"] if isinstance(exported, dict) else exported
    assert next(r for r in exported if r["id"] == "test-en")["profile_en"] == "A network."


# -- the choice of language --------------------------------------------------------------------------------
def test_sprache_switches_per_chat(en_brain):
    en_brain.conversations = Conversations()
    german = Chat(en_brain, user="5151")
    assert to_text(german.say("Welche Netzwerke gibt es in Sachsen?")).startswith("Netzwerke in Sachsen: 21")
    assert german.say("/sprache").lang == "de"
    chosen = german.press("L:en")
    assert chosen.lang == "en" and to_text(chosen).startswith("From now on I answer in English.")
    assert to_text(german.say("Sachsen")).startswith("Networks in Saxony: 21")
    assert to_text(german.say("Welche Netzwerke gibt es in Sachsen?")).startswith("Networks in Saxony")  # the choice wins
    other = Chat(en_brain, user="5152")
    assert to_text(other.say("Sachsen")).startswith("Netzwerke in Sachsen: 21")  # another chat is not touched
    back = german.press("L:de")
    assert back.lang == "de" and to_text(back).startswith("Ich antworte ab jetzt auf Deutsch.")


def test_notices_go_out_in_the_recipients_language(en_brain):
    """A reporter who chose English is told the outcome in English, even when the admin works in German; the
    admin, who has not been answered in English, gets the report in German."""
    en_brain.user_languages, en_brain.conversations = LanguageChoices(), Conversations()
    en_brain.talkback = Talkback(en_brain, Path(en_brain.talkback.db.path).with_name("users-notices.sqlite"),
                                 admins={int(ADMIN)})
    reporter, admin = Chat(en_brain, user="6161"), Chat(en_brain, user=ADMIN)
    reporter.press("L:en")
    for what in ("/melden Jenaer Allianz", "The address is outdated.", "no source"):
        reporter.say(what)
    sent = reporter.say("yes")
    assert sent.lang == "en" and "has arrived" in to_text(sent)
    card = sent.outbox[0].answer
    assert card.lang == "de" and "Neue Meldung" in to_text(card)  # the admin's chat has no English choice
    report_id = int(re.search(r"#(\d+)", to_text(sent)).group(1))
    decided = admin.press(f"R:{report_id}:a")
    assert decided.lang == "de" and "übernommen" in to_text(decided)
    told = decided.outbox[0].answer
    assert told.lang == "en" and "has been accepted" in to_text(told)


def test_a_dialogue_keeps_its_language(en_brain):
    """What an English user types into a report (a German network name, a German town) does not switch the
    dialogue to German; a reporter who was only ever answered in English is told the outcome in English."""
    en_brain.user_languages, en_brain.conversations = LanguageChoices(), Conversations()
    en_brain.talkback = Talkback(en_brain, Path(en_brain.talkback.db.path).with_name("users-flow.sqlite"),
                                 admins={int(ADMIN)})
    reporter, admin = EnglishChat(en_brain, user="7171"), Chat(en_brain, user=ADMIN)
    reporter.say("/melden")
    reporter.press("f:new")
    assert to_text(reporter.say("Fachkräfte Nordwest")).startswith("Where does “Fachkräfte Nordwest” work?")
    assert to_text(reporter.say("Oldenburg")).startswith("What should we know about")
    reporter.say("Ein Netzwerk der Kammern und Kommunen im Nordwesten.")
    sent = reporter.say("no source")
    assert sent.lang == "en" and "Please check your report" in to_text(sent)
    done = reporter.say("yes")
    report_id = int(re.search(r"#(\d+)", to_text(done)).group(1))
    told = admin.press(f"R:{report_id}:x").outbox[0].answer
    assert told.lang == "en" and "We have checked your report" in to_text(told)
