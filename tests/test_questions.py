"""The labelled question set (tests/questions.yaml) through the brain: accuracy floors.

Overall accuracy must stay at or above 97 % and every state question must be understood (the
state group at 100 %). The assertion message lists each failure with what was expected and what
came back; ``scripts/evaluate.py`` prints the same report with per-intent and per-group figures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIN_OVERALL = 0.97
MIN_STATE = 1.0


def _load_evaluate():
    spec = importlib.util.spec_from_file_location("netzwerkbot_evaluate", ROOT / "scripts" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


evaluate = _load_evaluate()


@pytest.fixture(scope="session")
def report(question_brain):
    return evaluate.evaluate(question_brain, evaluate.load_questions())


def _failures(report, group: str | None = None) -> str:
    lines = []
    for r in report.failures:
        if group is None or r.item.get("group") == group:
            lines.append(f"{r.item['q']!r} [{r.item.get('group')}]\n    expected {evaluate.expected_of(r.item)}"
                         f"\n    got      {r.got}\n    why      {'; '.join(r.problems)}")
    return "\n".join(lines)


def test_question_set_is_well_formed():
    items = evaluate.load_questions()
    assert len(items) >= 330
    groups = {item.get("group") for item in items}
    assert {"state", "award", "profile", "contact", "topic", "nearby", "help", "clarify", "unknown", "english",
            "typo", "command"} <= groups
    states = {item["state"] for item in items if isinstance(item.get("state"), str) and item.get("group") == "state"}
    assert len(states) == 16, sorted(states)
    assert len({item["q"] for item in items}) == len(items), "duplicate questions"


def test_overall_accuracy(report):
    assert report.overall >= MIN_OVERALL, (
        f"overall accuracy {report.overall:.1%} < {MIN_OVERALL:.0%}; failures:\n{_failures(report)}")


def test_every_state_question_is_understood(report):
    rate = report.group_rate("state")
    assert rate >= MIN_STATE, f"state group accuracy {rate:.1%} < {MIN_STATE:.0%}; failures:\n{_failures(report, 'state')}"


def test_sachsen_is_never_another_state(question_brain):
    from bot.render import to_json

    for text in ("Sachsen", "sachsen", "Netzwerke in Sachsen", "sächsische Netzwerke", "Sachssen", "SACHSEN"):
        region = to_json(question_brain.ask(text))["region"]
        assert region and region["kind"] == "state" and region["name"] == "Sachsen", (text, region)


MIN_HOLDOUT = 0.95  # the held-out set was written blind; 94.2 % on its first run, 97.5 % after general fixes


def test_held_out_questions(question_brain):
    """A second set, written without looking at the bot and not used for tuning its rules one by one."""
    held_out = evaluate.evaluate(question_brain, evaluate.load_questions(ROOT / "tests" / "questions_holdout.yaml"))
    assert len(held_out.results) >= 100
    assert held_out.overall >= MIN_HOLDOUT, _failures(held_out)


# -- every set, with the questions that fail today pinned by their text ------------------------------------
# A percentage floor lets one question break silently while another is fixed; these lists do not: a question
# that fails and is not listed fails the test. A listed question that passes again is reported, not failed.
QUESTION_SETS = {
    "questions.yaml": (set(), 830),
    "questions_holdout.yaml": ({"Fachkräfteallianz Leipzig oder Landkreis Leipzig?"}, 120),
    # written blind for the second understanding pass (false towns, programme questions, out of scope, …)
    "questions_understanding2.yaml": (set(), 220),
    # the third blind set, written at the end of the round for an honest figure (first run: 270/281, 96.1 %)
    "questions_holdout3.yaml": (set(), 280),
    # written blind in English (English speakers)
    "questions_en.yaml": ({"anything around Lake Constance?", "Moin Fachkräfte Kiel - tell me more",
                           "what is the nursing network in Braunschweig (Netzwerk Fachkräftesicherung in der Pflege)?",
                           "Hohenlohe Plus, what do they do?"}, 200),
}


@pytest.mark.parametrize("name", sorted(QUESTION_SETS))
def test_no_question_fails_that_is_not_pinned(question_brain, name, capsys):
    known, minimum = QUESTION_SETS[name]
    result = evaluate.evaluate(question_brain, evaluate.load_questions(ROOT / "tests" / name))
    assert len(result.results) >= minimum
    failing = {r.item["q"] for r in result.failures}
    new = [r for r in result.failures if r.item["q"] not in known]
    assert not new, "\n".join(f"{r.item['q']!r} [{r.item.get('group')}]: {'; '.join(r.problems)}" for r in new)
    fixed = known - failing
    if fixed:
        print(f"{name}: pinned failures that pass now (remove them from QUESTION_SETS): {sorted(fixed)}")


def test_the_question_sets_cover_the_second_pass_and_english():
    blind = evaluate.load_questions(ROOT / "tests" / "questions_understanding2.yaml")
    assert {"false_town", "topic_local", "typo_state", "programme", "english_name", "out_of_scope", "active",
            "mixed"} <= {q["group"] for q in blind}
    english = evaluate.load_questions(ROOT / "tests" / "questions_en.yaml")
    assert len(english) >= 120
    assert {"region", "nearby", "award", "profile", "contact", "topic", "help", "info", "out_of_scope"} <= {
        q["group"] for q in english}
