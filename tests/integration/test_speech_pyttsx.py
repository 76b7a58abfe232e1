"""The pyttsx3 backend, for real: pyttsx3's espeak driver renders every kiosk language in a child
process, and a child that hangs, exits or segfaults costs one utterance, never the kiosk."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGE_CODES
from kiosk.speech.pyttsx import PyttsxSpeaker
from kiosk.speech.speaker import wav_seconds
from kiosk.speech.voices import voice_for
from tests.integration.test_speech import loudness, sentence

MISBEHAVING = (sys.executable, str(Path(__file__).with_name("pyttsx_workers.py")))
NEVER_READY = (sys.executable, "-c", "import time; time.sleep(60)")


def _missing() -> str | None:
    if importlib.util.find_spec("pyttsx3") is None:
        return "pyttsx3 is not installed (pip install -e '.[test]'; .ci/run does)"
    for library in ("libespeak-ng.so.1", "libespeak.so.1", "libespeak-ng.1.dylib"):
        try:
            ctypes.CDLL(library)
            return None
        except OSError:
            continue
    return (
        "pyttsx3's espeak driver finds no libespeak (apt-get install libespeak-ng-libespeak1; .ci/run does)"
    )


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


class Heard:
    """Audio handed over by the speaker, by utterance number."""

    def __init__(self) -> None:
        self.audio: dict[int, bytes] = {}
        self._arrived = threading.Condition()

    def __call__(self, number: int, audio: bytes) -> None:
        with self._arrived:
            self.audio[number] = audio
            self._arrived.notify_all()

    def wait_for(self, number: int, timeout: float = 20) -> bytes:
        with self._arrived:
            assert self._arrived.wait_for(lambda: number in self.audio, timeout), f"no audio for {number}"
            return self.audio[number]


def eventually(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def gone(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def make_speaker():
    speakers: list[PyttsxSpeaker] = []

    def make(**options) -> tuple[PyttsxSpeaker, Heard]:
        heard = Heard()
        speaker = PyttsxSpeaker(driver="espeak", on_audio=heard, **options)
        speakers.append(speaker)
        return speaker, heard

    yield make
    for speaker in speakers:
        engine = speaker.worker_pid
        started = time.perf_counter()
        speaker.close()
        assert time.perf_counter() - started < 2.5, "closing must not wait on the engine"
        assert eventually(lambda: gone(engine), timeout=1)  # noqa: B023 - waited for at once


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_language_is_synthesised_with_its_own_voice(make_speaker, language):
    speaker, heard = make_speaker()
    audio = heard.wait_for(speaker.say(sentence(language), language))
    seconds = wav_seconds(audio)
    assert 1.5 < seconds < 15, f"{seconds:.1f} s of audio for one sentence"
    assert loudness(audio) > 300, "the audio is silent"
    assert speaker.last_voice.endswith("/" + voice_for(language)), speaker.last_voice
    assert "pyttsx3" not in sys.modules, "pyttsx3 runs in the speech process only"


def test_a_language_without_a_voice_is_read_with_the_english_voice(make_speaker):
    speaker, heard = make_speaker()
    audio = heard.wait_for(speaker.say("Bonjour, prenez un ticket.", "fr"))
    assert loudness(audio) > 300 and speaker.last_voice.endswith("/en-us")


def test_say_returns_at_once_while_the_engine_works_and_the_newest_wins(make_speaker):
    speaker, heard = make_speaker(command=MISBEHAVING)
    heard.wait_for(speaker.say("Warm up.", "en"))
    speaker.say("HANG on this screen", "en")
    assert eventually(lambda: speaker.running_processes == 1), "the engine should be busy"
    hung = speaker.worker_pid
    slowest = 0.0
    for text in ("Second screen.", "Third screen.", sentence("vi")):
        started = time.perf_counter()
        latest = speaker.say(text, "vi")
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 0.05, f"say() took {slowest * 1000:.0f} ms"
    audio = heard.wait_for(latest)
    assert loudness(audio) > 300
    assert gone(hung), "the interrupted engine must be killed"
    time.sleep(0.2)
    assert set(heard.audio) == {1, latest}, "interrupted utterances are never heard"
    assert speaker.failures == 0


def test_a_hanging_engine_is_killed_at_its_time_limit_and_the_next_utterance_speaks(make_speaker):
    speaker, heard = make_speaker(command=MISBEHAVING, timeout_s=1.0)
    heard.wait_for(speaker.say("Warm up.", "en"))
    hung = speaker.worker_pid
    speaker.say("HANG forever", "en")
    assert eventually(lambda: speaker.failures == 1), "a hung engine must fail within its time limit"
    assert gone(hung) and speaker.alive
    audio = heard.wait_for(speaker.say(sentence("ru"), "ru"))
    assert loudness(audio) > 300 and speaker.spoken == 2


@pytest.mark.parametrize("crash", ["EXIT", "SEGFAULT"])
def test_a_crashing_engine_is_survived(make_speaker, crash):
    speaker, heard = make_speaker(command=MISBEHAVING)
    for crashes in (1, 2):
        speaker.say(f"{crash} now", "es")
        assert eventually(lambda: speaker.failures == crashes)  # noqa: B023 - waited for at once
    assert speaker.alive
    audio = heard.wait_for(speaker.say(sentence("es"), "es"))
    assert loudness(audio) > 300 and speaker.spoken == 1


def test_an_engine_that_never_starts_is_given_up_in_time(make_speaker):
    speaker, heard = make_speaker(command=NEVER_READY, start_timeout_s=0.5)
    started = time.perf_counter()
    speaker.say("Hello", "en")
    assert time.perf_counter() - started < 0.05
    assert eventually(lambda: speaker.failures == 1, timeout=3)
    assert speaker.alive and not heard.audio


def test_stop_silences_at_once(make_speaker):
    speaker, heard = make_speaker(command=MISBEHAVING)
    heard.wait_for(speaker.say("Warm up.", "en"))
    speaker.say("HANG: a long screen being read", "en")
    assert eventually(lambda: speaker.running_processes == 1)
    speaking = speaker.worker_pid
    started = time.perf_counter()
    speaker.stop()
    assert time.perf_counter() - started < 0.05
    assert eventually(lambda: gone(speaking), timeout=0.5), "stop() must kill the engine at once"
    assert speaker.running_processes == 0 and speaker.failures == 0
    assert eventually(lambda: speaker.worker_pid is not None), "a fresh engine waits for the next utterance"
    audio = heard.wait_for(speaker.say(sentence("zh_Hant"), "zh_Hant"))
    assert loudness(audio) > 300


def test_reading_aloud_runs_the_engine_to_the_end():
    speaker = PyttsxSpeaker(driver="espeak")  # no on_audio: the engine plays (or fails to) by itself
    try:
        speaker.say("Ticket A 12, counter 3.", "en")
        assert eventually(lambda: speaker.spoken == 1, timeout=20)
        assert speaker.failures == 0
    finally:
        speaker.close()
