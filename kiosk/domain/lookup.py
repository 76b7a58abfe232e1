"""City information at the kiosk: the catalogue's entries and how a visitor's words find them.

Search forgives what visitors do: missing accents ("giay phep" finds "giấy phép"), any case, a typo or two
in a longer word, another language's words (an English word typed in the Vietnamese kiosk still finds its
entry), and everyday synonyms, which the catalogue lists as keywords ("pothole" -> street maintenance).
Chinese has no spaces: it is matched by characters and pairs of characters.
"""

from __future__ import annotations

import difflib
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


@dataclass
class _Indexed:
    entry: Entry
    strong: set[str]  # title and keyword words, every language
    weak: set[str]  # summary words
    phrases: list[str]  # folded titles and keywords, for whole-phrase matches


def index(entries: list[Entry]) -> list[_Indexed]:
    indexed = []
    for entry in entries:
        strong_texts = list(entry.titles.values()) + [k for words in entry.keywords.values() for k in words]
        strong = {t for text in strong_texts for t in tokens(text)}
        weak = {t for text in entry.summaries.values() for t in tokens(text)}
        indexed.append(_Indexed(entry, strong, weak - strong, [fold(t) for t in strong_texts]))
    return indexed


def _close(word: str, vocabulary: set[str]) -> bool:
    """A typo: one letter wrong in a short word, two in a longer one."""
    if len(word) < 4:
        return False
    cutoff = 0.8 if len(word) < 8 else 0.75
    return bool(
        difflib.get_close_matches(word, [v for v in vocabulary if abs(len(v) - len(word)) <= 2], 1, cutoff)
    )


def search(indexed: list[_Indexed], query: str, limit: int = 12) -> list[Entry]:
    """Entries for what was typed, best first; empty when nothing fits (the screen then offers a person)."""
    words = tokens(query)
    if not words:
        return []
    phrase = fold(query).strip()
    scored = []
    for item in indexed:
        score = 0.0
        matched = 0
        for word in words:
            if word in item.strong:
                score, matched = score + 3, matched + 1
            elif any(s.startswith(word) for s in item.strong) and len(word) >= 3:
                score, matched = score + 2, matched + 1  # still typing
            elif word in item.weak:
                score, matched = score + 1, matched + 1
            elif _close(word, item.strong):
                score, matched = score + 1.5, matched + 1
        if matched == 0:
            continue
        if any(phrase and phrase in p for p in item.phrases):
            score += 4  # the whole of what was typed is a title or a keyword
        score *= matched / len(words)  # entries that explain every word first
        scored.append((score, item.entry.id, item.entry))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [entry for _score, _id, entry in scored[:limit]]
