"""Answer latency per kind of question: ``Brain.ask`` (or ``act``/``locate``) + rendering.

The answer latency is ``Brain.ask`` + ``bot.render.to_telegram``: what the bot sends, so what a
user waits for. The JSON face (``ask --json``) is timed separately (``render=to_json``): its
``networks`` field lists every match (thousands around a town at 100,000 networks), so its cost
grows with the size of the output, not of the question.

Questions come from two places:

* ``tests/questions.yaml`` (labelled questions written for the accuracy tests), when present,
  grouped by their labelled intent as ``lab:<intent>``;
* generated ones for every kind of question the bot answers: states, districts, towns, postcodes,
  nearby, awards, topics, network names (exact, with typos, as /netzwerk and as contact
  questions), button actions and shared locations. Network names are drawn from the database
  being measured, so at 100k they are mostly synthetic ones.

Every question is timed end to end, in rotation, until a category has ``samples`` timings or its
time budget is used up. ``profile_categories`` runs cProfile over the slowest categories and
returns the functions of ``bot/`` where the time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from bot.brain import Brain
from bot.render import to_telegram

from . import DATA_DIR, PROJECT_ROOT, percentile

TOPIC_WORDS = [("Pflege", True), ("Weiterbildung", True), ("Ausbildung", True), ("Integration", True),
               ("Digitalisierung", True), ("Willkommenskultur", True), ("Logistik", True), ("Fachkräftemarketing", False),
               ("Berufsorientierung", False), ("Vereinbarkeit von Familie und Beruf", False)]


@dataclass
class Item:
    category: str
    text: str  # the question, or the action ("act:s:SN:1") / location ("loc:51.5,9.9")
    expect: str | None = None  # a labelled intent, if known


@dataclass
class CategoryResult:
    category: str
    times: list[float] = field(default_factory=list)
    intents: dict[str, int] = field(default_factory=dict)
    questions: int = 0
    mismatches: int = 0  # labelled questions whose intent differed (informative only)
    slowest: tuple[float, str] = (0.0, "")

    def summary(self) -> dict:
        return {"category": self.category, "n": len(self.times), "questions": self.questions,
                "p50": percentile(self.times, 50), "p90": percentile(self.times, 90),
                "p99": percentile(self.times, 99), "max": max(self.times) if self.times else None,
                "intents": dict(sorted(self.intents.items(), key=lambda kv: -kv[1])),
                "mismatches": self.mismatches, "slowest": {"seconds": self.slowest[0], "text": self.slowest[1]}}


def typo(word: str, rng: random.Random) -> str:
    """One realistic typo: swap two neighbours, drop a letter, double one, or lose the umlaut."""
    if len(word) < 5:
        return word
    for plain, umlaut in (("ae", "ä"), ("oe", "ö"), ("ue", "ü")):
        if umlaut in word and rng.random() < 0.3:
            return word.replace(umlaut, plain[0], 1)
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def with_typo(name: str, rng: random.Random) -> str:
    """The name with a typo in its longest word (the one that identifies it)."""
    words = name.split()
    longest = max(range(len(words)), key=lambda k: len(words[k]))
    words[longest] = typo(words[longest], rng)
    return " ".join(words)


def labelled_questions(path: Path | None = None) -> list[Item]:
    """Questions of ``tests/questions.yaml`` (any of a few plausible layouts); [] if absent."""
    path = path or PROJECT_ROOT / "tests" / "questions.yaml"
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(raw, dict):
        raw = raw.get("questions") or raw.get("cases") or next((v for v in raw.values() if isinstance(v, list)), [])
    items = []
    for entry in raw or []:
        if isinstance(entry, str):
            items.append(Item("lab:?", entry))
            continue
        if not isinstance(entry, dict):
            continue
        text = entry.get("q") or entry.get("question") or entry.get("text") or entry.get("ask")
        expect = entry.get("intent")
        if expect is None and isinstance(entry.get("expect"), dict):
            expect = entry["expect"].get("intent")
        if isinstance(text, str):
            items.append(Item(f"lab:{expect or '?'}", text, expect))
    return items


def generated_questions(db_path: Path, rng: random.Random, per_category: int = 40,
                        data_dir: Path = DATA_DIR) -> list[Item]:
    """Questions of every kind, drawn from the database being measured (deterministic for ``rng``)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    states = [r[0] for r in conn.execute("select name from states order by code")]
    state_codes = [r[0] for r in conn.execute("select code from states order by code")]
    districts = [r[0] for r in conn.execute("select name from districts where name like 'Landkreis %' order by code")]
    towns = [r for r in conn.execute(
        "select name, lat, lon from places where parent is null and size >= 3 order by name")]
    postcodes = [r[0] for r in conn.execute("select distinct postcode from postcodes order by postcode")]
    networks = [r for r in conn.execute("select id, name, towns from networks order by id")]
    years = [r[0] for r in conn.execute("select distinct year from award_events order by year")]
    conn.close()
    pick = lambda seq, k=per_category: [rng.choice(seq) for _ in range(k)]  # noqa: E731
    items: list[Item] = []
    forms = ["{}", "Netzwerke in {}", "Welche Netzwerke gibt es in {}?", "Wie viele Netzwerke gibt es in {}?"]
    items += [Item("state", rng.choice(forms).format(s)) for s in pick(states)]
    items += [Item("district", rng.choice(["{}", "Netzwerke im {}"]).format(d)) for d in pick(districts)]
    items += [Item("town", rng.choice(["{}", "Netzwerke in {}", "Was gibt es in {}?"]).format(t[0])) for t in pick(towns)]
    items += [Item("town-typo", "Netzwerke in " + with_typo(t[0], rng)) for t in pick([t for t in towns if len(t[0]) >= 6])]
    items += [Item("postcode", rng.choice(["{}", "Netzwerke bei {}", "PLZ {}"]).format(p)) for p in pick(postcodes)]
    items += [Item("nearby", rng.choice(["Nähe {}", "Gibt es was in der Nähe von {}?", "Netzwerke in der Nähe von {}"])
                   .format(p if rng.random() < 0.5 else t[0])) for p, t in zip(pick(postcodes), pick(towns))]
    items += [Item("location", f"loc:{t[1] + rng.uniform(-0.05, 0.05):.4f},{t[2] + rng.uniform(-0.05, 0.05):.4f}")
              for t in pick(towns)]
    items += [Item("award", rng.choice(["/award {}", "Preisträger {}", "Wer wurde {} ausgezeichnet?", "/award"])
                   .format(y)) for y in pick(years)]
    items += [Item("topic", (f"{w} in {s}" if rng.random() < 0.6 else w))
              for (w, _), s in zip(pick(TOPIC_WORDS), pick(states))]
    named = pick(networks)
    items += [Item("profile", n[1]) for n in named[: per_category // 2]]
    items += [Item("profile", f"/netzwerk {n[1]}") for n in named[per_category // 2:]]
    items += [Item("profile-typo", with_typo(n[1], rng)) for n in pick(networks)]
    items += [Item("contact", rng.choice(["Kontakt {}", "Wie erreiche ich {}?"]).format(n[1])) for n in pick(networks)]
    actions = []
    for _ in range(per_category):
        kind = rng.randrange(5)
        if kind == 0:
            actions.append(f"act:s:{rng.choice(state_codes)}:{rng.randrange(1, 4)}")
        elif kind == 1:
            actions.append(f"act:p:{rng.choice(networks)[0]}")
        elif kind == 2:
            actions.append(f"act:c:{rng.choice(networks)[0]}")
        elif kind == 3:
            actions.append(f"act:o:{rng.choice(postcodes)}:1")
        else:
            actions.append(f"act:a:{rng.choice(years)}")
    items += [Item("button", a) for a in actions]
    items += [Item("help", q) for q in pick(["Hallo", "/start", "/hilfe", "Was kannst du?", "/themen", "/quellen"])]
    items += [Item("unknown", q) for q in pick(["xyzzy", "Wie wird das Wetter morgen?", "asdf qwer", "42",
                                                "Ich suche einen Job als Koch", "Was kostet das?"])]
    return items


def run_one(brain: Brain, item: Item, render: Callable = to_telegram) -> tuple[str, object]:
    if item.text.startswith("act:"):
        answer = brain.act(item.text[4:])
    elif item.text.startswith("loc:"):
        lat, lon = (float(x) for x in item.text[4:].split(","))
        answer = brain.locate(lat, lon)
    else:
        answer = brain.ask(item.text)
    return answer.intent, render(answer)


def uncached(brain: Brain) -> Callable[[], None]:
    """What to call before each timed question so it is answered afresh: the brain's answer cache and
    the name matcher's memos would otherwise turn every repeat of the rotation into a cache hit."""
    return getattr(brain, "clear_caches", None) or (lambda: None)


def measure(brain: Brain, items: list[Item], samples: int = 200, budget_s: float = 6.0,
            log: Callable[[str], None] = lambda s: None, cached: bool = False,
            render: Callable = to_telegram) -> dict[str, CategoryResult]:
    """Time every category in rotation until ``samples`` timings or ``budget_s`` seconds per category.

    Every question is answered without the brain's caches (see :func:`uncached`) unless ``cached``;
    store-level caches built once per database (ordered id lists, the point grid) stay warm, as in a
    running bot."""
    clear = (lambda: None) if cached else uncached(brain)
    getattr(brain, "warm_up", lambda: None)()  # as the bot does after start: the point grid is loaded
    by_cat: dict[str, list[Item]] = {}
    for item in items:
        by_cat.setdefault(item.category, []).append(item)
    results = {}
    for cat, cat_items in by_cat.items():
        for item in cat_items[:3]:  # warm caches (SQLite pages, rapidfuzz) once
            run_one(brain, item, render)
        res = CategoryResult(cat, questions=len(cat_items))
        started = time.perf_counter()
        n = 0
        while len(res.times) < samples and (time.perf_counter() - started < budget_s or len(res.times) < 5):
            item = cat_items[n % len(cat_items)]
            n += 1
            clear()
            t0 = time.perf_counter()
            intent, _data = run_one(brain, item, render)
            elapsed = time.perf_counter() - t0
            res.times.append(elapsed)
            res.intents[intent] = res.intents.get(intent, 0) + 1
            if item.expect and intent != item.expect:
                res.mismatches += 1
            if elapsed > res.slowest[0]:
                res.slowest = (elapsed, item.text)
        results[cat] = res
        log(f"    {cat:<14} n={len(res.times):4d}  p50={percentile(res.times, 50) * 1000:8.2f} ms  "
            f"p99={percentile(res.times, 99) * 1000:8.2f} ms")
    return results


def stage_split(brain: Brain, items: list[Item], repeat: int = 1) -> dict[str, dict[str, float]]:
    """Mean seconds per category spent in understanding, answering and rendering (free text only)."""
    split: dict[str, dict[str, float]] = {}
    clear = uncached(brain)
    for item in items:
        if item.text.startswith(("act:", "loc:")):
            continue
        s = split.setdefault(item.category, {"understand": 0.0, "answer": 0.0, "render": 0.0, "n": 0})
        for _ in range(repeat):
            clear()
            t0 = time.perf_counter()
            query = brain.understand(item.text)
            t1 = time.perf_counter()
            answer = brain.answer(query)
            t2 = time.perf_counter()
            to_telegram(answer)
            t3 = time.perf_counter()
            s["understand"] += t1 - t0
            s["answer"] += t2 - t1
            s["render"] += t3 - t2
            s["n"] += 1
    for s in split.values():
        n = s.pop("n") or 1
        for k in s:
            s[k] /= n
    return split


def profile_categories(brain: Brain, items: list[Item], categories: list[str], per_category: int = 12,
                       top: int = 12) -> dict[str, dict]:
    """cProfile over a few questions of each category: the heaviest functions (cumulative and own time)."""
    out = {}
    for cat in categories:
        chosen = [i for i in items if i.category == cat][:per_category]
        if not chosen:
            continue
        clear = uncached(brain)
        prof = cProfile.Profile()
        for item in chosen:
            clear()
            prof.enable()
            run_one(brain, item)
            prof.disable()
        stats = pstats.Stats(prof)
        total = stats.total_tt
        rows = []
        for (filename, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():
            short = _short_path(filename)
            rows.append({"func": f"{short}:{line}({func})", "calls": nc, "own": tt, "cum": ct,
                         "project": short.startswith(("bot/", "handlers/"))})
        by_cum = sorted((r for r in rows if r["project"]), key=lambda r: -r["cum"])[:top]
        by_own = sorted(rows, key=lambda r: -r["own"])[:top]
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(30)
        out[cat] = {"questions": len(chosen), "total_s": total, "per_question_s": total / len(chosen),
                    "by_cum": by_cum, "by_own": by_own, "text": text.getvalue()}
    return out


def _short_path(filename: str) -> str:
    for marker in ("/bot/", "/handlers/", "/bench/"):
        if marker in filename:
            return marker[1:] + filename.split(marker, 1)[1]
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    if filename.startswith("~") or filename.startswith("<"):
        return filename
    return Path(filename).name
