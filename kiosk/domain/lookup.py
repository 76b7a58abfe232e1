"""City information at the kiosk: the catalogue's entries and how a visitor's words find them.

Search forgives what visitors do: missing accents ("giay phep" finds "giấy phép"), any case, a typo or two
in a longer word, another language's words (an English word typed in the Vietnamese kiosk still finds its
entry), and everyday synonyms, which the catalogue lists as keywords ("pothole" -> street maintenance).
Chinese has no spaces: it is matched by characters and pairs of characters.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import unicodedata
from dataclasses import dataclass, field

KINDS = ("find", "report", "request", "apply", "pay", "refer")


@dataclass(frozen=True)
class Bureau:
    id: str
    names: dict[str, str]
    location: dict[str, str]
    hours: dict[str, str]
    phone: str = ""
    url: str = ""


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    titles: dict[str, str]
    summaries: dict[str, str]
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bureau: str | None = None
    front_desk: str | None = None  # a queue service the front desk resolves it with, here
    url: str = ""
    emergency: bool = False
    open311_code: str | None = None  # a report the central service takes: the kiosk's form files it

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles.get("en") or self.id

    def summary(self, language: str) -> str:
        return self.summaries.get(language) or self.summaries.get("en") or ""


def fold(text: str) -> str:
    """Lowercase, accents and tone marks gone, đ as d: how both the visitor's words and ours are compared."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("đ", "d").replace("ё", "е")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def tokens(text: str) -> list[str]:
    """Words of letters and digits; CJK runs become their characters and character pairs."""
    out: list[str] = []
    word = ""
    cjk = ""
    for ch in fold(text) + " ":
        if _is_cjk(ch):
            if word:
                out.append(word)
                word = ""
            cjk += ch
            continue
        if cjk:
            out.extend(cjk)
            out.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
            cjk = ""
        if ch.isalnum():
            word += ch
        elif word:
            out.append(word)
            word = ""
    return out


class SearchIndex:
    """An inverted index of the catalogue: word -> entries, a sorted vocabulary for words still being typed,
    and letter trigrams for typos. Built once; a query touches only the entries its words lead to."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.strong: dict[str, set[int]] = {}  # title and keyword words, every language
        self.weak: dict[str, set[int]] = {}  # summary words
        # Folded titles and keywords, joined, for whole-phrase matches; the keywords also as a set.
        self.titles: list[str] = []
        self.keywords: list[str] = []
        self.keyword_sets: list[frozenset[str]] = []
        for number, entry in enumerate(entries):
            strong_texts = list(entry.titles.values()) + [
                k for words in entry.keywords.values() for k in words
            ]
            strong_words = {t for text in strong_texts for t in tokens(text)}
            for word in strong_words:
                self.strong.setdefault(word, set()).add(number)
            for word in {t for text in entry.summaries.values() for t in tokens(text)} - strong_words:
                self.weak.setdefault(word, set()).add(number)
            self.titles.append("\n".join(fold(t) for t in entry.titles.values()))
            folded_keywords = [fold(k) for words in entry.keywords.values() for k in words]
            self.keywords.append("\n".join(folded_keywords))
            self.keyword_sets.append(frozenset(folded_keywords))
        self.vocabulary = sorted(self.strong)
        self.trigrams: dict[str, set[str]] = {}
        for word in self.vocabulary:
            if len(word) >= 4:
                for gram in _trigrams(word):
                    self.trigrams.setdefault(gram, set()).add(word)

    def _prefixed(self, word: str) -> list[str]:
        start = bisect.bisect_left(self.vocabulary, word)
        out = []
        for candidate in self.vocabulary[start : start + 200]:
            if not candidate.startswith(word):
                break
            out.append(candidate)
        return out

    def _close(self, word: str) -> list[str]:
        """Words of the vocabulary one letter off a short word, two off a longer one."""
        grams = _trigrams(word)
        counts: dict[str, int] = {}
        for gram in grams:
            for candidate in self.trigrams.get(gram, ()):
                counts[candidate] = counts.get(candidate, 0) + 1
        cutoff = 0.8 if len(word) < 8 else 0.75
        shared = max(1, len(grams) - 3)
        return [
            candidate
            for candidate, count in counts.items()
            if count >= shared
            and abs(len(candidate) - len(word)) <= 2
            and difflib.SequenceMatcher(None, word, candidate).ratio() >= cutoff
        ]

    def search(self, query: str, limit: int = 12) -> list[Entry]:
        return [entry for _score, entry in self.scored(query, limit)[:limit]]

    def scored(self, query: str, limit: int = 12) -> list[tuple[float, Entry]]:
        """The best entries the query reaches with their scores, best first (indexes can be merged).

        Scoring touches only the entries the query's words lead to; the whole-phrase bonus, the costly
        part, is weighed for the leading few only.
        """
        words = tokens(query)
        if not words:
            return []
        score: dict[int, float] = {}
        matched: dict[int, int] = {}
        for word in words:
            hits: dict[int, float] = {}
            for number in self.strong.get(word, ()):
                hits[number] = 3.0
            if len(word) >= 3:
                for candidate in self._prefixed(word):
                    for number in self.strong[candidate]:
                        hits.setdefault(number, 2.0)  # still typing
            for number in self.weak.get(word, ()):
                hits.setdefault(number, 1.0)
            if len(word) >= 4 and not any(value >= 2 for value in hits.values()):
                for candidate in self._close(word):
                    for number in self.strong[candidate]:
                        hits.setdefault(number, 1.5)
            for number, value in hits.items():
                score[number] = score.get(number, 0.0) + value
                matched[number] = matched.get(number, 0) + 1
        # Entries that explain every word first; the phrase bonus (at most 8 before weighting) can lift an
        # entry by at most that much, so the leading candidates by this score are the only ones it can reorder.
        weighted = {n: value * matched[n] / len(words) for n, value in score.items()}
        leading = heapq.nlargest(limit * 8, weighted, key=lambda n: (weighted[n], -n))
        phrase = " ".join(fold(query).split())
        ranked = []
        for number in leading:
            value = weighted[number]
            # The whole of what was typed in a title weighs most, then in a keyword.
            if phrase in self.titles[number]:
                value += 6 * matched[number] / len(words)
            elif phrase in self.keywords[number]:
                value += 4 * matched[number] / len(words)
            if phrase in self.keyword_sets[number]:
                value += 2  # exactly one of its keywords: what people call it
            ranked.append((-value, self.entries[number].id, number))
        ranked.sort()
        return [(-value, self.entries[number]) for value, _id, number in ranked]


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def index(entries: list[Entry]) -> SearchIndex:
    return SearchIndex(entries)


def search(indexed: SearchIndex, query: str, limit: int = 12, *more: SearchIndex) -> list[Entry]:
    """Entries for what was typed, best first, across one or more indexes; empty when nothing fits (the
    screen then offers a person)."""
    merged = [item for each in (indexed, *more) for item in each.scored(query, limit)]
    merged.sort(key=lambda item: (-item[0], item[1].id))
    return [entry for _score, entry in merged[:limit]]
