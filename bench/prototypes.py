"""Prototypes of the proposed fixes in ``bot/``, applied to a live Brain to measure their effect.

Nothing here changes ``bot/``: each prototype wraps an object of a running :class:`bot.brain.Brain`
from the outside, so the expected effect of a fix can be measured before it is made (see
docs/BENCHMARKS.md, "Proposed fixes"). ``python -m bench.prototypes --size 100k`` prints the
latency of the affected question kinds before and after, and whether the answers stayed the same.

* ``names`` – candidate pruning in ``NameMatcher.match``: when a query word is rare (its postings
  are short), the postings of the common words ("fachkraefteallianz", "netzwerk") are not used to
  *find* candidates – they still count when candidates are *scored*. A name that contains none of
  the rare query words can reach a precision of at most Σ idf(common) / Σ idf(all query words); the
  pruning only happens when that bound is below ``MAX_PRECISION_DROPPED`` (F1 ≤ 2p/(1+p) ≈ 0.33),
  so no name that could pass any threshold of understanding (≥ 0.4) is lost. Plus a per-word cache
  of ``similar_words`` (understanding asks for the same words up to five times per question).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from . import DATA_DIR, DEFAULT_SEED, fmt_ms, percentile, table

NAME_CATEGORIES = ("state", "town", "profile", "profile-typo", "contact", "unknown", "lab:profile", "lab:contact",
                   "lab:region")
MAX_POSTINGS = 500  # a word whose postings (over all its similar name words) are longer is "common"
MAX_PRECISION_DROPPED = 0.2


class PrunedIndex:
    """Stands in for ``NameMatcher.index`` during candidate generation; sees the query via ``similar_words``."""

    def __init__(self, matcher, index):
        self.matcher = matcher
        self.real = index
        self.pending: list[tuple[str, dict[str, float]]] = []  # (query word, similar words) of the current match
        self.dropped: set[str] | None = None
        self.active = False  # inside NameMatcher.match
        self.max_precision_dropped = MAX_PRECISION_DROPPED
        self.mode = "rare"  # or "topk"
        self.topk = 400
        self.allowed: set[int] | None = None
        idf = matcher.idf
        self.string_weight = [sum(idf.get(w, 0.0) for w in set(words)) for _nid, _text, words in matcher.strings]
        self.stats = {"pruned_queries": 0, "queries": 0}

    # the matcher calls similar_words(w) for every query word, then index.get(w) for every similar word
    def start(self) -> None:
        self.pending, self.dropped, self.active, self.allowed = [], None, True, None

    def note(self, word: str, sims: dict[str, float]) -> None:
        if self.active and self.dropped is None:
            self.pending.append((word, sims))

    def _decide_topk(self) -> set[str]:
        """Mode "topk": allow only the ``topk`` strings with the highest precision bound (ties: shortest name)."""
        from collections import Counter

        idf, default = self.matcher.idf, self.matcher.default_idf
        bound: Counter = Counter()
        total = 0
        for word, sims in self.pending:
            strings = set()
            for w in sims:
                strings.update(self.real.get(w, ()))
            total += len(strings)
            weight = max((idf[w] for w in sims if w in idf), default=idf.get(word, default))
            bound.update(dict.fromkeys(strings, weight))
        if total <= self.topk:
            self.allowed = None
            return set()
        weight_of = self.string_weight
        best = sorted(bound.items(), key=lambda kv: (-kv[1], weight_of[kv[0]]))[:self.topk]
        self.allowed = {i for i, _ in best}
        self.stats["pruned_queries"] += 1
        return set()

    def _decide(self) -> set[str]:
        if self.mode == "topk":
            self.stats["queries"] += 1
            return self._decide_topk()
        self.stats["queries"] += 1
        idf, default = self.matcher.idf, self.matcher.default_idf
        sizes = []
        for word, sims in self.pending:
            size = sum(len(self.real.get(w, ())) for w in sims)
            weight = max((idf[w] for w in sims if w in idf), default=idf.get(word, default))
            sizes.append((word, sims, size, weight))
        rare = [s for s in sizes if 0 < s[2] <= MAX_POSTINGS]
        common = [s for s in sizes if s[2] > MAX_POSTINGS]
        if not rare or not common:
            return set()
        total = sum(s[3] for s in sizes)
        bound = sum(s[3] for s in common) / total if total else 1.0
        if bound >= self.max_precision_dropped:
            return set()
        keep = {w for s in rare for w in s[1]}
        self.stats["pruned_queries"] += 1
        return {w for s in common for w in s[1]} - keep

    def get(self, word, default=()):
        if not self.active:
            return self.real.get(word, default)
        if self.dropped is None:
            self.dropped = self._decide()
        if word in self.dropped:
            return default
        postings = self.real.get(word, default)
        if self.allowed is not None:
            return [i for i in postings if i in self.allowed]
        return postings

    def __getitem__(self, word):
        return self.real[word]

    def __contains__(self, word):
        return word in self.real


def apply_names(brain) -> PrunedIndex:
    """Candidate pruning + a cache of similar_words on the brain's NameMatcher."""
    matcher = brain.understanding.names
    pruned = PrunedIndex(matcher, matcher.index)
    original = matcher.similar_words
    cache: dict[str, dict[str, float]] = {}

    def similar_words(word: str) -> dict[str, float]:
        sims = cache.get(word)
        if sims is None:
            sims = cache[word] = original(word)
            if len(cache) > 4096:
                cache.clear()
        pruned.note(word, sims)
        return dict(sims)

    original_match = matcher.match

    def match(*args, **kwargs):
        pruned.start()
        try:
            return original_match(*args, **kwargs)
        finally:
            pruned.active = False

    matcher.similar_words = similar_words
    matcher.match = match
    matcher.index = pruned
    return pruned


def compare(size_label: str, seed: int, categories: list[str], samples: int, budget: float,
            check_per_category: int = 20, bound: float = MAX_PRECISION_DROPPED, mode: str = "rare") -> str:
    from bot.brain import Brain
    from bot.render import to_json

    from .__main__ import parse_sizes
    from .build_import import bundled_count, ensure_database
    from .latency import generated_questions, labelled_questions, run_one

    bundled = bundled_count(DATA_DIR)
    size = parse_sizes(size_label, bundled)[0]
    db, _ = ensure_database(size, seed, log=lambda s: print(s, file=sys.stderr))
    items = labelled_questions() + generated_questions(Path(db), random.Random(seed), per_category=40)
    items = [i for i in items if not categories or i.category in categories]
    per_cat: dict[str, int] = {}
    checked = []
    for item in items:  # the equality check answers every question twice: keep it bounded
        per_cat[item.category] = per_cat.get(item.category, 0) + 1
        if per_cat[item.category] <= check_per_category:
            checked.append(item)
    before_brain = Brain(Path(db), DATA_DIR)
    after_brain = Brain(Path(db), DATA_DIR)
    pruned = apply_names(after_brain)
    pruned.max_precision_dropped = bound
    if mode:
        pruned.mode = mode

    def strip(data: dict) -> dict:
        return {k: v for k, v in data.items() if k != "telegram"}

    same = differ = 0
    examples = []
    for item in checked:
        a = strip(run_one(before_brain, item)[1])
        b = strip(run_one(after_brain, item)[1])
        if a == b:
            same += 1
        else:
            differ += 1
            if len(examples) < 5:
                examples.append(f"{item.text!r}: {a['intent']} -> {b['intent']}")
    rows = []
    by_cat: dict[str, list] = {}
    for item in items:
        by_cat.setdefault(item.category, []).append(item)
    for cat, cat_items in by_cat.items():
        res = []
        for brain in (before_brain, after_brain):
            times, started, n = [], time.perf_counter(), 0
            while len(times) < samples and (time.perf_counter() - started < budget or len(times) < 5):
                item = cat_items[n % len(cat_items)]
                n += 1
                t0 = time.perf_counter()
                run_one(brain, item)
                times.append(time.perf_counter() - t0)
            res.append(times)
        rows.append([cat, f"{fmt_ms(percentile(res[0], 50))} / {fmt_ms(percentile(res[0], 99))}",
                     f"{fmt_ms(percentile(res[1], 50))} / {fmt_ms(percentile(res[1], 99))}",
                     f"{percentile(res[0], 50) / percentile(res[1], 50):.1f}×"])
    out = [f"Prototype 'names' ({mode}{', bound ' + str(bound) if mode == 'rare' else ''}) at {size} networks: {pruned.stats['pruned_queries']} of {pruned.stats['queries']} "
           f"name matches pruned; answers identical for {same} of {same + differ} questions.",
           *(f"  differs: {e}" for e in examples), "",
           table(["category", "before p50 / p99 ms", "after p50 / p99 ms", "p50 speed-up"], rows)]
    _ = to_json  # rendering is part of run_one
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.prototypes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--categories", default=",".join(NAME_CATEGORIES),
                        help="comma-separated question categories, '' for all (default: %(default)s)")
    parser.add_argument("--bound", type=float, default=MAX_PRECISION_DROPPED,
                        help="prune common words only when a name without the rare words reaches at most this "
                             "precision (default: %(default)s)")
    parser.add_argument("--mode", choices=["rare", "topk"], default="topk",
                        help="rare: drop common words' postings when provably harmless; topk: score only the 400 "
                             "names with the highest precision bound (default: %(default)s)")
    parser.add_argument("--check", type=int, default=20, help="questions per category checked for equal answers")
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per category and variant")
    args = parser.parse_args(argv)
    cats = [c for c in args.categories.split(",") if c]
    print(compare(args.size, args.seed, cats, args.samples, args.budget, args.check, args.bound, args.mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
