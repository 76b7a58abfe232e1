"""The now-serving display's call, heard: a chime, then the call in English and the visitor's language,
measured on the real espeak-ng audio; numbers read as a person says them in each language."""

from __future__ import annotations

import array
import io
import math
import shutil
import subprocess
import threading
import time
import wave
from datetime import UTC, datetime

import pytest

from kiosk.domain.tickets import TicketStatus
from kiosk.services.display import Call, announcement, announcement_text
from kiosk.speech.announcer import ChimeAnnouncer
from kiosk.speech.chime import LENGTH_S, NOTES, chime_wav
from kiosk.speech.espeak import EspeakSynthesizer
from kiosk.speech.voices import voice_for

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng; .ci/run does)",
)


def samples_of(audio: bytes) -> tuple[array.array, int]:
    with wave.open(io.BytesIO(audio)) as reader:
        assert (reader.getsampwidth(), reader.getnchannels()) == (2, 1)
        return array.array("h", reader.readframes(reader.getnframes())), reader.getframerate()


def rms(values) -> float:
    return math.sqrt(sum(v * v for v in values) / max(1, len(values)))


def strength(values, rate: int, frequency: float) -> float:
    """Goertzel: how much of ``frequency`` there is in ``values``."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
    s1 = s2 = 0.0
    for v in values:
        s1, s2 = v + coefficient * s1 - s2, s1
    return math.sqrt(max(0.0, s1 * s1 + s2 * s2 - coefficient * s1 * s2)) / len(values)


def call(number: str = "A012", counter: str = "3", language: str = "vi") -> Call:
    return Call(1, number, counter, "information", language, datetime.now(UTC), TicketStatus.CALLED)


def test_the_chime_is_a_soft_two_tone():
    samples, rate = samples_of(chime_wav())
    assert abs(len(samples) / rate - LENGTH_S) < 0.01
    assert max(abs(v) for v in samples) < 0.5 * 32767, "never louder than the voice that follows"
    (high, _), (low, low_start) = NOTES
    first = samples[: int(0.35 * rate)]
    second = samples[int((low_start + 0.05) * rate) : int((low_start + 0.45) * rate)]
    assert strength(first, rate, high) > 5 * strength(first, rate, low), "ding: the high note first"
    assert strength(second, rate, low) > strength(second, rate, high), "dong: then the low one"
    assert rms(samples[-int(0.01 * rate) :]) < 0.02 * rms(first), "it fades out: no click at the end"


@needs_espeak
def test_a_call_is_a_chime_then_english_then_the_visitors_language():
    heard: list[bytes] = []
    done = threading.Event()
    announcer = ChimeAnnouncer(
        synthesizer=EspeakSynthesizer(), player=None, on_audio=lambda a: (heard.append(a), done.set())
    )
    try:
        started = time.perf_counter()
        announcer.announce(announcement(call(language="vi")))
        assert time.perf_counter() - started < 0.05, "announce() must return at once"
        assert done.wait(10)
        done.clear()
        announcer.announce(announcement(call(language="en")))
        assert done.wait(10)
    finally:
        announcer.close()
    both, rate = samples_of(heard[0])
    english, _ = samples_of(heard[1])
    chime, _ = samples_of(chime_wav())
    assert both[: len(chime)] == chime, "the call begins with the chime"
    speech = both[len(chime) :]
    assert rms(speech) > 300, "the call is spoken, not silent"
    assert sum(1 for v in both if abs(v) >= 32700) == 0, "no clipped samples"
    seconds, english_seconds = len(both) / rate, len(english) / rate
    assert 3.0 < english_seconds < 8.0, f"{english_seconds:.1f} s for the English call"
    assert seconds > english_seconds + 1.0, "said again in Vietnamese"
    assert seconds < 14.0
    # The Vietnamese part, after a pause, is speech too.
    tail = both[len(english) + int(0.3 * rate) :]
    assert rms(tail) > 300


@needs_espeak
def test_calls_wait_their_turn_and_none_is_cut_off():
    heard: list[int] = []
    done = threading.Event()

    def on_audio(audio: bytes) -> None:
        heard.append(len(audio))
        if len(heard) == 3:
            done.set()

    announcer = ChimeAnnouncer(synthesizer=EspeakSynthesizer(), player=None, on_audio=on_audio)
    try:
        for number in ("A001", "B002", "C003"):
            announcer.announce(announcement(call(number, language="en")))
        assert done.wait(15)
        assert announcer.announced == 3 and announcer.skipped == 0
    finally:
        announcer.close()


def test_an_engine_that_hangs_leaves_the_chime():
    hanging = EspeakSynthesizer(command=("sh", "-c", "sleep 60"), timeout_s=0.5)
    heard: list[bytes] = []
    done = threading.Event()
    announcer = ChimeAnnouncer(
        synthesizer=hanging, player=None, on_audio=lambda a: (heard.append(a), done.set())
    )
    try:
        announcer.announce(announcement(call()))
        assert done.wait(5)
        assert announcer.failures == 2  # English and Vietnamese
        samples, rate = samples_of(heard[0])
        chime, _ = samples_of(chime_wav())
        assert samples[: len(chime)] == chime and len(samples) / rate < LENGTH_S + 0.5, "the chime alone"
    finally:
        started = time.perf_counter()
        announcer.close()
        assert time.perf_counter() - started < 2.5


def phonemes(text: str, language: str) -> str:
    result = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", voice_for(language)],
        input=text,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 0
    return " ".join(result.stdout.split())


@needs_espeak
@pytest.mark.parametrize("language", ["en", "es", "vi", "zh_Hant", "ru"])
def test_numbers_are_read_as_a_person_says_them(language):
    text = announcement_text(call("A012", "3", language), language)
    assert "012" not in text and "A12" in text
    said = phonemes(text, language)
    # "twelve" as the voice reads the number 12 on its own, not "zero", not "one two". (Lower case:
    # Spanish softens the d of "doce" after a vowel, which espeak-ng writes D.)
    assert phonemes("12", language).strip("_| ").lower() in said.lower(), f"{text!r} is read {said}"
    assert phonemes("0", language).strip("_| ") not in said, f"{text!r} is read with a zero: {said}"
    assert phonemes("1 2", language).strip("_| ") not in said
    # The letter is said as a letter, not as the English article "a" (espeak-ng: a#).
    assert "a#" not in said
