#!/usr/bin/env python3
"""Answer latency per intent over the labelled question set (tests/questions.yaml).

Each question is timed from ``Brain.ask`` to the finished ``to_json`` dict, in-process, after a
warm-up pass over the whole set; every question is repeated ``--repeat`` times (default 20). The
table gives p50/p90/p99 and the maximum in milliseconds per intent (the intent of the answer) and
overall. The warm-up pass is reported too: it is each question's first ask, before the per-word
caches of the understanding (typo look-ups) know its words.

    .venv/bin/python scripts/latency.py
    .venv/bin/python scripts/latency.py --repeat 50 --db /tmp/netzwerkbot.sqlite
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.evaluate import DEFAULT_QUESTIONS, load_questions, make_brain  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _timed(brain, question: str, timings: dict[str, list[float]]) -> None:
    from bot.render import to_json

    start = time.perf_counter()
    data = to_json(brain.ask(question))
    timings[data["intent"]].append((time.perf_counter() - start) * 1000)


def measure(brain, questions: list[str], repeat: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(first ask of each question, the ``repeat`` asks after it) in milliseconds per answer intent."""
    first: dict[str, list[float]] = defaultdict(list)
    for q in questions:  # warm-up: SQLite pages, rapidfuzz, per-word caches
        _timed(brain, q, first)
    timings: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for q in questions:
            _timed(brain, q, timings)
    return first, timings


def format_table(timings: dict[str, list[float]]) -> str:
    rows = [f"{'intent':<10} {'n':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean ms':>8}"]
    everything = [t for values in timings.values() for t in values]
    for intent, values in sorted(timings.items()) + [("ALL", everything)]:
        rows.append(f"{intent:<10} {len(values):>6} {percentile(values, 50):>8.2f} {percentile(values, 90):>8.2f} "
                    f"{percentile(values, 99):>8.2f} {max(values):>8.2f} {statistics.fmean(values):>8.2f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--db", type=Path, help="database to use (built if missing or stale); default: a temporary one")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--repeat", type=int, default=20, help="times each question is asked (after one warm-up pass)")
    args = parser.parse_args(argv)

    questions = [item["q"] for item in load_questions(args.questions)]
    brain = make_brain(args.db, args.data)
    started = time.perf_counter()
    first, timings = measure(brain, questions, max(1, args.repeat))
    total = time.perf_counter() - started
    print(f"{len(questions)} questions x {args.repeat} repeats (after a warm-up pass), {total:.1f} s in all\n")
    print(format_table(timings))
    print("\nwarm-up pass (each question's first ask):\n")
    print(format_table(first))
    return 0


if __name__ == "__main__":
    sys.exit(main())
