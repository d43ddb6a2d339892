"""Fuzzy matching of network names, aliases and former names.

Plain WRatio over whole names misleads on short words ("in" scores 90 against "Berlin") and on
the words every name shares ("Netzwerk", "Fachkräfte", "Allianz"). We match word by word instead:

1. every name and alias is split into folded words; each word gets an IDF weight over all
   networks, so "jenaer" or "ems" weigh a lot and "fachkraefteallianz" or "netzwerk" little;
2. each query word is matched to similar name words (exact, or ``fuzz.ratio`` >= 80 for words of
   five letters or more, so "alianz" finds "allianz" and "jenear" finds "jenaer");
3. a name scores the F1 of how much of the query it explains (precision) and how much of the
   name the query covers (recall), both IDF-weighted.

Only networks that share at least one matched word are scored (an inverted index), so the cost
grows with the number of candidate names, not the number of networks.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

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


class NameMatcher:
    def __init__(self, entries: list[tuple[str, str, list[str], str | None]]):
        """``entries``: (network id, name, aliases, status) as ``Store.name_index`` returns them."""
        self.strings: list[tuple[str, str, tuple[str, ...]]] = []  # (network id, display, words)
        self.display_name: dict[str, str] = {}
        doc_words: dict[str, set[str]] = defaultdict(set)
        for network_id, name, aliases, _status in entries:
            self.display_name[network_id] = name
            for text in [name, *aliases]:
                words = tuple(w for w in fold(text).split() if w not in NAME_STOPWORDS)
                if not words:
                    continue
                self.strings.append((network_id, text, words))
                doc_words[network_id].update(words)
        df: dict[str, int] = defaultdict(int)
        for words in doc_words.values():
            for w in words:
                df[w] += 1
        n = max(1, len(doc_words))
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
        self.default_idf = math.log((n + 1) / 1.5)  # an unknown query word weighs like a unique one
        self.vocab = sorted(self.idf)
        self.vocab_by_first: dict[str, list[str]] = defaultdict(list)
        for w in self.vocab:
            self.vocab_by_first[w[:1]].append(w)
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, (_nid, _text, words) in enumerate(self.strings):
            for w in set(words):
                self.index[w].append(i)

    def similar_words(self, word: str) -> dict[str, float]:
        """Name words similar to ``word`` with a similarity 0..1."""
        found = {}
        if word in self.idf:
            found[word] = 1.0
        if len(word) >= 5:
            for cand, score, _ in process.extract(word, self.vocab, scorer=fuzz.ratio, score_cutoff=80, limit=8):
                found.setdefault(cand, score / 100)
        if len(word) >= 4:
            # a query word that starts a longer name word: "fachkraefte" ~ "fachkraefteallianz" (weaker)
            for cand in self.vocab_by_first.get(word[:1], ()):
                if cand != word and cand.startswith(word) and len(word) >= 0.6 * len(cand):
                    found.setdefault(cand, 0.85)
        return found

    def match(self, text: str, limit: int = 5) -> list[NameMatch]:
        qwords = [w for w in fold(text).split() if w not in NAME_STOPWORDS and len(w) >= 2]
        if not qwords:
            return []
        similar = [self.similar_words(w) for w in qwords]
        candidates: set[int] = set()
        for sims in similar:
            for w in sims:
                candidates.update(self.index.get(w, ()))
        if not candidates:
            return []
        best: dict[str, NameMatch] = {}
        for i in candidates:
            network_id, display, words = self.strings[i]
            wordset = set(words)
            matched_q = 0.0
            total_q = 0.0
            covered: dict[str, float] = {}
            for qw, sims in zip(qwords, similar):
                hits = [(sim, w) for w, sim in sims.items() if w in wordset]
                weight = max((self.idf[w] for _, w in hits), default=self.idf.get(qw, self.default_idf))
                total_q += weight
                if hits:
                    sim, w = max(hits)
                    matched_q += weight * sim
                    covered[w] = max(covered.get(w, 0.0), sim)
            total_n = sum(self.idf[w] for w in wordset)
            precision = matched_q / total_q if total_q else 0.0
            recall = sum(self.idf[w] * s for w, s in covered.items()) / total_n if total_n else 0.0
            score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            current = best.get(network_id)
            if current is None or score > current.score:
                best[network_id] = NameMatch(network_id, display, round(score, 3), round(precision, 3), round(recall, 3))
        return sorted(best.values(), key=lambda m: (-m.score, m.name))[:limit]
