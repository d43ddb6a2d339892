"""``python -m bench`` / ``netzwerkbot bench``: run the benchmarks and print the tables.

    python -m bench                       everything: sizes 142 (bundled), 1k, 10k, 100k  (~10-15 min)
    python -m bench --quick               the same, fewer samples and updates              (~4 min)
    python -m bench --sizes 142,1000      only these sizes ("bundled" or 142 = data/ alone; 1k, 10k, 100k)
    python -m bench --only latency        any of: build, latency, startup, telegram
    python -m bench --rebuild             rebuild the cached databases (fresh build/import timings)
    python -m bench --json out.json --markdown out.md

Databases are cached in ~/.cache/netzwerkbot-bench (or $NETZWERKBOT_BENCH_CACHE); results of every
run are saved there as results-latest.json too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import time
from pathlib import Path

from . import BUNDLED, DATA_DIR, DEFAULT_SEED, cache_dir, fmt_int, fmt_ms, machine_info, table

PARTS = ("build", "latency", "startup", "telegram")
GOALS = {"p99_bundled_s": 0.005, "p99_100k_s": 0.050, "startup_s": 1.0, "startup_mb": 100.0, "telegram_ratio": 0.8}


def parse_sizes(text: str, bundled: int) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part in (BUNDLED, "b"):
            n = bundled
        else:
            mult = 1000 if part.endswith("k") else 1
            n = int(float(part.rstrip("k")) * mult)
        sizes.append(max(n, bundled))
    return sorted(dict.fromkeys(sizes))


def label(size: int, bundled: int) -> str:
    if size <= bundled:
        return f"{bundled} (bundled)"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def weighted_p(categories: dict, p: float) -> float:
    """Percentile over all categories, each weighing the same whatever its sample count."""
    points = []
    for res in categories.values():
        times = res["times"]
        if times:
            w = 1.0 / len(times)
            points += [(t, w) for t in times]
    if not points:
        return math.nan
    points.sort()
    total = sum(w for _, w in points)
    acc = 0.0
    for t, w in points:
        acc += w
        if acc >= p / 100 * total - 1e-12:
            return t
    return points[-1][0]


# -- parts ----------------------------------------------------------------------------------------
def run_build(sizes: list[int], seed: int, rebuild: bool, log) -> dict:
    from .build_import import ensure_database, prune_cache

    prune_cache(log=log)
    out = {}
    for size in sizes:
        path, metrics = ensure_database(size, seed, rebuild=rebuild, log=log)
        metrics["path"] = str(path)
        out[size] = metrics
    return out


def summarise(results: dict) -> dict:
    """Per category p50/p99 (with the raw timings), and over all categories (each weighing the same)."""
    per = {cat: {**r.summary(), "times": r.times} for cat, r in results.items()}
    return {"categories": per, "all_p50": weighted_p(per, 50), "all_p99": weighted_p(per, 99),
            "worst_p99": max((c["p99"] for c in per.values()), default=math.nan)}


def run_latency(sizes: list[int], dbs: dict, args, log) -> dict:
    from bot.brain import Brain

    from bot.render import to_json

    from .latency import generated_questions, labelled_questions, measure, profile_categories, stage_split

    labelled = labelled_questions()
    out = {}
    for size in sizes:
        db = Path(dbs[size]["path"])
        log(f"  latency at {label(size, args.bundled)} networks ({len(labelled)} labelled questions) …")
        brain = Brain(db, DATA_DIR)
        items = labelled + generated_questions(db, random.Random(args.seed), per_category=15 if args.quick else 40)
        results = measure(brain, items, samples=40 if args.quick else 200, budget_s=1.5 if args.quick else 5.0,
                          log=log)
        timed = summarise(results)
        per = timed["categories"]
        log(f"  JSON face (every match listed) at {label(size, args.bundled)} …")
        as_json = measure(brain, items, samples=20 if args.quick else 60, budget_s=0.8 if args.quick else 2.0,
                          log=log, render=to_json)
        first: dict[str, list] = {}
        for item in items:
            group = first.setdefault(item.category, [])
            if len(group) < (2 if args.quick else 4):
                group.append(item)
        split = stage_split(brain, [i for group in first.values() for i in group])
        entry = {**timed, "split": split, "json": summarise(as_json)}
        if size == max(sizes) and not args.no_profile:
            slow = sorted(per, key=lambda c: -per[c]["p50"])[:6]
            log(f"  profiling {', '.join(slow)} at {label(size, args.bundled)} …")
            entry["profile"] = profile_categories(brain, items, slow, per_category=4 if args.quick else 8)
        brain.store.close()
        out[size] = entry
    return out


def run_startup(sizes: list[int], dbs: dict, args, log) -> dict:
    from .startup import end_to_end, in_process

    out = {}
    for size in sizes:
        db = Path(dbs[size]["path"])
        log(f"  start-up at {label(size, args.bundled)} …")
        out[size] = {"end_to_end": end_to_end(db, repeat=2 if args.quick else 5),
                     "in_process": in_process(db, repeat=1 if args.quick else 3)}
    return out


def run_telegram(sizes: list[int], dbs: dict, args, log) -> dict:
    from .telegram_throughput import KINDS, question_mix, run_all

    out = {}
    for size in sizes:
        db = Path(dbs[size]["path"])
        texts = question_mix(db, args.seed)
        log(f"  telegram at {label(size, args.bundled)} …")
        results = asyncio.run(run_all(db, texts, list(KINDS), burst=500 if args.quick else 3000,
                                      burst_limited=100 if args.quick else 300, paced=30 if args.quick else 100,
                                      paced_rate=10.0, cap_s=20.0 if args.quick else 45.0, log=log))
        out[size] = results
    return out


# -- report ---------------------------------------------------------------------------------------
def report(res: dict, bundled: int) -> str:
    lines = []
    m = res["machine"]
    lines.append(f"Machine: {m['nproc']} × {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}, SQLite {m['sqlite']}, "
                 f"python-telegram-bot {m['packages'].get('python-telegram-bot')}, commit {m['commit']}")
    sizes = sorted(int(s) for s in res.get("sizes", []))
    lab = {s: label(s, bundled) for s in sizes}

    if res.get("build"):
        rows = []
        for s in sizes:
            b = res["build"].get(s) or res["build"].get(str(s))
            if not b:
                continue
            imp, reb = b.get("import") or {}, b.get("rebuild") or {}
            rows.append([lab[s], f"{b['build']['seconds']:.2f}", fmt_int(imp.get("rows")),
                         f"{imp['seconds']:.2f}" if imp else "–", fmt_int(imp.get("rows_per_s")),
                         f"{reb['seconds']:.2f}" if reb else "–", fmt_int(reb.get("networks_per_s")),
                         f"{b['db_mb']:.0f}", "cached" if b.get("cached") else "fresh"])
        lines += ["", "## Build and import", "",
                  table(["networks", "build data/ s", "imported rows", "import s", "import rows/s", "rebuild s",
                         "rebuild rows/s", "DB MB", "timings"], rows)]

    if res.get("latency"):
        lat = {s: res["latency"].get(s) or res["latency"].get(str(s)) for s in sizes}
        lat = {s: v for s, v in lat.items() if v}
        cats = []
        for v in lat.values():
            for c in v["categories"]:
                if c not in cats:
                    cats.append(c)
        cats.sort(key=lambda c: (c.startswith("lab:"), c))
        headers = ["category"] + [f"{lab[s]} p50 / p99 ms" for s in lat]
        rows = latency_rows(list(lat.values()), cats)
        rows.append(["**worst category p99**"] + [fmt_ms(v["worst_p99"]) for v in lat.values()])
        lines += ["", "## Answer latency: Brain.ask + to_telegram (p50 / p99, ms)", "", table(headers, rows)]
        lines += ["", "## JSON face: Brain.ask + to_json, every match listed (p50 / p99, ms)", "",
                  table(headers, latency_rows([v.get("json") for v in lat.values()], cats))]
        if len(lat) >= 2:
            ss = list(lat)
            a, b = ss[-2], ss[-1]
            growth_rows = []
            for c in cats:
                ra, rb = lat[a]["categories"].get(c), lat[b]["categories"].get(c)
                if ra and rb and ra["p50"] > 0:
                    factor = rb["p50"] / ra["p50"]
                    exponent = math.log(factor) / math.log(b / a) if factor > 0 and b != a else math.nan
                    growth_rows.append([c, fmt_ms(ra["p50"]), fmt_ms(rb["p50"]), f"{factor:.1f}×",
                                        f"{exponent:.2f}"])
            lines += ["", f"Growth of p50 from {lab[a]} to {lab[b]} networks ({b / a:.0f}× the data; "
                          "exponent 1 = linear, 0 = constant):", "",
                      table(["category", f"{lab[a]} ms", f"{lab[b]} ms", "factor", "exponent"], growth_rows)]
        split_rows = []
        for s, v in lat.items():
            tot = {"understand": 0.0, "answer": 0.0, "render": 0.0}
            for cat_split in v["split"].values():
                for k in tot:
                    tot[k] += cat_split[k] / max(1, len(v["split"]))
            split_rows.append([lab[s], fmt_ms(tot["understand"]), fmt_ms(tot["answer"]), fmt_ms(tot["render"])])
        lines += ["", "Where the time goes (mean ms per free-text question, categories weighted equally):", "",
                  table(["networks", "understand", "answer (store)", "render to_telegram"], split_rows)]
        for s, v in lat.items():
            for cat, prof in (v.get("profile") or {}).items():
                lines += ["", f"Profile at {lab[s]}: `{cat}` ({fmt_ms(prof['per_question_s'])} ms per question under "
                              "cProfile), project functions by cumulative time:", ""]
                rows = [[f"`{r['func']}`", fmt_int(r["calls"] / prof["questions"]),
                         fmt_ms(r["own"] / prof["questions"]), fmt_ms(r["cum"] / prof["questions"])]
                        for r in prof["by_cum"][:8]]
                lines.append(table(["function", "calls/question", "own ms", "cum ms"], rows))

    if res.get("startup"):
        rows = []
        for s in sizes:
            st = res["startup"].get(s) or res["startup"].get(str(s))
            if not st:
                continue
            e2e = st["end_to_end"]
            ask = next(v for k, v in e2e.items() if k.startswith("netzwerkbot ask"))
            imp = e2e.get("import bot.brain + render", {})
            steps = st["in_process"]["steps_s"]
            rows.append([lab[s], f"{ask['median_s']:.2f}", f"{ask['peak_rss_mb']:.0f}",
                         f"{imp.get('median_s', math.nan):.2f}", f"{st['in_process']['brain_s']:.2f}",
                         fmt_ms(steps["store_open"]), fmt_ms(steps["gazetteer"]), fmt_ms(steps["name_index"]),
                         fmt_ms(steps["name_matcher"]), fmt_ms(steps["catalog"] + steps["understanding"])])
        base = next(iter(res["startup"].values()))["end_to_end"].get("python -c pass", {})
        lines += ["", "## Start-up", "",
                  f"`netzwerkbot ask \"Sachsen\"` end to end in a subprocess (median of runs) and its peak RSS; "
                  f"a bare `python -c pass` takes {base.get('median_s', math.nan):.3f} s and "
                  f"{base.get('peak_rss_mb', math.nan):.0f} MB.", "",
                  table(["networks", "ask s", "peak RSS MB", "imports s", "Brain() s", "Store.open ms",
                         "Gazetteer ms", "name rows ms", "NameMatcher ms", "other ms"], rows)]

    if res.get("telegram"):
        rows = []
        for s in sizes:
            runs = res["telegram"].get(s) or res["telegram"].get(str(s))
            if not runs:
                continue
            for r in runs:
                rows.append([lab[s], r["kind"], r["mode"], f"{r.get('answered', 0)}/{r['updates']}",
                             f"{r['updates_per_s']:.1f}" if r.get("updates_per_s") else "–",
                             fmt_ms(r.get("latency_p50")), fmt_ms(r.get("latency_p99")),
                             ("time cap" if r.get("capped") else "") + (r.get("error") or "")])
        lines += ["", "## Telegram: python-telegram-bot against a fake Bot API on 127.0.0.1", "",
                  table(["networks", "bot", "mode", "answered", "updates/s", "latency p50 ms", "p99 ms", "note"], rows)]

    goals = goal_rows(res, bundled)
    if goals:
        lines += ["", "## Goals", "", table(["goal", "target", "measured", "ratio to goal", "met"], goals)]
    return "\n".join(lines)


def latency_rows(timed: list[dict | None], cats: list[str]) -> list[list[str]]:
    """One row per category, one column per size ("p50 / p99 (n=…)"), and the all-categories row."""
    rows = []
    for c in cats:
        row = [c]
        for v in timed:
            r = (v or {}).get("categories", {}).get(c)
            row.append(f"{fmt_ms(r['p50'])} / {fmt_ms(r['p99'])} (n={r['n']})" if r else "–")
        rows.append(row)
    rows.append(["**all (each category equal)**"] + [
        f"{fmt_ms(v['all_p50'])} / {fmt_ms(v['all_p99'])}" if v else "–" for v in timed])
    return rows


def goal_rows(res: dict, bundled: int) -> list[list]:
    rows = []

    def get(part, size):
        data = res.get(part) or {}
        return data.get(size) or data.get(str(size))

    sizes = sorted(int(s) for s in res.get("sizes", []))
    for size, key, name in ((bundled, "p99_bundled_s", f"answer p99 at {bundled}"),
                            (100_000, "p99_100k_s", "answer p99 at 100k")):
        lat = get("latency", size)
        if lat:
            for what, value in (("all questions", lat["all_p99"]), ("worst category", lat["worst_p99"])):
                goal = GOALS[key]
                rows.append([f"{name} ({what})", f"≤ {goal * 1000:.0f} ms", f"{value * 1000:.1f} ms",
                             f"{value / goal:.2f}×", "yes" if value <= goal else "NO"])
    st = get("startup", bundled)
    if st:
        ask = next(v for k, v in st["end_to_end"].items() if k.startswith("netzwerkbot ask"))
        rows.append([f"start-up to first answer at {bundled}", "≤ 1 s", f"{ask['median_s']:.2f} s",
                     f"{ask['median_s'] / GOALS['startup_s']:.2f}×", "yes" if ask["median_s"] <= 1 else "NO"])
        rows.append([f"peak RSS at {bundled}", "≤ 100 MB", f"{ask['peak_rss_mb']:.0f} MB",
                     f"{ask['peak_rss_mb'] / GOALS['startup_mb']:.2f}×", "yes" if ask["peak_rss_mb"] <= 100 else "NO"])
    for size in sizes:
        runs = get("telegram", size)
        if not runs:
            continue
        by = {(r["kind"], r["mode"]): r for r in runs}
        echo = (by.get(("echo", "burst")) or {}).get("updates_per_s")
        echo_lim = (by.get(("echo-limited", "burst")) or {}).get("updates_per_s")
        nzb = (by.get(("netzwerkbot", "burst")) or {}).get("updates_per_s")
        nzb_free = (by.get(("netzwerkbot-unthrottled", "burst")) or {}).get("updates_per_s")
        lab = label(size, bundled)
        if echo and nzb_free:
            ratio = nzb_free / echo
            rows.append([f"Telegram throughput at {lab}: netzwerkbot (30/s cap lifted) vs echo", "≥ 0.8× echo",
                         f"{nzb_free:.0f} vs {echo:.0f} upd/s", f"{ratio:.2f}× ({ratio / 0.8:.2f} of goal)",
                         "yes" if ratio >= 0.8 else "NO"])
        if echo_lim and nzb:
            ratio = nzb / echo_lim
            rows.append([f"Telegram throughput at {lab}: netzwerkbot as shipped vs echo with the same limiter",
                         "≥ 0.8× echo", f"{nzb:.0f} vs {echo_lim:.0f} upd/s", f"{ratio:.2f}× ({ratio / 0.8:.2f} of goal)",
                         "yes" if ratio >= 0.8 else "NO"])
        if echo and nzb:
            ratio = nzb / echo
            rows.append([f"Telegram throughput at {lab}: netzwerkbot as shipped vs plain echo", "≥ 0.8× echo",
                         f"{nzb:.0f} vs {echo:.0f} upd/s", f"{ratio:.2f}× ({ratio / 0.8:.2f} of goal)",
                         "yes" if ratio >= 0.8 else "NO"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="netzwerkbot benchmarks",
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", default="bundled,1k,10k,100k",
                        help="database sizes (networks), e.g. 142,1000 or bundled,10k (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="fewer samples, repetitions and updates")
    parser.add_argument("--only", help=f"comma-separated parts to run: {', '.join(PARTS)}")
    parser.add_argument("--telegram-sizes", default="bundled,100k",
                        help="sizes for the Telegram comparison (intersected with --sizes; default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached databases (fresh build/import timings)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile breakdown at the largest size")
    parser.add_argument("--json", help="write all results (with raw timings) to this file")
    parser.add_argument("--markdown", help="write the tables as Markdown to this file")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:  # "netzwerkbot bench -- --quick": argparse.REMAINDER keeps the "--"
        argv = argv[1:]
    args = parser.parse_args(argv)

    from .build_import import bundled_count

    args.bundled = bundled_count(DATA_DIR)
    sizes = parse_sizes(args.sizes, args.bundled)
    parts = [p.strip() for p in (args.only or ",".join(PARTS)).split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    tg_sizes = [s for s in parse_sizes(args.telegram_sizes, args.bundled) if s in sizes]

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.perf_counter()
    res: dict = {"machine": machine_info(), "sizes": sizes, "bundled": args.bundled, "quick": args.quick,
                 "seed": args.seed, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    log(f"netzwerkbot bench: sizes {', '.join(label(s, args.bundled) for s in sizes)}; parts {', '.join(parts)}")
    dbs = run_build(sizes, args.seed, args.rebuild, log)  # always: every part needs the databases
    if "build" in parts:
        res["build"] = dbs
    if "latency" in parts:
        log("latency …")
        res["latency"] = run_latency(sizes, dbs, args, log)
    if "startup" in parts:
        log("start-up …")
        res["startup"] = run_startup(sizes, dbs, args, log)
    if "telegram" in parts and tg_sizes:
        try:
            import handlers.app  # noqa: F401
        except ImportError as exc:
            log(f"telegram: skipped, handlers.app not importable ({exc})")
        else:
            log("telegram …")
            res["telegram"] = run_telegram(tg_sizes, dbs, args, log)
    res["seconds"] = time.perf_counter() - started
    text = report(res, args.bundled)
    print(text)
    print(f"\n(total {res['seconds']:.0f} s)")
    serialisable = json.loads(json.dumps(res, default=str))
    (cache_dir() / "results-latest.json").write_text(json.dumps(serialisable, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(serialisable, indent=1))
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
