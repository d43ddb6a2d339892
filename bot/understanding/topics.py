"""Topics: fields of action and sectors named in a message ("Pflegekräfte", "Logisitk")."""

from __future__ import annotations

from ..textnorm import fold
from .lexicon import CONJUNCTIONS, NETWORK_SUFFIXES, STOPWORDS
from .signals import Signals, typo_close


class TopicsMixin:
    def _init_topics(self) -> None:
        catalog = self.catalog
        self.topic_words: list[tuple[tuple[str, ...], str]] = []
        for topic in catalog.topics:
            for word in topic.words:
                self.topic_words.append((tuple(fold(word).split()), topic.code))
        self.topic_words.sort(key=lambda tw: -len(tw[0]))
        # every word of a topic's phrases ("Frauen und Beruf" -> frauen, beruf): a question made of them asks
        # for the topic ("Frauen im Beruf"), whatever network names share them
        self._topic_vocabulary: dict[str, set[str]] = {}
        for words, code in self.topic_words:
            self._topic_vocabulary.setdefault(code, set()).update(w for w in words if w not in STOPWORDS)
        # phrases of two words or more, by their first word (see _phrases_starting)
        self._multi_topic_first: dict[str, list[int]] = {}
        for rank, (words, _code) in enumerate(self.topic_words):
            if len(words) > 1:
                self._multi_topic_first.setdefault(words[0], []).append(rank)
        # single topic words -> their first position in topic_words (the order decides between topics)
        self._single_topic_rank: dict[str, int] = {}
        for rank, (words, _code) in enumerate(self.topic_words):
            if len(words) == 1:
                self._single_topic_rank.setdefault(words[0], rank)
        self._fuzzy_topic_words = sorted({words[0]: code for words, code in reversed(self.topic_words)
                                          if len(words) == 1 and len(words[0]) >= 6}.items())

    @staticmethod
    def _topic_word_fits(token: str, word: str) -> bool:
        """A topic word matches a whole token or its start ("Pflegekräfte" -> "pflege")."""
        return token == word or (len(word) >= 5 and token.startswith(word) and len(token) - len(word) <= 9)

    def _topic_rank(self, token: str) -> int | None:
        """The first single topic word that fits ``token`` (its position in topic_words), if any;
        "Ausbildungsnetzwerke" is read as "Ausbildung"."""
        for suffix in NETWORK_SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 4:
                token = token[:-len(suffix)].removesuffix("s")
                break
        ranks = [self._single_topic_rank.get(token[:k]) for k in range(max(5, len(token) - 9), len(token))]
        ranks.append(self._single_topic_rank.get(token))
        ranks = [r for r in ranks if r is not None]
        return min(ranks) if ranks else None

    def _phrases_starting(self, token: str) -> list[int]:
        """Positions in topic_words of the phrases (two words or more) whose first word fits ``token``."""
        found = list(self._multi_topic_first.get(token, ()))
        for k in range(max(5, len(token) - 9), len(token)):  # "Pflegekräfte" fits a phrase on "pflege"
            found += self._multi_topic_first.get(token[:k], ())
        return found

    def _find_topic(self, sig: Signals) -> None:
        tokens = sig.tokens
        taken = sig.used()
        # phrases first, the earliest in topic_words (the longest) and then the leftmost winning: candidates
        # by their first word, not every phrase tried at every position
        best_phrase = None  # (position in topic_words, start)
        for start, token in enumerate(tokens):
            for rank in self._phrases_starting(token):
                words, _code = self.topic_words[rank]
                n = len(words)
                if start + n > len(tokens) or taken & set(range(start, start + n)):
                    continue
                if all(self._topic_word_fits(w, q) for w, q in zip(tokens[start:start + n], words)):
                    if best_phrase is None or (rank, start) < best_phrase:
                        best_phrase = (rank, start)
        if best_phrase is not None:
            rank, start = best_phrase
            sig.topic = self.topic_words[rank][1]
            sig.topic_tokens = set(range(start, start + len(self.topic_words[rank][0])))
            return
        best = None  # (rank in topic_words, token index)
        for index, token in enumerate(tokens):
            # a number is no topic on its own ("within 50 km" is not "50+", the older workers)
            rank = None if index in taken or token.isdigit() else self._topic_rank(token)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, index)
        if best is not None:
            sig.topic = self.topic_words[best[0]][1]
            sig.topic_tokens = {best[1]}
            return
        # a typo in a topic word ("Logisitk"), for words that are no name or place
        for index, token in enumerate(tokens):
            if (index in taken or len(token) < 5 or token in STOPWORDS or token in self.names.idf
                    or token in self.gazetteer.by_key or token in self.common_words):
                continue
            allowed = 1 if len(token) < 10 else 2
            for word, code in self._fuzzy_topic_words:
                if len(token) < 6 and len(word) != len(token) + 1:
                    continue  # a five-letter word only as a topic word missing a letter ("Plege")
                if typo_close(token, word, allowed):  # "Pfelge", but "fragen" is no typo of "Frauen"
                    sig.topic = code
                    sig.topic_tokens = {index}
                    return

    def _find_more_topics(self, sig: Signals) -> None:
        """Further topics joined to the first by "und"/"oder"/a comma, before or after it ("Pflege und
        Logistik in Leipzig", "Digitalisierung und Weiterbildung"); the topics then stand in the order typed.
        A second topic word without a conjunction narrows the first ("Ausbildung in der Pflege") and is left
        to the first rule, as before."""
        if not sig.topic:
            return
        tokens, taken = sig.tokens, sig.used() - sig.topic_tokens
        comma = "," in sig.text
        found = [(min(sig.topic_tokens), sig.topic)]
        for step, edge in ((1, max(sig.topic_tokens)), (-1, min(sig.topic_tokens))):
            index = edge + step
            while 0 <= index < len(tokens) and index not in taken:
                token = tokens[index]
                if token in CONJUNCTIONS:
                    index += step
                    continue
                rank = None if token.isdigit() else self._topic_rank(token)
                between = range(min(edge, index) + 1, max(edge, index))
                if rank is None or not all(tokens[k] in CONJUNCTIONS for k in between) \
                        or abs(index - edge) == 1 and not comma:
                    break
                found.append((index, self.topic_words[rank][1]))
                sig.topic_tokens = sig.topic_tokens | {index}
                edge, index = index, index + step
        codes = list(dict.fromkeys(code for _index, code in sorted(found)))
        sig.topic, sig.extra_topics = codes[0], codes[1:]

    def _is_topic_word(self, word: str) -> bool:
        return self._topic_rank(word) is not None
