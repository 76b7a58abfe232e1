"""A speaker that cannot crash, hang or block the kiosk, whatever the speech engine does.

The engine and the audio player run as child processes driven by one background thread.
``say`` only records what to say and returns at once; a newer utterance or ``stop`` kills whatever
is running; every wait has a time limit; every failure is logged and the thread carries on.
"""

from __future__ import annotations

import io
import logging
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable
from pathlib import Path

from kiosk.speech.espeak import EspeakSynthesizer, SpeechError, kill_tree
from kiosk.speech.player import find_player, start_playing
from kiosk.speech.voices import CANTONESE, voice_for

log = logging.getLogger(__name__)

PLAYBACK_GRACE_S = 5.0


def wav_seconds(audio: bytes) -> float:
    """Length of WAV audio from the data actually there: espeak-ng streams with an unknown size."""
    with wave.open(io.BytesIO(audio)) as reader:
        frame_bytes = reader.getsampwidth() * reader.getnchannels()
        rate = reader.getframerate() or 1
    data = audio.find(b"data")
    payload = len(audio) - (data + 8) if data >= 0 else 0
    return max(0, payload) / frame_bytes / rate


class SpeechThread:
    """What every backend shares: one background thread speaks, the newest utterance wins, and the
    child processes it runs are tracked so that ``say`` and ``stop`` can kill them from any thread.

    A backend implements ``_speak``; anything it raises is counted and logged, never passed on.
    """

    def __init__(
        self, on_audio: Callable[[int, bytes], None] | None = None, chinese: str = CANTONESE
    ) -> None:
        self.on_audio = on_audio  # called on the speech thread with (utterance number, audio bytes)
        self.chinese = chinese
        self.volume = 50  # 0..100
        self.rate_wpm = 160
        self.failures = 0
        self.spoken = 0
        self._wake = threading.Condition()
        self._pending: tuple[int, str, str] | None = None
        self._generation = 0
        self._running: set[subprocess.Popen] = set()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="kiosk-speech", daemon=True)
        self._thread.start()

    # -- what the kiosk calls (any thread, never blocks) ---------------------------------------
    def say(self, text: str, language: str) -> int:
        """Speak ``text`` in ``language`` instead of whatever is being said. Returns its number."""
        with self._wake:
            self._generation += 1
            self._pending = (self._generation, text, language)
            self._kill_running()
            self._wake.notify()
            return self._generation

    def stop(self) -> None:
        with self._wake:
            self._generation += 1
            self._pending = None
            self._kill_running()

    def close(self, timeout: float = 2.0) -> None:
        with self._wake:
            self._closed = True
            self._pending = None
            self._kill_running()
            self._wake.notify()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def running_processes(self) -> int:
        with self._wake:
            return sum(1 for p in self._running if p.poll() is None)

    # -- the speech thread ------------------------------------------------------------------------
    def _kill_running(self) -> None:
        for process in list(self._running):
            kill_tree(process)

    def _loop(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                generation, text, language = self._pending
                self._pending = None
            try:
                self._speak(generation, text, language)
            except Exception as exc:  # noqa: BLE001 - speech must never take the kiosk down
                self.failures += 1
                log.warning("Speech failed: %s", exc)

    def _speak(self, generation: int, text: str, language: str) -> None:
        raise NotImplementedError

    def _track(self, process: subprocess.Popen, generation: int) -> bool:
        with self._wake:
            if generation != self._generation or self._closed:
                kill_tree(process)
                return False
            self._running.add(process)
            return True

    def _untrack(self, process: subprocess.Popen) -> None:
        with self._wake:
            self._running.discard(process)

    def _current(self, generation: int) -> bool:
        with self._wake:
            return generation == self._generation and not self._closed


class BackgroundSpeaker(SpeechThread):
    """The kiosk's Speaker (services.ports.Speaker) on espeak-ng."""

    def __init__(
        self,
        synthesizer: EspeakSynthesizer | None = None,
        player: tuple[str, ...] | None | bool = True,
        on_audio: Callable[[int, bytes], None] | None = None,
        chinese: str = CANTONESE,
    ) -> None:
        self.synthesizer = synthesizer or EspeakSynthesizer()
        self.player = find_player() if player is True else (player or None)
        super().__init__(on_audio=on_audio, chinese=chinese)

    def _speak(self, generation: int, text: str, language: str) -> None:
        voice = voice_for(language, self.chinese) or "en-us"
        process = self.synthesizer.start(voice, self.rate_wpm, self.volume)
        if not self._track(process, generation):
            return
        try:
            audio, _ = process.communicate(text.encode("utf-8"), timeout=self.synthesizer.timeout_s)
        except subprocess.TimeoutExpired as exc:
            kill_tree(process)
            process.communicate()
            raise SpeechError("the speech engine did not answer in time") from exc
        finally:
            self._untrack(process)
        if not self._current(generation):
            return  # interrupted: the visitor moved on
        if process.returncode != 0 or not audio.startswith(b"RIFF"):
            raise SpeechError(f"the speech engine failed (exit status {process.returncode})")
        if self.on_audio is not None:
            self.on_audio(generation, audio)
        self.spoken += 1
        if self.player:
            self._play(generation, audio)

    def _play(self, generation: int, audio: bytes) -> None:
        with tempfile.NamedTemporaryFile(prefix="kiosk-speech-", suffix=".wav", delete=False) as handle:
            handle.write(audio)
            path = Path(handle.name)
        try:
            player = start_playing(path, self.player)
            if not self._track(player, generation):
                return
            try:
                player.wait(timeout=wav_seconds(audio) + PLAYBACK_GRACE_S)
            except subprocess.TimeoutExpired:
                kill_tree(player)
                log.warning("The audio player hung; stopped it")
            finally:
                self._untrack(player)
        finally:
            path.unlink(missing_ok=True)
