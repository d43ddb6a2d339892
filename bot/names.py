"""Fuzzy matching of network names, aliases and former names.

Plain WRatio over whole names misleads on short words ("in" scores 90 against "Berlin") and on
the words every name shares ("Netzwerk", "Fachkräfte", "Allianz"). We match word by word instead:

1. every name and alias is split into folded words; each word gets an IDF weight over all
   networks, so "jenaer" or "ems" weigh a lot and "fachkraefteallianz" or "netzwerk" little;
2. each query word is matched to similar name words (exact, or ``fuzz.ratio`` >= 80 for words of
   five letters or more, so "alianz" finds "allianz" and "jenear" finds "jenaer");
3. a network scores the F1 of how much of the query its names explain together (precision: a word
   may come from any of its names and aliases, so "IRMA Ingolstadt" is fully explained) and how much
   of its best-covered name the query covers (recall), both IDF-weighted;
4. words typed apart or together are rejoined or split when the name writes them the other way
   ("job 4 u" -> "job4u", "Hanse Belt" -> "hansebelt", "emsachse" -> "ems achse", "Logistiknetzwerk"
   -> "logistik netzwerk").

Only networks that share at least one matched word are scored (an inverted index). Words most names
share ("netzwerk", "fachkraefteallianz") have postings of 10-20k names at 100k networks; scoring all of
them took seconds. :meth:`NameMatcher.match` therefore scores exactly, but only where it can matter:
networks found through the rarer words are scored outright; the rest are grouped by which of the common
words they have (that fixes their precision), and each group is scanned from its lightest names (the
highest possible recall) until an upper bound of the score falls below the ``limit``-th best score. The
result is the same as scoring everything.
"""

from __future__ import annotations

import bisect
import functools
import gc
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, combinations

from rapidfuzz import fuzz, process

from .textnorm import fold

NAME_STOPWORDS = frozenset(
    "der die das des dem den und fuer im in am an zur zum von vom e v ev gmbh ggmbh gbr mbh eg plus "
    "the of for and".split()
)


@dataclass
class NameMatch:
    network_id: str
    name: str  # the name or alias that matched best
    score: float  # 0..1
    precision: float
    recall: float


RARE_BUDGET = 300  # strings scored outright through the rarest similar words (the rest by bound)
MAX_COMMON = 8  # common words grouped by pattern (2**8 patterns at most); more are scored outright
SIMILAR_CACHE = 4096  # memoised similar_words entries (cleared when full)
MATCH_CACHE = 512  # memoised match results (cleared when full)
SORT_MEMBERS = 4096  # a pattern group up to this size is sorted by weight, larger ones go by posting lists
SCAN_SLICE = 64  # names per list taken at a time while the top is not full
WARM_POSTINGS = 500  # words in more names than this get their sorted postings at start (NameMatcher.warm_up_steps)
AMONG_SCORED = 256  # up to this many candidates ("among") are scored outright, more go by bound


class NameMatcher:
    def __init__(self, entries: list[tuple[str, str, list[str], str | None]],
                 folded: list[list[str]] | None = None):
        """``entries``: (network id, name, aliases, status) as ``Store.name_index`` returns them;
        ``folded``: for each entry, ``fold()`` of its name and aliases (see :meth:`from_rows`)."""
        rows = []
        for k, (network_id, name, aliases, _status) in enumerate(entries):
            texts = [name, *aliases]
            rows.append((network_id, texts, folded[k] if folded is not None else [fold(t) for t in texts]))
        self._build(rows)

    @classmethod
    def from_rows(cls, rows: list[tuple[str, list[str], list[str]]]) -> "NameMatcher":
        """From ``Store.name_rows()``: (id, [name, *aliases], their ``fold()``), folded when the database
        was built, so start-up does not fold 100k names again."""
        matcher = cls.__new__(cls)
        matcher._build(rows)
        return matcher

    def _build(self, rows) -> None:
        gc_was_enabled = gc.isenabled()
        gc.disable()  # hundreds of thousands of small tuples and sets: the collector would run for nothing
        try:
            self._build_tables(rows)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _build_tables(self, rows) -> None:
        strings: list[tuple[str, str, tuple[str, ...]]] = []  # (network id, display, words)
        display_name: dict[str, str] = {}
        network_strings: dict[str, list[int]] = {}
        network_words: dict[str, set[str]] = {}
        index: dict[str, list[int]] = defaultdict(list)
        stop = NAME_STOPWORDS
        for network_id, texts, folds in rows:
            display_name[network_id] = texts[0]
            mine: list[int] = []
            union: set[str] = set()
            for text, key in zip(texts, folds):
                parts = key.split()
                words = tuple(parts) if stop.isdisjoint(parts) else tuple([w for w in parts if w not in stop])
                if not words:
                    continue
                i = len(strings)
                mine.append(i)
                strings.append((network_id, text, words))
                union.update(words)
                if len(words) == 1:
                    index[words[0]].append(i)
                else:
                    for w in set(words):
                        index[w].append(i)
            if mine:
                network_strings[network_id] = mine
                network_words[network_id] = union
        self.strings, self.display_name, self.network_strings = strings, display_name, network_strings
        df = Counter(chain.from_iterable(network_words.values()))
        n = max(1, len(network_words))
        self.df = dict(df)
        log = math.log
        self.idf = {w: log((n + 1) / (c + 0.5)) for w, c in df.items()}
        self.default_idf = math.log((n + 1) / 1.5)  # an unknown query word weighs like a unique one
        self.vocab = sorted(self.idf)
        self.vocab_by_first: dict[str, list[str]] = defaultdict(list)
        for w in self.vocab:
            self.vocab_by_first[w[:1]].append(w)
        self.index = index
        self.network_words = network_words
        # built on demand: postings sorted by string weight, network sets of common words, memos
        self._weight: dict[int, float] = {}
        self._sorted: dict[str, tuple[list[int], list[float]]] = {}
        self._net_weight: dict[str, float] = {}
        self._net_sets: dict[str, frozenset[str]] = {}
        self._similar: dict[str, dict[str, float]] = {}
        self._matches: dict[tuple, list[NameMatch]] = {}
        self._joined: dict[str, tuple[str, str] | None] = {}
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}

    def warm_up_steps(self, common: int = WARM_POSTINGS) -> list[Callable[[], object]]:
        """What the first question with a common name word would wait for, in small steps: the weight of
        every name, then the sorted postings of each word in more than ``common`` names ("netzwerk",
        "fachkräfte": ~40-90 ms each at 100k). The steps fill the memos questions use; a value computed
        twice (a question meanwhile) is the same value."""
        def weights() -> None:
            for i in range(len(self.strings)):
                self._string_weight(i)

        common_words = sorted((w for w, found in self.index.items() if len(found) > common),
                              key=lambda w: -len(self.index[w]))
        return [weights] + [functools.partial(self._sorted_postings, word) for word in common_words]

    def clear_caches(self) -> None:
        """Forget memoised similar words and matches (the benchmark times questions without them)."""
        self._similar.clear()
        self._matches.clear()

    def similar_words(self, word: str) -> dict[str, float]:
        """Name words similar to ``word`` with a similarity 0..1."""
        return dict(self._similar_words(word))

    def _similar_words(self, word: str) -> dict[str, float]:
        """:meth:`similar_words`, memoised (the same words are asked for several times per question).
        The dict returned is shared: do not change it."""
        found = self._similar.get(word)
        if found is not None:
            return found
        found = {}
        if word in self.idf:
            found[word] = 1.0
        if len(word) >= 5:
            # fuzz.ratio >= 80 needs lengths within 2:3 of each other, so only those words are compared; the
            # best 8, ties in vocabulary order, are what process.extract over the whole vocabulary returns
            choices, positions = self._vocab_near_length(len(word))
            hits = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=80, limit=None)
            for cand, score, _k in sorted(hits, key=lambda h: (-h[1], positions[h[2]]))[:8]:
                found.setdefault(cand, score / 100)
        if len(word) >= 4:
            # a query word that starts a longer name word: "fachkraefte" ~ "fachkraefteallianz" (weaker)
            for cand in self.vocab_by_first.get(word[:1], ()):
                if cand != word and cand.startswith(word) and len(word) >= 0.6 * len(cand):
                    found.setdefault(cand, 0.85)
        if len(self._similar) >= SIMILAR_CACHE:
            self._similar.clear()
        self._similar[word] = found
        return found

    def _vocab_near_length(self, length: int) -> tuple[list[str], list[int]]:
        """The vocabulary words of 2/3 to 3/2 times ``length`` letters (in vocabulary order) and their
        positions in the vocabulary. Memoised per length."""
        found = self._by_length.get(length)
        if found is None:
            low, high = math.ceil(length * 2 / 3), math.floor(length * 3 / 2)
            positions = [i for i, w in enumerate(self.vocab) if low <= len(w) <= high]
            found = self._by_length[length] = ([self.vocab[i] for i in positions], positions)
        return found

    def query_words(self, text: str) -> list[str]:
        """The folded query words, rejoined or split where a name writes them the other way."""
        raw = fold(text).split()
        words: list[str] = []
        i = 0
        while i < len(raw):
            for n in (3, 2):  # "job 4 u" -> "job4u", "hanse belt" -> "hansebelt"
                parts = raw[i:i + n]
                joined = "".join(parts)
                if len(parts) == n and joined in self.idf and not all(p in self.idf for p in parts):
                    words.append(joined)
                    i += n
                    break
            else:
                w = raw[i]
                pair = None if w in self.idf else self._joined_pair(w)
                if pair:
                    words.extend(pair)
                else:
                    words.extend(self._split(w))
                i += 1
        return [w for w in words if w not in NAME_STOPWORDS and len(w) >= 2]

    def _joined_pair(self, word: str) -> tuple[str, str] | None:
        """The two name words, next to each other in some name, that ``word`` writes together
        ("emsachse" for "ems achse"); the first such pair in name order. Memoised."""
        if word in self._joined:
            return self._joined[word]
        best = None  # (string index, position, first word, second word)
        if len(word) >= 6:
            for k in range(1, len(word)):
                a, b = word[:k], word[k:]
                if a not in self.idf or b not in self.idf:
                    continue
                for i in sorted(set(self.index[a]).intersection(self.index[b])):
                    if best is not None and i > best[0]:
                        break
                    words = self.strings[i][2]
                    pos = next((p for p in range(len(words) - 1) if words[p] == a and words[p + 1] == b), None)
                    if pos is not None:
                        if best is None or (i, pos) < best[:2]:
                            best = (i, pos, a, b)
                        break
        if len(self._joined) >= SIMILAR_CACHE:
            self._joined.clear()
        pair = self._joined[word] = (best[2], best[3]) if best else None
        return pair

    def distinctive(self, text: str, network_id: str, max_df: int = 2) -> bool:
        """Does ``text`` have a word (or a near spelling of one) that few networks' names share with this one?"""
        words = self.network_words.get(network_id, set())
        for qw in self.query_words(text):
            if any(w in words and self.df.get(w, 99) <= max_df and sim >= 0.8
                   for w, sim in self._similar_words(qw).items()):
                return True
        return False

    def _split(self, word: str) -> list[str]:
        """A compound of two name words ("logistiknetzwerk" -> "logistik", "netzwerk"), else the word."""
        if word in self.idf or len(word) < 8:
            return [word]
        for i in range(4, len(word) - 3):
            head, tail = word[:i], word[i:]
            if head in self.idf and tail in self.idf:
                return [head, tail]
        return [word]

    # -- scoring ----------------------------------------------------------------------------------
    def _precision(self, union, qwords: list[str], similar: list[dict[str, float]], optional: frozenset[str]) -> float:
        """How much of the query the words ``union`` (all names and aliases of a network) explain."""
        matched_q = total_q = 0.0
        for qw, sims in zip(qwords, similar):
            hits = [(sim, w) for w, sim in sims.items() if w in union]
            weight = max((self.idf[w] for _, w in hits), default=self.idf.get(qw, self.default_idf))
            if hits:
                total_q += weight
                matched_q += weight * max(hits)[0]
            elif qw not in optional:
                total_q += weight
        return matched_q / total_q if total_q else 0.0

    def _score(self, network_id: str, qwords: list[str], similar: list[dict[str, float]],
               optional: frozenset[str]) -> NameMatch:
        # precision: how much of the query this network's names explain, any name or alias
        precision = self._precision(self.network_words[network_id], qwords, similar, optional)
        # recall: how much of its best-covered name the query covers
        best_recall, best_display = -1.0, ""
        for i in self.network_strings[network_id]:
            _nid, display, words = self.strings[i]
            covered: dict[str, float] = {}
            for sims in similar:
                for w, sim in sims.items():
                    if w in words:
                        covered[w] = max(covered.get(w, 0.0), sim)
            if not covered:
                continue  # a name without any of the words: not a candidate
            total_n = self._string_weight(i)  # the idf of its distinct words
            recall = sum(self.idf[w] * s for w, s in covered.items()) / total_n if total_n else 0.0
            if recall > best_recall or (recall == best_recall and len(display) < len(best_display)):
                best_recall, best_display = recall, display
        score = 2 * precision * best_recall / (precision + best_recall) if precision + best_recall else 0.0
        return NameMatch(network_id, best_display, round(score, 3), round(precision, 3), round(best_recall, 3))

    def _string_weight(self, i: int) -> float:
        weight = self._weight.get(i)
        if weight is None:
            weight = self._weight[i] = sum(self.idf[w] for w in set(self.strings[i][2]))
        return weight

    def _sorted_postings(self, word: str) -> tuple[list[int], list[float]]:
        """The names with ``word`` (string indexes), lightest (= highest possible recall) first, and
        their weights."""
        found = self._sorted.get(word)
        if found is None:
            weight = self._string_weight
            order = sorted(self.index.get(word, ()), key=lambda i: (weight(i), i))
            found = self._sorted[word] = (order, [weight(i) for i in order])
        return found

    def _networks_with(self, word: str) -> frozenset[str]:
        found = self._net_sets.get(word)
        if found is None:
            strings = self.strings
            found = frozenset(strings[i][0] for i in self.index.get(word, ()))
            if len(self.index.get(word, ())) > 64:
                self._net_sets[word] = found
        return found

    def knows_any(self, text: str) -> bool:
        """Whether ``match(text)`` would find anything: some name has a word like one of ``text``'s
        (without scoring every network that has it)."""
        return any(w in self.index for q in self.query_words(text) for w in self._similar_words(q))

    def match(self, text: str, limit: int = 5, optional: frozenset[str] = frozenset(),
              among: set[str] | frozenset[str] | None = None, min_precision: float = 0.0) -> list[NameMatch]:
        """Networks whose names fit ``text``, best first. Words in ``optional`` (filler such as
        "netzwerke") count when a name has them but are not held against a name that lacks them.

        ``among``: only these network ids (e.g. the networks at a place) - cheaper than asking for every
        match and filtering. ``min_precision``: only matches whose names explain at least this much of
        the query (as rounded in ``NameMatch.precision``), again cheaper than filtering afterwards.
        The words are taken in a fixed order, so the same words in another order give the same result
        (and hit the memo: understanding asks for "X Y Göttingen" and "X Göttingen Y").
        """
        qwords = sorted(self.query_words(text))
        key = (tuple(qwords), limit, optional, None if among is None else frozenset(among), min_precision)
        cached = self._matches.get(key)
        if cached is not None:
            return list(cached)
        found = self._match(qwords, limit, optional, among, min_precision)
        if len(self._matches) >= MATCH_CACHE:
            self._matches.clear()
        self._matches[key] = found
        return list(found)

    def _match(self, qwords: list[str], limit: int, optional: frozenset[str], among,
               min_precision: float) -> list[NameMatch]:
        if not qwords:
            return []
        similar = [self._similar_words(w) for w in qwords]
        sim_of: dict[str, float] = {}  # every similar name word -> its best similarity to a query word
        for sims in similar:
            for w, sim in sims.items():
                if w in self.index and sim > sim_of.get(w, 0.0):
                    sim_of[w] = sim
        if not sim_of:
            return []
        top = Top(limit, min_precision)
        if among is not None and len(among) <= AMONG_SCORED:
            for network_id in among:
                words = self.network_words.get(network_id)
                if words and not words.isdisjoint(sim_of):
                    top.add(self._score(network_id, qwords, similar, optional))
            return top.result()
        # the rarest words first: every network with one of them is scored outright
        by_size = sorted(sim_of, key=lambda w: (len(self.index[w]), w))
        rare, common, budget = [], [], 0
        for w in by_size:
            size = len(self.index[w])
            if not common and budget + size <= RARE_BUDGET:
                rare.append(w)
                budget += size
            else:
                common.append(w)
        if len(common) > MAX_COMMON:  # very unusual: score the extra ones outright as well
            rare += common[:len(common) - MAX_COMMON]
            common = common[len(common) - MAX_COMMON:]
        done: set[str] = set()
        for w in rare:
            for i in self.index[w]:
                network_id = self.strings[i][0]
                if network_id not in done and (among is None or network_id in among):
                    done.add(network_id)
                    top.add(self._score(network_id, qwords, similar, optional))
        if common:
            self._match_common(common, qwords, similar, optional, sim_of, done, top, among)
        return top.result()

    def _match_common(self, common: list[str], qwords, similar, optional, sim_of, done: set[str], top: "Top",
                      among=None) -> None:
        """Score the networks that have only common words, by pattern, as far as they can reach the top."""
        # A network's precision depends only on which of the query's similar words it has; with no rare
        # word that is its pattern of common words. Recall is at most (weight of the pattern's words) /
        # (weight of the name), so scanning names lightest first bounds every name not yet seen.
        patterns = []
        for size in range(len(common), 0, -1):
            for combo in combinations(common, size):
                precision = self._precision(combo, qwords, similar, optional)
                if round(precision, 3) < top.min_precision:
                    continue
                potential = 2 * precision / (precision + 1) if precision else 0.0
                reach = sum(self.idf[w] * sim_of[w] for w in combo)
                patterns.append((potential, precision, reach, combo))
        patterns.sort(key=lambda p: -p[0])
        if not patterns or not top.reachable(patterns[0][0]):
            return
        # which networks have a pattern: set operations, only for the patterns that can still reach the
        # top (usually a few of the 2**k), instead of splitting every network with a common word (tens of
        # thousands at 100k) into all patterns up front
        sets = {w: self._networks_with(w) for w in common}
        for potential, precision, reach, combo in patterns:
            if not top.reachable(potential):
                break
            members = self._pattern_members(combo, common, sets, done, among)
            if not members:
                continue
            if len(members) <= 64:
                for network_id in members:
                    top.add(self._score(network_id, qwords, similar, optional))
            elif len(members) <= SORT_MEMBERS:
                self._score_lightest(members, precision, reach, qwords, similar, optional, top)
            else:
                self._scan_lightest(members, [self._sorted_postings(w) for w in combo], precision, reach,
                                    qwords, similar, optional, top)

    def _score_lightest(self, members, precision: float, reach: float, qwords, similar, optional,
                        top: "Top") -> None:
        """Score ``members`` lightest first (by their lightest name) while the recall bound can reach the
        top: for a group of hundreds this beats walking the posting lists of words thousands of names
        share, most of whose names belong to other groups."""
        lightest = self._lightest
        for weight, network_id in sorted((lightest(n), n) for n in members):
            recall = min(1.0, reach / weight) if weight else 1.0
            if not top.reachable(2 * precision * recall / (precision + recall) if precision + recall else 0.0):
                return
            top.add(self._score(network_id, qwords, similar, optional))

    def _lightest(self, network_id: str) -> float:
        """The weight of the network's lightest name or alias (a bound on the recall of any of them)."""
        weight = self._net_weight.get(network_id)
        if weight is None:
            weight = self._net_weight[network_id] = min(map(self._string_weight, self.network_strings[network_id]))
        return weight

    @staticmethod
    def _pattern_members(combo: tuple[str, ...], common: list[str], sets: dict[str, frozenset[str]],
                         done: set[str], among) -> set[str]:
        """The networks (not in ``done``, in ``among`` if given) that have every word of ``combo`` and no
        other of the ``common`` words. Each step walks the smaller side: the rarest word's networks."""
        ordered = sorted(combo, key=lambda w: len(sets[w]))
        members = sets[ordered[0]] - done
        if among is not None:
            members = members & among
        for w in ordered[1:]:
            if not members:
                return members
            members = members & sets[w]
        for w in common:
            if not members:
                break
            if w not in combo:
                members = members - sets[w]
        return members

    def _scan_lightest(self, members: set[str], lists: list[tuple[list[int], list[float]]], precision: float,
                       reach: float, qwords, similar, optional, top: "Top") -> None:
        """Score ``members`` through their names in ``lists`` (sorted by weight), lightest first, as long
        as a name's recall bound ``reach / weight`` can still reach the top.

        The lists are cut where the bound falls below the top (one bisect each, the cut moving down as
        the top fills) and taken in slices, so only the names that can matter pass through Python code.
        """
        strings, seen = self.strings, set()
        pos = [0] * len(lists)
        while True:
            cut = top.weight_cut(precision, reach)
            batch: list[tuple[float, int]] = []
            for k, (indexes, weights) in enumerate(lists):
                start = pos[k]
                end = bisect.bisect_right(weights, cut, lo=start)
                if cut == math.inf:  # the top is not full yet: a slice at a time
                    end = min(end, start + SCAN_SLICE)
                batch.extend(zip(weights[start:end], indexes[start:end]))
                pos[k] = end
            if not batch:
                return
            batch.sort()
            for weight, i in batch:
                network_id = strings[i][0]
                if network_id not in members or network_id in seen:
                    continue
                recall = min(1.0, reach / weight) if weight else 1.0
                if top.reachable(2 * precision * recall / (precision + recall) if precision + recall else 0.0):
                    seen.add(network_id)
                    top.add(self._score(network_id, qwords, similar, optional))


class Top:
    """The ``limit`` best matches so far, and whether a score bound could still enter them."""

    def __init__(self, limit: int, min_precision: float = 0.0):
        self.limit = limit
        self.min_precision = min_precision  # matches below it are not kept (see NameMatcher.match)
        self.matches: list[NameMatch] = []
        self.scores: list[float] = []  # min-heap of the best ``limit`` scores

    def add(self, match: NameMatch) -> None:
        if match.precision < self.min_precision:
            return
        self.matches.append(match)
        if self.limit <= 0:
            return
        if len(self.scores) < self.limit:
            heapq.heappush(self.scores, match.score)
        elif match.score > self.scores[0]:
            heapq.heapreplace(self.scores, match.score)

    def weight_cut(self, precision: float, reach: float) -> float:
        """The name weight above which a name of this precision and reach cannot be among the best
        ``limit`` (the inverse of the bound in ``_scan_lightest``, a hair generous); inf while the top
        is not full, -1 when nothing of this precision can enter."""
        if self.limit <= 0 or len(self.scores) < self.limit:
            return math.inf
        floor = self.scores[0] - 0.0006  # reachable() rounds the bound to 3 places
        if floor <= 0:
            return math.inf
        if 2 * precision <= floor:
            return -1.0
        recall = floor * precision / (2 * precision - floor)  # F1(precision, recall) == floor
        return reach / recall if recall <= 1.0 else -1.0

    def reachable(self, bound: float) -> bool:
        """Could a match whose unrounded score is at most ``bound`` still be among the best ``limit``?
        (Scores are rounded to 3 places and ties go by name, so an equal rounded score still counts.)"""
        if self.limit <= 0 or len(self.scores) < self.limit:
            return True
        return round(bound + 1e-9, 3) >= self.scores[0]

    def result(self) -> list[NameMatch]:
        return sorted(self.matches, key=lambda m: (-m.score, m.name, m.network_id))[:self.limit]
