"""Voice choice for pyttsx3 on each platform's voice lists, and which engine the kiosk picks where."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pytest

from kiosk.speech.voices import MANDARIN, pick_voice


@dataclass
class Voice:  # as pyttsx3 lists them
    id: str
    languages: list = field(default_factory=list)


SAPI5 = [  # Windows: tags from LCIDs, "en-US"
    Voice("TTS_MS_EN-US_ZIRA", ["en-US"]),
    Voice("TTS_MS_EN-GB_HAZEL", ["en-GB"]),
    Voice("TTS_MS_ES-MX_SABINA", ["es-MX"]),
    Voice("TTS_MS_ES-ES_HELENA", ["es-ES"]),
    Voice("TTS_MS_ZH-TW_HANHAN", ["zh-TW"]),
    Voice("TTS_MS_ZH-HK_TRACY", ["zh-HK"]),
    Voice("TTS_MS_RU-RU_IRINA", ["ru-RU"]),
]
NSSS = [  # macOS: "en_US"
    Voice("com.apple.voice.compact.en-GB.Daniel", ["en_GB"]),
    Voice("com.apple.voice.compact.en-US.Samantha", ["en_US"]),
    Voice("com.apple.voice.compact.vi-VN.Linh", ["vi_VN"]),
    Voice("com.apple.voice.compact.zh-TW.Meijia", ["zh_TW"]),
    Voice("com.apple.voice.compact.es-MX.Paulina", ["es_MX"]),
]


@pytest.mark.parametrize(
    ("voices", "language", "expected"),
    [
        (SAPI5, "en", "TTS_MS_EN-US_ZIRA"),
        (SAPI5, "es", "TTS_MS_ES-MX_SABINA"),
        (SAPI5, "zh_Hant", "TTS_MS_ZH-HK_TRACY"),
        (SAPI5, "ru", "TTS_MS_RU-RU_IRINA"),
        (SAPI5, "vi", None),
        (NSSS, "en", "com.apple.voice.compact.en-US.Samantha"),
        (NSSS, "vi", "com.apple.voice.compact.vi-VN.Linh"),
        (NSSS, "zh_Hant", "com.apple.voice.compact.zh-TW.Meijia"),
        (NSSS, "ru", None),
    ],
)
def test_each_language_gets_its_platform_voice(voices, language, expected):
    voice = pick_voice(voices, language)
    assert (voice.id if voice else None) == expected


def test_mandarin_can_be_chosen_for_chinese():
    assert pick_voice(SAPI5, "zh_Hant", MANDARIN).id == "TTS_MS_ZH-TW_HANHAN"


def test_voices_without_languages_are_passed_over():
    assert pick_voice([Voice("odd", []), Voice("odder", None)], "en") is None


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_read_aloud_with_pyttsx3_started_lazily(monkeypatch, platform):
    from kiosk import app
    from kiosk.speech.lazy import ESPEAK, PYTTSX3, LazySpeaker

    monkeypatch.setattr(LazySpeaker, "available", staticmethod(lambda engine=ESPEAK: True))
    monkeypatch.setattr(sys, "platform", platform)
    speaker = app._speaker()
    assert speaker.engine == PYTTSX3 and speaker._speaker is None
    monkeypatch.setattr(sys, "platform", "linux")
    assert app._speaker().engine == ESPEAK
