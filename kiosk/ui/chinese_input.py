"""Chinese input for the on-screen keyboard: pinyin, zhuyin (bopomofo) and Cangjie, in Traditional characters.

Qt's own answer, Qt Virtual Keyboard, is not in the PySide6 wheels, so the kiosk composes Chinese itself:
the visitor types a reading (pinyin letters, zhuyin symbols) or a Cangjie code, picks a character from the
candidates, and the rest of what was typed stays for the next character. That is how names are typed on
phones in Taiwan (zhuyin), Hong Kong (Cangjie) and by Mandarin speakers from elsewhere (pinyin).

The data (resources/chinese_input.json) comes from Unihan through tools/build_chinese_input.py and only
holds characters the kiosk's font shows. This module is plain Python so it is tested without Qt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from kiosk.resources import resource_path

PINYIN, ZHUYIN, CANGJIE = "pinyin", "zhuyin", "cangjie"
METHODS = (ZHUYIN, PINYIN, CANGJIE)

# The standard (Dai-Chien) zhuyin keyboard, row by row, as on Taiwanese keyboards and phones.
ZHUYIN_ROWS = [
    "ㄅㄉˇˋㄓˊ˙ㄚㄞㄢㄦ",
    "ㄆㄊㄍㄐㄔㄗㄧㄛㄟㄣ",
    "ㄇㄋㄎㄑㄕㄘㄨㄜㄠㄤ",
    "ㄈㄌㄏㄒㄖㄙㄩㄝㄡㄥ",
]
ZHUYIN_TONES = {"ˉ": 1, "ˊ": 2, "ˇ": 3, "ˋ": 4, "˙": 5}

# Cangjie codes are letters; keys show the radical each letter stands for.
CANGJIE_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
CANGJIE_RADICALS = dict(
    zip("abcdefghijklmnopqrstuvwxyz", "日月金木水火土竹戈十大中一弓人心手口尸廿山女田難卜重", strict=True)
)
CANGJIE_MAX = 5

PAGE = 8  # candidates on one page of the bar

_INITIALS = {
    "b": "ㄅ", "p": "ㄆ", "m": "ㄇ", "f": "ㄈ", "d": "ㄉ", "t": "ㄊ", "n": "ㄋ", "l": "ㄌ",
    "g": "ㄍ", "k": "ㄎ", "h": "ㄏ", "j": "ㄐ", "q": "ㄑ", "x": "ㄒ",
    "zh": "ㄓ", "ch": "ㄔ", "sh": "ㄕ", "r": "ㄖ", "z": "ㄗ", "c": "ㄘ", "s": "ㄙ",
}  # fmt: skip
_FINALS = {
    "a": "ㄚ", "o": "ㄛ", "e": "ㄜ", "ai": "ㄞ", "ei": "ㄟ", "ao": "ㄠ", "ou": "ㄡ", "an": "ㄢ",
    "en": "ㄣ", "ang": "ㄤ", "eng": "ㄥ", "er": "ㄦ", "ong": "ㄨㄥ",
    "i": "ㄧ", "ia": "ㄧㄚ", "ie": "ㄧㄝ", "iao": "ㄧㄠ", "iu": "ㄧㄡ", "ian": "ㄧㄢ", "in": "ㄧㄣ",
    "iang": "ㄧㄤ", "ing": "ㄧㄥ", "iong": "ㄩㄥ", "io": "ㄧㄛ",
    "u": "ㄨ", "ua": "ㄨㄚ", "uo": "ㄨㄛ", "uai": "ㄨㄞ", "ui": "ㄨㄟ", "uan": "ㄨㄢ", "un": "ㄨㄣ",
    "uang": "ㄨㄤ", "ueng": "ㄨㄥ",
    "v": "ㄩ", "ve": "ㄩㄝ", "van": "ㄩㄢ", "vn": "ㄩㄣ", "ue": "ㄩㄝ",
}  # fmt: skip
_Y_W = {
    "yi": "i", "ya": "ia", "ye": "ie", "yao": "iao", "you": "iu", "yan": "ian", "yin": "in",
    "yang": "iang", "ying": "ing", "yong": "iong", "yo": "io",
    "yu": "v", "yue": "ve", "yuan": "van", "yun": "vn",
    "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "ui", "wan": "uan", "wen": "un",
    "wang": "uang", "weng": "ueng",
}  # fmt: skip


def pinyin_to_zhuyin(syllable: str) -> str | None:
    """'zhang' -> 'ㄓㄤ', 'lv' -> 'ㄌㄩ', 'juan' -> 'ㄐㄩㄢ'; None for what zhuyin cannot spell."""
    if syllable in _Y_W:
        return _FINALS[_Y_W[syllable]]
    for length in (2, 1):
        initial, final = syllable[:length], syllable[length:]
        if initial not in _INITIALS:
            continue
        if not final and initial not in ("zh", "ch", "sh", "r", "z", "c", "s"):
            return None
        if final == "i" and initial in ("zh", "ch", "sh", "r", "z", "c", "s"):
            return _INITIALS[initial]  # zhi, chi, shi, ri, zi, ci, si: the initial alone
        if initial in ("j", "q", "x") and final.startswith("u"):
            final = "v" + final[1:]  # ju = jü
        if final == "" or final in _FINALS:
            return _INITIALS[initial] + _FINALS.get(final, "")
        return None
    return _FINALS.get(syllable)


@dataclass(frozen=True)
class Candidates:
    """What the bar offers for the typed text: characters, and how much of the text picking one uses."""

    chars: tuple[str, ...]
    used: int  # characters of the composition one syllable or code takes

    @staticmethod
    def none() -> Candidates:
        return Candidates((), 0)


@cache
def _data() -> dict:
    return json.loads(resource_path("chinese_input.json").read_text(encoding="utf-8"))


@cache
def _pinyin() -> dict[str, list[tuple[str, int]]]:
    return {
        syllable: [(pairs[i], int(pairs[i + 1])) for i in range(0, len(pairs), 2)]
        for syllable, pairs in _data()["pinyin"].items()
    }


@cache
def _zhuyin() -> dict[str, str]:
    """Zhuyin spelling -> pinyin syllable, for every syllable the data holds."""
    table = {}
    for syllable in _pinyin():
        if (spelled := pinyin_to_zhuyin(syllable)) is not None:
            table.setdefault(spelled, syllable)
    return table


def _unique(chars) -> tuple[str, ...]:
    return tuple(dict.fromkeys(chars))


def _for_syllable(syllable: str, tone: int | None) -> tuple[str, ...]:
    return _unique(char for char, t in _pinyin().get(syllable, ()) if tone is None or t == tone)


def _interleave(lists: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Several syllables' candidates, most common of each first: 'zh' offers 這, 中, 種, ... not all of zha."""
    out = []
    for rank in range(max((len(chars) for chars in lists), default=0)):
        out.extend(chars[rank] for chars in lists if rank < len(chars))
    return _unique(out)


def pinyin_candidates(text: str) -> Candidates:
    """Candidates for the first syllable of typed pinyin ('weiming' -> 為, 位, ... using 'wei')."""
    text = text.lower().replace("ü", "v")
    table = _pinyin()
    for end in range(min(len(text), 6), 0, -1):
        head = text[:end]
        tone = int(text[end]) if end < len(text) and text[end] in "12345" else None
        if head in table:
            return Candidates(_for_syllable(head, tone), end + (tone is not None))
    # Not a whole syllable yet: what the typed letters can become.
    starting = sorted(syllable for syllable in table if syllable.startswith(text))
    if not starting:
        return Candidates.none()
    return Candidates(_interleave([_for_syllable(s, None) for s in starting]), len(text))


def zhuyin_candidates(text: str) -> Candidates:
    """Candidates for the first syllable of typed zhuyin; a tone mark ends the syllable and narrows it."""
    table = _zhuyin()
    for end in range(min(len(text), 4), 0, -1):
        head = text[:end]
        if head in table:
            tone = ZHUYIN_TONES.get(text[end]) if end < len(text) else None
            return Candidates(_for_syllable(table[head], tone), end + (tone is not None))
    starting = sorted(spelled for spelled in table if spelled.startswith(text))
    if not starting:
        return Candidates.none()
    return Candidates(_interleave([_for_syllable(table[s], None) for s in starting]), len(text))


def cangjie_candidates(text: str) -> Candidates:
    """Characters whose Cangjie code is the typed letters, then those whose code continues them."""
    codes: dict[str, str] = _data()["cangjie"]
    code = text.lower()
    if not code:
        return Candidates.none()
    exact = tuple(codes.get(code, ""))
    longer = sorted((c for c in codes if c.startswith(code) and c != code), key=lambda c: (len(c), c))
    return Candidates(_unique(exact + _interleave([tuple(codes[c]) for c in longer])), len(text))


def candidates(method: str, text: str) -> Candidates:
    if not text:
        return Candidates.none()
    if method == PINYIN:
        return pinyin_candidates(text)
    if method == ZHUYIN:
        return zhuyin_candidates(text)
    return cangjie_candidates(text)


def shown_composition(method: str, text: str) -> str:
    """What the composition line shows: Cangjie letters as their radicals (a -> 日)."""
    if method == CANGJIE:
        return "".join(CANGJIE_RADICALS.get(letter, letter) for letter in text)
    return text
