"""Conversation state: bounded, expiring, per conversation key; follow-ups use it, buttons do not need it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot import actions
from bot.conversation import Conversations, State
from bot.models import Answer, Caller, Choice, Query, Region
from bot.render import to_json
from bot.settings import PROJECT_ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def state(name: str = "x") -> State:
    return State(query=Query(intent="region", region=Region("state", name, name, code="SN")), intent="region")


# -- the store -----------------------------------------------------------------------------------------
def test_states_expire_after_the_ttl_and_are_bounded_lru():
    clock = Clock()
    store = Conversations(max_chats=3, ttl=1800, clock=clock)
    for key in "abc":
        store.put(key, state(key))
    assert store.get("a") is not None  # reading does not make "a" recent: only an answer (put) does
    store.put("d", state("d"))  # over the bound: the least recently answered ("a") goes
    assert store.get("a") is None and len(store) == 3
    clock.now += 1799
    assert store.get("b") is not None
    clock.now += 2
    assert store.get("b") is None  # 30 minutes of silence
    store.put("e", state("e"))  # putting also drops expired states from the old end
    assert len(store) == 1 and store.get("e") is not None


def test_keys_are_separate_and_forget_drops_one():
    store = Conversations()
    store.put("chat-1", state("Sachsen"))
    store.put("chat-2", state("Bayern"))
    assert store.get("chat-1").query.region.name == "Sachsen"
    assert store.get("chat-2").query.region.name == "Bayern"
    store.forget("chat-1")
    assert store.get("chat-1") is None and store.get("chat-2") is not None
    assert store.get(None) is None
    store.put(None, state())  # no key: nothing is kept
    assert len(store) == 1


def test_help_and_thanks_keep_the_last_question_a_clarify_keeps_its_choices():
    previous = state("Sachsen")
    assert State.after(previous, Answer("help"), 6) is previous
    assert State.after(None, Answer("unknown"), 6) is None
    clarify = Answer("clarify")
    clarify.choices = [Choice("Leipzig", "o:04109", "town", "04109")]
    after = State.after(previous, clarify, 6, asked="Frankfurt")
    assert after.intent == "clarify" and after.choices[0].action == "o:04109" and after.query.text == "Frankfurt"


# -- the brain -----------------------------------------------------------------------------------------
def ask(brain, text: str, conversation: str | None) -> dict:
    return to_json(brain.ask(text, caller=Caller(conversation=conversation) if conversation else None))


@pytest.fixture
def fresh(brain):
    brain.conversations.clear()
    yield brain
    brain.conversations.clear()


def test_a_second_conversation_does_not_see_the_first(fresh):
    first = ask(fresh, "Pflege in Sachsen", "chat-A")
    assert first["topic"] == "ges"
    other = ask(fresh, "und in Thüringen?", "chat-B")
    assert other["intent"] == "region" and other["topic"] is None and other["reused"] == []
    same = ask(fresh, "und in Thüringen?", "chat-A")
    assert same["intent"] == "topic" and same["topic"] == "ges" and "topic" in same["reused"]


def test_without_a_conversation_every_message_stands_alone(fresh):
    ask(fresh, "Jenaer Allianz", None)
    answer = ask(fresh, "Kontakt dazu", None)
    assert answer["intent"] == "unknown" and len(fresh.conversations) == 0


def test_follow_ups_expire_after_thirty_minutes(fresh, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(fresh.conversations, "clock", clock)
    ask(fresh, "Jenaer Allianz", "chat-T")
    clock.now += 29 * 60
    assert ask(fresh, "Kontakt dazu", "chat-T")["network_id"] == "jenaer-allianz-fuer-fachkraefte"
    clock.now += 31 * 60
    assert ask(fresh, "Kontakt dazu", "chat-T")["intent"] == "unknown"


def test_a_cached_answer_still_becomes_the_last_turn(fresh):
    ask(fresh, "Jenaer Allianz", "warm")  # now cached
    hits = fresh.cache_hits
    cached = fresh.cached("ask", "Jenaer Allianz", caller=Caller(conversation="chat-C"))
    assert cached is not None and fresh.cache_hits == hits + 1
    assert ask(fresh, "Kontakt dazu", "chat-C")["network_id"] == "jenaer-allianz-fuer-fachkraefte"


def test_a_possible_follow_up_is_never_served_from_the_cache(fresh):
    ask(fresh, "Kontakt dazu", None)  # cached: the context-free answer
    ask(fresh, "Ems-Achse", "chat-D")
    assert fresh.cached("ask", "Kontakt dazu", caller=Caller(conversation="chat-D")) is None
    assert ask(fresh, "Kontakt dazu", "chat-D")["network_id"] == "wachstumsregion-ems-achse"


def test_button_presses_update_the_conversation(fresh):
    caller = Caller(conversation="chat-E")
    fresh.act("p:perspektiva", caller=caller)
    assert ask(fresh, "Kontakt dazu", "chat-E")["network_id"] == "perspektiva"
    fresh.locate(50.93, 11.59, caller=caller)
    assert ask(fresh, "weiter", "chat-E")["page"] == 1


def test_buttons_work_without_any_conversation_state(fresh):
    answer = ask(fresh, "Netzwerke in Sachsen und Thüringen", "chat-F")
    weiter = next(b["callback_data"] for m in answer["telegram"] for row in m["buttons"] for b in row
                  if b["text"].startswith("Weiter"))
    fresh.conversations.clear()  # as after a restart
    page = to_json(fresh.act(weiter))
    assert page["page"] == 1 and [r["name"] for r in page["regions"]] == ["Sachsen", "Thüringen"]
    assert page["total"] == answer["total"]


# -- actions of two-part questions ---------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["r:SN,TH", "r:SN,TH:2", "r:o04109,o01067", "t:ges,s-log:o04109",
                                    "t:ges:SN,TH:1", "k:SN,TH", "a:2013,2014", "r:lsauerland,d05958"])
def test_two_part_actions_round_trip(action):
    query = actions.decode(action)
    assert query is not None
    if query.intent == "award":
        assert actions.award(*query.years) == action
    else:
        assert actions.for_query(query, query.page) == action


def test_an_action_over_64_bytes_is_not_made():
    regions = [Region("area", "x", code=f"l{'a' * 19}{n}") for n in "abcdef"]
    query = Query(intent="region", region=regions[0], extra_regions=regions[1:])
    assert actions.for_query(query, 0) is None
    assert actions.decode("r:" + ",".join(["SN"] * 7)) is None  # more than six parts are refused


def test_two_part_answers_fill_the_new_json_fields(fresh):
    data = ask(fresh, "Preisträger 2013 und 2014", None)
    assert data["years"] == [2013, 2014] and data["year"] == 2013
    data = ask(fresh, "Pflege und Logistik in Leipzig", None)
    assert data["topics"] == ["ges", "s-log"] and data["regions"][0]["name"] == "Leipzig"
    data = ask(fresh, "Netzwerke in Sachsen und Thüringen", None)
    networks = {n["id"]: n["states"] for n in data["networks"]}
    assert data["total"] == len(networks) and all({"Sachsen", "Thüringen"} & set(s) for s in networks.values())
    single = ask(fresh, "Netzwerke in Sachsen", None)["total"] + ask(fresh, "Netzwerke in Thüringen", None)["total"]
    assert data["total"] <= single and data["total"] >= max(single - 3, 1)  # a network of both is listed once


# -- the faces -----------------------------------------------------------------------------------------------
def test_ask_dialog_reads_turns_and_an_empty_line_starts_a_new_conversation(built_db, tmp_path):
    env = {"NETZWERKBOT_DB": str(built_db), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "PYTHONPATH": str(PROJECT_ROOT)}
    turns = "Pflege in Sachsen\nund in Thüringen?\n\nund in Thüringen?\n"
    run = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json", "--dialog", "-"], input=turns,
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [d["intent"] for d in lines] == ["topic", "topic", "region"]
    assert lines[1]["topic"] == "ges" and lines[2]["topic"] is None
    refused = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--dialog", "Hallo"], capture_output=True,
                             text=True, env=env, cwd=tmp_path, timeout=120)
    assert refused.returncode == 1 and "--dialog" in refused.stderr
