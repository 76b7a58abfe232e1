"""Which espeak-ng voice speaks each kiosk language.

Measured here (shared/NOTES.md): Debian's plain `cmn` voice reads hanzi as English-spelled pinyin,
`cmn-latn-pinyin` pronounces Traditional Chinese correctly, and `yue` (Cantonese) looks right.
Cantonese is the default for Traditional Chinese; Mandarin is a choice.
"""

from __future__ import annotations

CANTONESE = "yue"
MANDARIN = "cmn-latn-pinyin"
# How the rest of the program names the two (settings, the kiosk's voice switch): "yue" and "cmn".
CHOICES = {"yue": CANTONESE, "cmn": MANDARIN, CANTONESE: CANTONESE, MANDARIN: MANDARIN}


def chinese_voice(choice: str) -> str:
    """'cmn' -> the Mandarin voice; anything else -> Cantonese, the default."""
    return CHOICES.get(choice, CANTONESE)


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
        return chinese_voice(chinese)
    return VOICES.get(language)


# pyttsx3 voices name their languages with tags: "en-us" (espeak), "en-US" (SAPI5), "en_US" (NSSS).
# Tags in order of preference; a voice whose tag starts with one ("es-mx" for "es") is a lesser match.
LANGUAGE_TAGS = {
    "en": ("en-us", "en"),
    "es": ("es-419", "es-us", "es-mx", "es"),
    "vi": ("vi",),
    "ru": ("ru",),
}
CHINESE_TAGS = {
    CANTONESE: ("yue", "zh-hk", "zh-yue", "zh-tw", "cmn-latn-pinyin", "zh"),
    MANDARIN: ("zh-tw", "cmn-latn-pinyin", "zh", "yue", "zh-hk"),
}


def language_tags(language: str, chinese: str = CANTONESE) -> tuple[str, ...]:
    if language == "zh_Hant":
        return CHINESE_TAGS[chinese_voice(chinese)]
    return LANGUAGE_TAGS.get(language, ())


def _tags_of(voice) -> list[str]:
    return [str(tag).strip().lower().replace("_", "-") for tag in (getattr(voice, "languages", None) or [])]


def pick_voice(voices, language: str, chinese: str = CANTONESE):
    """The best of ``voices`` (objects with ``languages``, as pyttsx3 lists them) for a kiosk language,
    or None when none speaks it."""
    tagged = [(voice, _tags_of(voice)) for voice in voices]
    for wanted in language_tags(language, chinese):
        for exact in (True, False):
            for voice, tags in tagged:
                if any(tag == wanted if exact else tag.startswith(wanted + "-") for tag in tags):
                    return voice
    return None
