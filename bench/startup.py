"""Start-up: time to a first answer and peak memory, end to end and in-process.

* end to end: ``netzwerkbot ask "Sachsen"`` in a fresh subprocess against the (already built)
  database; wall time from spawn to exit and the child's peak RSS (``ru_maxrss`` from ``wait4``);
  for comparison a bare interpreter and one that only imports the brain's modules;
* in-process: ``Brain(db, data)`` construction, split into its steps (catalog, store open with the
  freshness check, gazetteer, name rows, name matcher, understanding) by repeating what
  ``Brain._open`` does with the same classes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import DATA_DIR, PROJECT_ROOT


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("netzwerkbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "bot.cli"]


# Peak RSS must be measured on a child of a *small* process: Linux carries the high-water mark
# of the forking process's memory over fork and exec, so a child of this (large) benchmark
# process would report the benchmark's own RSS. The launcher is a bare interpreter (-I -S) that
# spawns the command, waits for it with wait4 and prints wall time and ru_maxrss as JSON.
LAUNCHER = r"""
import json, os, sys, time
argv, env = json.loads(sys.stdin.read())
devnull = os.open(os.devnull, os.O_WRONLY)
t0 = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
_pid, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in bytes, exit code) of one child process, spawned by a tiny launcher."""
    import json
    import shutil

    if not os.path.isabs(argv[0]):
        argv = [shutil.which(argv[0]) or argv[0], *argv[1:]]
    done = subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER], input=json.dumps([argv, env]),
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"launcher failed: {done.stderr[-500:]}")
    wall, maxrss, code = json.loads(done.stdout.strip().splitlines()[-1])
    if code != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {code}")
    rss = maxrss * (1 if sys.platform == "darwin" else 1024)
    return wall, rss, code


def end_to_end(db_path: Path, repeat: int = 5, question: str = "Sachsen") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NETZWERKBOT_"))}
    env.update({"NETZWERKBOT_DB": str(db_path), "NETZWERKBOT_DATA_DIR": str(DATA_DIR), "LOG_LEVEL": "WARNING",
                "PYTHONDONTWRITEBYTECODE": "0"})
    variants = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import bot.brain + render": [sys.executable, "-c", "import bot.brain, bot.render, bot.cli"],
        f"netzwerkbot ask \"{question}\"": _cli() + ["ask", question],
    }
    out = {}
    for label, argv in variants.items():
        run_child(argv, env)  # warm the page cache and .pyc files once
        walls, rss = [], []
        for _ in range(repeat):
            wall, peak, _code = run_child(argv, env)
            walls.append(wall)
            rss.append(peak)
        out[label] = {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
                      "peak_rss_mb": max(rss) / 1e6, "runs": repeat}
    return out


def in_process(db_path: Path, repeat: int = 3) -> dict:
    """Brain() construction and its steps (median of ``repeat``), in this process."""
    from bot.answer import Answerer
    from bot.brain import Brain
    from bot.catalog import Catalog
    from bot.gazetteer import Gazetteer
    from bot.names import NameMatcher
    from bot.store import Store
    from bot.understanding import Understanding

    totals, steps = [], {k: [] for k in ("catalog", "store_open", "gazetteer", "name_index", "name_matcher",
                                         "understanding", "answerer")}
    for _ in range(repeat):
        t0 = time.perf_counter()
        brain = Brain(db_path, DATA_DIR)
        totals.append(time.perf_counter() - t0)
        brain.store.close()
        marks = [time.perf_counter()]
        catalog = Catalog.load(DATA_DIR)
        marks.append(time.perf_counter())
        store = Store.open(db_path, DATA_DIR, catalog, auto_build=True)
        marks.append(time.perf_counter())
        gazetteer = Gazetteer(store, catalog)
        marks.append(time.perf_counter())
        # what Brain._open does: the folded names (and summary rows) from the database, then the matcher
        rows = store.name_rows() if hasattr(store, "name_rows") else None
        entries = None if rows is not None else store.name_index()
        marks.append(time.perf_counter())
        names = NameMatcher.from_rows(rows) if rows is not None else NameMatcher(entries)
        marks.append(time.perf_counter())
        Understanding(store, gazetteer, catalog, names)
        marks.append(time.perf_counter())
        Answerer(store, gazetteer, catalog)
        marks.append(time.perf_counter())
        store.close()
        for key, a, b in zip(steps, marks, marks[1:]):
            steps[key].append(b - a)
    return {"brain_s": statistics.median(totals),
            "steps_s": {k: statistics.median(v) for k, v in steps.items()}}
