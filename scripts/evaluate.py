#!/usr/bin/env python3
"""Evaluate the understanding on the labelled question set (tests/questions.yaml).

Every question goes through the brain in-process (``Brain.ask`` and ``bot.render.to_json``), and
the labelled entities are compared with the JSON answer. Prints accuracy per expected intent, per
group and overall, then every failure with what was expected and what came back.

    .venv/bin/python scripts/evaluate.py
    .venv/bin/python scripts/evaluate.py --min-overall 0.97 --min-state 1.0   # exit 1 below a floor
    .venv/bin/python scripts/evaluate.py --group state --verbose
    .venv/bin/python scripts/evaluate.py --dialogues          # the multi-turn dialogues (tests/dialogues.yaml)

Without ``--db`` the database is built from ``data/`` into a temporary directory first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_QUESTIONS = ROOT / "tests" / "questions.yaml"
LABELS = ("intent", "state", "region", "region_kind", "region_name", "region_state", "year", "network", "topic",
          "choices", "count", "faq", "scope", "active", "region_group")
# labels of a dialogue turn besides those above: every region / year / topic of a two-part question, the
# slots taken from the conversation, the page shown, and a piece of the answer text
TURN_LABELS = LABELS + ("regions", "years", "topics", "reused", "page", "text")
INTENTS = ("region", "nearby", "award", "profile", "contact", "topic", "help", "clarify", "unknown", "info",
           "out_of_scope")


@dataclass
class Result:
    item: dict
    ok: bool
    problems: list[str]
    got: dict


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @staticmethod
    def _rate(results: list[Result]) -> tuple[int, int, float]:
        passed = sum(r.ok for r in results)
        return passed, len(results), (passed / len(results) if results else 1.0)

    @property
    def overall(self) -> float:
        return self._rate(self.results)[2]

    def by(self, key) -> dict[str, tuple[int, int, float]]:
        buckets: dict[str, list[Result]] = defaultdict(list)
        for r in self.results:
            buckets[key(r.item)].append(r)
        return {k: self._rate(v) for k, v in sorted(buckets.items())}

    def by_intent(self) -> dict[str, tuple[int, int, float]]:
        return self.by(lambda item: _first(item["intent"]))

    def by_group(self) -> dict[str, tuple[int, int, float]]:
        return self.by(lambda item: item.get("group", "-"))

    def group_rate(self, group: str) -> float:
        return self._rate([r for r in self.results if r.item.get("group") == group])[2]

    def state_labelled_rate(self) -> float:
        """Every question with a ``state`` label, whatever its group."""
        return self._rate([r for r in self.results if "state" in r.item])[2]

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.ok]


def _first(value):
    return value[0] if isinstance(value, list) else value


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    for n, item in enumerate(items, start=1):
        if "q" not in item or "intent" not in item:
            raise ValueError(f"{path}: item {n} needs q and intent: {item!r}")
        unknown = set(item) - set(TURN_LABELS) - {"q", "group"}
        if unknown:
            raise ValueError(f"{path}: item {n} ({item['q']!r}) has unknown fields {sorted(unknown)}")
        for intent in item["intent"] if isinstance(item["intent"], list) else [item["intent"]]:
            if intent not in INTENTS:
                raise ValueError(f"{path}: item {n} ({item['q']!r}) has unknown intent {intent!r}")
        item["q"] = "" if item["q"] is None else str(item["q"])
    return items


def _matches(expected, got) -> bool:
    options = expected if isinstance(expected, list) else [expected]
    return any(option == got for option in options)


def _region_name_matches(expected: str, got: str | None) -> bool:
    # a postcode region is named "37073 Göttingen": the label may give only the code
    if got is None:
        return False
    options = expected if isinstance(expected, list) else [expected]
    return any(got == str(o) or got.startswith(f"{o} ") for o in options)


def _choice_offered(wanted: str, choices: list[dict]) -> bool:
    wanted_l = str(wanted).casefold()
    return any(c.get("ref") == wanted or wanted_l in c.get("label", "").casefold() for c in choices)


def summary(data: dict, count_only: bool | None = None) -> dict:
    """The parts of an answer the labels talk about (for failure listings)."""
    got = {"intent": data["intent"]}
    if data.get("region"):
        got["region"] = data["region"]
    for key in ("faq", "scope", "region_group"):
        if data.get(key):
            got[key] = data[key]
    for key in ("year", "topic", "network_id"):
        if data.get(key) is not None:
            got[key] = data[key]
    if data.get("choices"):
        got["choices"] = [c.get("ref") or c["label"] for c in data["choices"]][:8]
    if count_only:
        got["count"] = True
    return got


def check(item: dict, data: dict, count_only: bool | None = None) -> list[str]:
    """What in ``data`` (``to_json`` of the answer) disagrees with the labels of ``item``."""
    problems = []
    region = data.get("region")
    # "out_of_scope" is the answer "das weiß ich nicht": intent unknown, with the reason in `scope`
    intent = "out_of_scope" if data["intent"] == "unknown" and data.get("scope") else data["intent"]
    if not _matches(item["intent"], intent) and not _matches(item["intent"], data["intent"]):
        problems.append(f"intent {intent!r} != {item['intent']!r}")
    for key, field in (("faq", "faq"), ("scope", "scope"), ("region_group", "region_group")):
        if key in item and not _matches(item[key], data.get(field)):
            problems.append(f"{key} {data.get(field)!r} != {item[key]!r}")
    if "active" in item and bool(item["active"]) != bool(data.get("active_only")):
        problems.append(f"active {bool(data.get('active_only'))} != {bool(item['active'])}")
    if "state" in item:
        if not region or region.get("kind") != "state" or not _matches(item["state"], region.get("name")):
            problems.append(f"state: region {region!r} is not the state {item['state']!r}")
    if "region" in item and item["region"] is None and region is not None:
        problems.append(f"region {region!r} != None")
    if "region_kind" in item and (not region or not _matches(item["region_kind"], region.get("kind"))):
        problems.append(f"region kind {region and region.get('kind')!r} != {item['region_kind']!r}")
    if "region_name" in item and (not region or not _region_name_matches(item["region_name"], region.get("name"))):
        problems.append(f"region name {region and region.get('name')!r} != {item['region_name']!r}")
    if "region_state" in item and (not region or not _matches(item["region_state"], region.get("state"))):
        problems.append(f"region state {region and region.get('state')!r} != {item['region_state']!r}")
    if "year" in item and not _matches(item["year"], data.get("year")):
        problems.append(f"year {data.get('year')!r} != {item['year']!r}")
    if "network" in item and not _matches(item["network"], data.get("network_id")):
        problems.append(f"network {data.get('network_id')!r} != {item['network']!r}")
    if "topic" in item and not _matches(item["topic"], data.get("topic")):
        problems.append(f"topic {data.get('topic')!r} != {item['topic']!r}")
    for wanted in item.get("choices") or []:
        if not _choice_offered(wanted, data.get("choices") or []):
            problems.append(f"choice {wanted!r} not offered")
    if "count" in item and bool(item["count"]) != bool(count_only):
        problems.append(f"count {bool(count_only)} != {bool(item['count'])}")
    if "regions" in item:
        names = [r.get("name") for r in data.get("regions") or []]
        if len(names) != len(item["regions"]) or not all(
                _region_name_matches(want, got) for want, got in zip(item["regions"], names)):
            problems.append(f"regions {names!r} != {item['regions']!r}")
    for key in ("years", "topics"):
        if key in item and list(data.get(key) or []) != list(item[key]):
            problems.append(f"{key} {data.get(key)!r} != {item[key]!r}")
    if "reused" in item and not set(item["reused"] or []) <= set(data.get("reused") or []):
        problems.append(f"reused {data.get('reused')!r} lacks {item['reused']!r}")
    if "reused" in item and not item["reused"] and data.get("reused"):
        problems.append(f"reused {data.get('reused')!r}, expected none")
    if "page" in item and data.get("page") != item["page"]:
        problems.append(f"page {data.get('page')!r} != {item['page']!r}")
    if "text" in item and str(item["text"]).casefold() not in (data.get("text") or "").casefold():
        problems.append(f"text lacks {item['text']!r}")
    return problems


def evaluate(brain, items: list[dict]) -> Report:
    from bot.render import to_json

    report = Report()
    for item in items:
        data = to_json(brain.ask(item["q"]))
        count_only = brain.understand(item["q"]).count_only if "count" in item else None
        problems = check(item, data, count_only)
        report.results.append(Result(item, not problems, problems, summary(data, count_only)))
    return report


# -- dialogues ------------------------------------------------------------------------------------
DEFAULT_DIALOGUES = ROOT / "tests" / "dialogues.yaml"


def load_dialogues(path: Path = DEFAULT_DIALOGUES) -> list[dict]:
    """Multi-turn conversations: ``{name, category, turns: [{q, <labels>}, …]}``."""
    dialogues = yaml.safe_load(path.read_text(encoding="utf-8"))["dialogues"]
    for n, dialogue in enumerate(dialogues, start=1):
        if not dialogue.get("turns") or "category" not in dialogue:
            raise ValueError(f"{path}: dialogue {n} needs category and turns")
        for turn in dialogue["turns"]:
            unknown = set(turn) - set(TURN_LABELS) - {"q"}
            if "q" not in turn or unknown:
                raise ValueError(f"{path}: dialogue {n} ({dialogue.get('name')!r}): bad turn {turn!r}")
            turn["q"] = str(turn["q"])
    return dialogues


def evaluate_dialogues(brain, dialogues: list[dict]) -> Report:
    """Every dialogue in a conversation of its own; it passes when every labelled turn does. The items of
    the report are the dialogues (``group`` = category, ``q`` = the turns joined by " | ")."""
    from bot.models import Caller
    from bot.render import to_json

    report = Report()
    for n, dialogue in enumerate(dialogues):
        caller = Caller(conversation=f"evaluate-{n}-{id(dialogue)}", user=f"evaluate-user-{n}")
        problems, got = [], {}
        for turn in dialogue["turns"]:
            data = to_json(brain.ask(turn["q"], caller=caller))
            labels = {k: v for k, v in turn.items() if k != "q"}
            if "intent" not in labels:
                continue  # a turn that only sets the scene
            turn_problems = check(labels, data)
            got = summary(data)
            got["reused"] = data.get("reused")
            if turn_problems:
                problems.append(f"{turn['q']!r}: " + "; ".join(turn_problems))
        item = {"q": " | ".join(t["q"] for t in dialogue["turns"]), "group": dialogue["category"],
                "intent": dialogue["turns"][-1].get("intent", "-"), "name": dialogue.get("name")}
        report.results.append(Result(item, not problems, problems, got))
    brain.conversations.clear()
    return report


def make_brain(db: Path | None = None, data_dir: Path | None = None):
    from bot.brain import Brain

    data_dir = data_dir or ROOT / "data"
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="netzwerkbot-eval-")) / "netzwerkbot.sqlite"
    return Brain(db, data_dir)


def expected_of(item: dict) -> dict:
    return {k: item[k] for k in LABELS if k in item}


def format_report(report: Report, verbose: bool = False) -> str:
    lines = []

    def table(title: str, rows: dict[str, tuple[int, int, float]]) -> None:
        lines.append(f"{title:<12} {'ok':>5} {'n':>5} {'accuracy':>9}")
        for key, (passed, total, rate) in rows.items():
            lines.append(f"{key:<12} {passed:>5} {total:>5} {rate:>8.1%}")
        lines.append("")

    table("intent", report.by_intent())
    table("group", report.by_group())
    passed, total, rate = Report._rate(report.results)
    lines.append(f"overall: {passed}/{total} = {rate:.1%}   state group: {report.group_rate('state'):.1%}   "
                 f"all state-labelled: {report.state_labelled_rate():.1%}")
    failures = report.failures
    if failures:
        lines.append("")
        lines.append(f"{len(failures)} failure(s):")
        for r in failures:
            lines.append(f"  [{r.item.get('group', '-')}] {r.item['q']!r}")
            lines.append(f"      expected: {expected_of(r.item)}")
            lines.append(f"      got:      {r.got}")
            lines.append(f"      why:      {'; '.join(r.problems)}")
    if verbose:
        lines.append("")
        for r in report.results:
            lines.append(f"{'ok ' if r.ok else 'BAD'} {r.item['q']!r:60} {r.got}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--dialogues", type=Path, nargs="?", const=DEFAULT_DIALOGUES, default=None,
                        help="evaluate multi-turn dialogues (default file: tests/dialogues.yaml) instead")
    parser.add_argument("--db", type=Path, help="database to use (built if missing or stale); default: a temporary one")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--group", action="append", help="only these groups (repeatable)")
    parser.add_argument("--min-overall", type=float, default=None, help="exit 1 if overall accuracy is below this")
    parser.add_argument("--min-state", type=float, default=None, help="exit 1 if state-group accuracy is below this")
    parser.add_argument("--verbose", "-v", action="store_true", help="also list every question and its answer")
    args = parser.parse_args(argv)

    brain = make_brain(args.db, args.data)
    if args.dialogues:
        dialogues = load_dialogues(args.dialogues)
        if args.group:
            dialogues = [d for d in dialogues if d["category"] in args.group]
        report = evaluate_dialogues(brain, dialogues)
    else:
        items = load_questions(args.questions)
        if args.group:
            items = [i for i in items if i.get("group") in args.group]
        report = evaluate(brain, items)
    print(format_report(report, args.verbose))
    failed = []
    if args.min_overall is not None and report.overall < args.min_overall:
        failed.append(f"overall {report.overall:.1%} < {args.min_overall:.1%}")
    if args.min_state is not None and report.group_rate("state") < args.min_state:
        failed.append(f"state group {report.group_rate('state'):.1%} < {args.min_state:.1%}")
    if failed:
        print("BELOW FLOOR: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
