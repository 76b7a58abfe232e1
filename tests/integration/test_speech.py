"""Real speech from espeak-ng, measured; and a speaker that survives an engine that hangs or crashes."""

from __future__ import annotations

import array
import io
import shutil
import threading
import time
import wave

import pytest

from kiosk.i18n import LANGUAGE_CODES, _, use_language
from kiosk.speech.espeak import EspeakSynthesizer, SpeechError
from kiosk.speech.speaker import BackgroundSpeaker, wav_seconds
from kiosk.speech.voices import MANDARIN, voice_for

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng; .ci/run does)",
)


def loudness(audio: bytes) -> float:
    with wave.open(io.BytesIO(audio)) as reader:
        assert reader.getsampwidth() == 2
        samples = array.array("h", reader.readframes(reader.getnframes()))
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


def sentence(language: str) -> str:
    with use_language(language):
        return _("Please take a seat. We will call your number on the screen and at the front desk.")


@needs_espeak
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_language_is_spoken_aloud(language):
    audio = EspeakSynthesizer().synthesize(sentence(language), voice_for(language))
    seconds = wav_seconds(audio)
    assert 1.5 < seconds < 15, f"{seconds:.1f} s of audio for one sentence"
    assert loudness(audio) > 300, "the audio is silent"


@needs_espeak
def test_mandarin_can_be_chosen_for_chinese():
    text = sentence("zh_Hant")
    cantonese = EspeakSynthesizer().synthesize(text, voice_for("zh_Hant"))
    mandarin = EspeakSynthesizer().synthesize(text, voice_for("zh_Hant", MANDARIN))
    assert loudness(mandarin) > 300 and cantonese != mandarin


@needs_espeak
def test_volume_and_rate_change_the_audio():
    quiet = EspeakSynthesizer().synthesize("Ticket A 12, counter 3", "en-us", volume=15)
    loud = EspeakSynthesizer().synthesize("Ticket A 12, counter 3", "en-us", volume=90)
    slow = EspeakSynthesizer().synthesize("Ticket A 12, counter 3", "en-us", rate_wpm=100)
    fast = EspeakSynthesizer().synthesize("Ticket A 12, counter 3", "en-us", rate_wpm=250)
    assert loudness(loud) > 2 * loudness(quiet)
    assert wav_seconds(slow) > 1.5 * wav_seconds(fast)


@needs_espeak
def test_text_is_never_read_as_options():
    audio = EspeakSynthesizer().synthesize("--help -v xx; rm -rf /", "en-us")
    assert audio.startswith(b"RIFF") and wav_seconds(audio) > 0.5


@needs_espeak
def test_the_speaker_speaks_in_the_background_and_the_newest_wins():
    heard: list[int] = []
    done = threading.Event()

    def on_audio(number: int, audio: bytes) -> None:
        heard.append(number)
        done.set()

    speaker = BackgroundSpeaker(player=None, on_audio=on_audio)
    try:
        started = time.perf_counter()
        speaker.say("First screen, a long text. " * 20, "en")
        latest = speaker.say(sentence("ru"), "ru")
        assert time.perf_counter() - started < 0.05, "say() must return at once"
        assert done.wait(10)
        time.sleep(0.3)
        assert heard == [latest]
    finally:
        speaker.close()


def test_a_hanging_engine_never_blocks_and_is_stopped():
    hanging = EspeakSynthesizer(command=("sh", "-c", "sleep 60"), timeout_s=0.5)
    speaker = BackgroundSpeaker(synthesizer=hanging, player=None)
    try:
        started = time.perf_counter()
        for text in ("one", "two", "three"):
            speaker.say(text, "en")
        assert time.perf_counter() - started < 0.05
        time.sleep(0.2)
        assert speaker.running_processes <= 1, "interrupted engines must be killed"
        deadline = time.monotonic() + 5
        while speaker.failures == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert speaker.failures >= 1 and speaker.alive
        assert speaker.running_processes == 0
        speaker.stop()
    finally:
        started = time.perf_counter()
        speaker.close()
        assert time.perf_counter() - started < 2.5


def test_a_crashing_engine_is_survived():
    crashing = EspeakSynthesizer(command=("sh", "-c", "kill -SEGV $$"))
    speaker = BackgroundSpeaker(synthesizer=crashing, player=None)
    try:
        for _ in range(3):
            speaker.say("hello", "en")
            time.sleep(0.3)
        assert speaker.failures >= 1 and speaker.alive and speaker.spoken == 0
    finally:
        speaker.close()


def test_a_missing_engine_is_a_clear_error():
    with pytest.raises(SpeechError):
        EspeakSynthesizer(command=("/nonexistent/espeak-ng",)).synthesize("hello", "en-us")


def test_every_language_has_a_voice():
    assert all(voice_for(code) for code in LANGUAGE_CODES)


@needs_espeak
def test_a_stuck_audio_player_is_stopped_when_the_visitor_acts():
    speaker = BackgroundSpeaker(player=("sh", "-c", "sleep 60"))
    try:
        speaker.say("Ticket A 12, counter 3", "en")
        deadline = time.monotonic() + 5
        while speaker.spoken == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        assert speaker.running_processes == 1  # the player is playing
        started = time.perf_counter()
        speaker.stop()
        assert time.perf_counter() - started < 0.05
        time.sleep(0.2)
        assert speaker.running_processes == 0
    finally:
        speaker.close()
