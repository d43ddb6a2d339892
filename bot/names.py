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
        self.df = dict(df)
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
        self.network_words: dict[str, set[str]] = dict(doc_words)
        # "emsachse" typed for the two name words "ems achse"
        self.joined: dict[str, tuple[str, str]] = {}
        for _nid, _text, words in self.strings:
            for a, b in zip(words, words[1:]):
                joined = a + b
                if joined not in self.idf and len(joined) >= 6:
                    self.joined.setdefault(joined, (a, b))

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
                if w not in self.idf and w in self.joined:
                    words.extend(self.joined[w])
                else:
                    words.extend(self._split(w))
                i += 1
        return [w for w in words if w not in NAME_STOPWORDS and len(w) >= 2]

    def distinctive(self, text: str, network_id: str, max_df: int = 2) -> bool:
        """Does ``text`` have a word (or a near spelling of one) that few networks' names share with this one?"""
        words = self.network_words.get(network_id, set())
        for qw in self.query_words(text):
            if any(w in words and self.df.get(w, 99) <= max_df and sim >= 0.8
                   for w, sim in self.similar_words(qw).items()):
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

    def match(self, text: str, limit: int = 5, optional: frozenset[str] = frozenset()) -> list[NameMatch]:
        """Networks whose names fit ``text``, best first. Words in ``optional`` (filler such as
        "netzwerke") count when a name has them but are not held against a name that lacks them."""
        qwords = self.query_words(text)
        if not qwords:
            return []
        similar = [self.similar_words(w) for w in qwords]
        candidates: set[int] = set()
        for sims in similar:
            for w in sims:
                candidates.update(self.index.get(w, ()))
        if not candidates:
            return []
        by_network: dict[str, list[int]] = defaultdict(list)
        for i in candidates:
            by_network[self.strings[i][0]].append(i)
        results = []
        for network_id, indexes in by_network.items():
            # precision: how much of the query this network's names explain, any name or alias
            union = self.network_words[network_id]
            matched_q = total_q = 0.0
            for qw, sims in zip(qwords, similar):
                hits = [(sim, w) for w, sim in sims.items() if w in union]
                weight = max((self.idf[w] for _, w in hits), default=self.idf.get(qw, self.default_idf))
                if hits:
                    total_q += weight
                    matched_q += weight * max(hits)[0]
                elif qw not in optional:
                    total_q += weight
            precision = matched_q / total_q if total_q else 0.0
            # recall: how much of its best-covered name the query covers
            best_recall, best_display = -1.0, ""
            for i in indexes:
                _nid, display, words = self.strings[i]
                wordset = set(words)
                covered: dict[str, float] = {}
                for sims in similar:
                    for w, sim in sims.items():
                        if w in wordset:
                            covered[w] = max(covered.get(w, 0.0), sim)
                total_n = sum(self.idf[w] for w in wordset)
                recall = sum(self.idf[w] * s for w, s in covered.items()) / total_n if total_n else 0.0
                if recall > best_recall or (recall == best_recall and len(display) < len(best_display)):
                    best_recall, best_display = recall, display
            score = 2 * precision * best_recall / (precision + best_recall) if precision + best_recall else 0.0
            results.append(NameMatch(network_id, best_display, round(score, 3), round(precision, 3),
                                     round(best_recall, 3)))
        return sorted(results, key=lambda m: (-m.score, m.name, m.network_id))[:limit]
