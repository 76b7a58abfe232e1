"""Calls in the waiting area: a chime, then the call in English and in the visitor's language.

Unlike the kiosk's reader (speaker.py), where the newest utterance cuts off the last, every call is
heard to its end and the next waits its turn: cutting a call short would send a visitor nowhere.
Each call is one sound (chime, pause, each phrase, pauses) played by one player process, so the parts
never overlap or come apart. As in speaker.py, the engine and the player are child processes on a
background thread with time limits; nothing here blocks, raises into or hangs the display.
"""

from __future__ import annotations

import array
import collections
import logging
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.speech.chime import RATE, chime_samples, silence, wav_bytes
from kiosk.speech.espeak import EspeakSynthesizer, SpeechError, kill_tree
from kiosk.speech.player import find_player, start_playing
from kiosk.speech.speaker import PLAYBACK_GRACE_S, wav_seconds
from kiosk.speech.voices import CANTONESE, voice_for

log = logging.getLogger(__name__)

MAX_PENDING = 6  # more calls than this waiting to be said: the oldest are skipped (they are on screen)
AFTER_CHIME_S = 0.25
BETWEEN_PHRASES_S = 0.6


def pcm_of(audio: bytes) -> array.array:
    """The samples of espeak-ng's WAV (16-bit mono), read from the data actually there: it streams
    with an unknown size in the header."""
    start = audio.find(b"data")
    payload = audio[start + 8 :] if start >= 0 else b""
    return array.array("h", payload[: len(payload) // 2 * 2])


class ChimeAnnouncer:
    """services.ports.Announcer on espeak-ng. ``synthesizer`` None: the chime alone (no engine).
    ``player`` True: the system's player (pw-play, paplay, aplay); None: nothing is played (tests).
    ``on_audio`` receives each call's complete WAV, on the announcer's thread."""

    def __init__(
        self,
        synthesizer: EspeakSynthesizer | None = None,
        player: tuple[str, ...] | None | bool = True,
        on_audio: Callable[[bytes], None] | None = None,
        chinese: str = CANTONESE,
        # espeak-ng clips the odd peak of Vietnamese and Cantonese from 60 up: the room's amplifier,
        # not the samples, makes the call loud.
        volume: int = 50,
        rate_wpm: int = 150,
    ) -> None:
        self.synthesizer = synthesizer
        self.player = find_player() if player is True else (player or None)
        self.on_audio = on_audio
        self.chinese = chinese
        self.volume = volume
        self.rate_wpm = rate_wpm
        self.announced = 0
        self.skipped = 0
        self.failures = 0
        self._pending: collections.deque[list[tuple[str, str]]] = collections.deque()
        self._wake = threading.Condition()
        self._closed = False
        self._playing: subprocess.Popen | None = None
        self._busy = False
        self._thread = threading.Thread(target=self._loop, name="kiosk-announcer", daemon=True)
        self._thread.start()
        if self.player is None and player is True:
            log.warning("No audio player (pw-play, paplay or aplay): calls are shown but not heard")

    @classmethod
    def with_espeak(cls, **options) -> ChimeAnnouncer:
        """With speech where espeak-ng is installed, the chime alone where it is not."""
        synthesizer = EspeakSynthesizer() if EspeakSynthesizer.available() else None
        if synthesizer is None:
            log.warning("espeak-ng is not installed: calls are announced with the chime only")
        return cls(synthesizer=synthesizer, **options)

    # -- any thread, never blocks --------------------------------------------------------------
    def announce(self, phrases: list[tuple[str, str]]) -> None:
        with self._wake:
            if self._closed:
                return
            while len(self._pending) >= MAX_PENDING:
                self._pending.popleft()
                self.skipped += 1
            self._pending.append(list(phrases))
            self._wake.notify()

    def close(self, timeout: float = 2.0) -> None:
        with self._wake:
            self._closed = True
            self._pending.clear()
            if self._playing is not None:
                kill_tree(self._playing)
            self._wake.notify()
        self._thread.join(timeout)

    @property
    def idle(self) -> bool:
        with self._wake:
            return not self._pending and self._playing is None and not self._busy

    # -- the announcer's thread ----------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                phrases = self._pending.popleft()
                self._busy = True
            try:
                self._say(phrases)
            except Exception as exc:  # noqa: BLE001 - a failed call must not stop the next one
                self.failures += 1
                log.warning("Announcement failed: %s", exc)
            finally:
                with self._wake:
                    self._busy = False

    def compose(self, phrases: list[tuple[str, str]]) -> bytes:
        """One call's sound: the chime, then each phrase in its voice. A phrase the engine cannot say
        is left out (logged): the chime still draws eyes to the screen."""
        samples = array.array("h", chime_samples(RATE))
        samples.extend(silence(AFTER_CHIME_S))
        for index, (text, language) in enumerate(phrases):
            if self.synthesizer is None:
                break
            voice = voice_for(language, self.chinese) or "en-us"
            try:
                audio = self.synthesizer.synthesize(text, voice, self.rate_wpm, self.volume)
            except SpeechError as exc:
                self.failures += 1
                log.warning("A call was not spoken in %s: %s", language, exc)
                continue
            if index:
                samples.extend(silence(BETWEEN_PHRASES_S))
            samples.extend(pcm_of(audio))
        return wav_bytes(samples, RATE)

    def _say(self, phrases: list[tuple[str, str]]) -> None:
        audio = self.compose(phrases)
        if self.on_audio is not None:
            self.on_audio(audio)
        self.announced += 1
        if self.player:
            self._play(audio)

    def _play(self, audio: bytes) -> None:
        with tempfile.NamedTemporaryFile(prefix="kiosk-call-", suffix=".wav", delete=False) as handle:
            handle.write(audio)
            path = Path(handle.name)
        try:
            with self._wake:
                if self._closed:
                    return
                self._playing = start_playing(path, self.player)
                player = self._playing
            try:
                player.wait(timeout=wav_seconds(audio) + PLAYBACK_GRACE_S)
            except subprocess.TimeoutExpired:
                kill_tree(player)
                log.warning("The audio player hung; stopped it")
            finally:
                with self._wake:
                    self._playing = None
        finally:
            path.unlink(missing_ok=True)
