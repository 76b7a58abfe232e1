"""Which espeak-ng voice speaks each kiosk language.

Measured here (shared/NOTES.md): Debian's plain `cmn` voice reads hanzi as English-spelled pinyin,
`cmn-latn-pinyin` pronounces Traditional Chinese correctly, and `yue` (Cantonese) looks right.
Cantonese is the default for Traditional Chinese; Mandarin is a choice.
"""

from __future__ import annotations

CANTONESE = "yue"
MANDARIN = "cmn-latn-pinyin"

VOICES = {
    "en": "en-us",
    "es": "es-419",
    "vi": "vi",
    "zh_Hant": CANTONESE,
    "ru": "ru",
}


def voice_for(language: str, chinese: str = CANTONESE) -> str | None:
    """The voice for a kiosk language, or None when there is none."""
    if language == "zh_Hant":
        return chinese if chinese in (CANTONESE, MANDARIN) else CANTONESE
    return VOICES.get(language)
