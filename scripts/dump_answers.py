#!/usr/bin/env python3
"""Dump the full answers (plain text and Telegram messages) of every question set, dialogue and button, to
compare two versions of the code: a change that should leave the German answers alone must leave this dump
alone (``diff`` two dumps, or ``--compare OLD``).

    .venv/bin/python scripts/dump_answers.py -o /tmp/before.json            # German (forced), every set
    .venv/bin/python scripts/dump_answers.py -o /tmp/after.json --compare /tmp/before.json
    .venv/bin/python scripts/dump_answers.py --lang en -o /tmp/en.json       # English answers, to read

Questions: tests/questions.yaml, questions_holdout.yaml, questions_understanding2.yaml, questions_en.yaml;
the dialogues of tests/dialogues.yaml (each in a conversation of its own); every command of the menu; and
button actions: every network's profile, contact card and map, every state, award year and topic.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SETS = ("questions.yaml", "questions_holdout.yaml", "questions_understanding2.yaml", "questions_en.yaml")
COMMANDS = ("/start", "/hilfe", "/help", "/themen", "/quellen", "/datenschutz", "/award", "/award 2013",
            "/award 2019", "/award 2010", "/naehe", "/region", "/kontakt", "/netzwerk", "/foo", "", "weiter",
            "/sprache", "/language")


def _entry(answer) -> dict:
    from bot.render import to_json

    data = to_json(answer)
    return {"text": data["text"], "telegram": data["telegram"], "lang": data.get("lang")}


def dump(lang: str | None) -> dict[str, dict]:
    from bot.brain import Brain
    from bot.models import Caller

    tmp = Path(tempfile.mkdtemp(prefix="netzwerkbot-dump-"))
    brain = Brain(tmp / "netzwerkbot.sqlite", ROOT / "data", users_db=tmp / "users.sqlite", cache_size=0)
    caller = Caller(chosen_lang=lang) if lang else None
    out: dict[str, dict] = {}
    for name in SETS:
        for item in yaml.safe_load((ROOT / "tests" / name).read_text(encoding="utf-8"))["questions"]:
            out[f"{name}: {item['q']}"] = _entry(brain.ask(str(item["q"]), caller=caller))
    for text in COMMANDS:
        out[f"command: {text}"] = _entry(brain.ask(text, caller=caller))
    dialogues = yaml.safe_load((ROOT / "tests" / "dialogues.yaml").read_text(encoding="utf-8"))["dialogues"]
    for n, dialogue in enumerate(dialogues):
        talker = Caller(conversation=f"dump-{n}", chosen_lang=lang)
        for k, turn in enumerate(dialogue["turns"]):
            out[f"dialogue {n} ({dialogue.get('name')}) turn {k}: {turn['q']}"] = _entry(
                brain.ask(str(turn["q"]), caller=talker))
    actions = [f"{kind}:{nid}" for nid in brain.store.all_ids() for kind in ("p", "c", "m")]
    actions += [f"s:{state.code}" for state in brain.catalog.states] + ["s:DE", "a:", "T", "h", "x:forged"]
    actions += [f"a:{year}" for year in range(2011, 2027)]
    actions += [f"t:{topic.code}:-" for topic in brain.catalog.topics]
    actions += [f"t:{topic.code}:SN" for topic in brain.catalog.topics]
    for action in actions:
        out[f"act: {action}"] = _entry(brain.act(action, caller=caller))
    out["locate: Göttingen"] = _entry(brain.locate(51.5364, 9.9390, caller=caller))
    out["locate: Wien"] = _entry(brain.locate(48.2, 16.37, caller=caller))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="de", help="de (default), en, or auto (the brain chooses)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--compare", type=Path, help="an earlier dump: list every answer that differs")
    args = parser.parse_args(argv)
    found = dump(None if args.lang == "auto" else args.lang)
    args.output.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(found)} answers written to {args.output}")
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        changed = [key for key in found if key in old and {k: v for k, v in old[key].items() if k != "lang"}
                   != {k: v for k, v in found[key].items() if k != "lang"}]
        missing = [key for key in old if key not in found]
        for key in changed:
            print(f"--- {key}\n  before: {old[key]['text']!r}\n  after:  {found[key]['text']!r}")
        print(f"{len(changed)} of {len(found)} answers differ; {len(missing)} missing")
        return 1 if changed or missing else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
