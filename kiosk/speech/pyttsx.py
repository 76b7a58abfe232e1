"""The kiosk's Speaker on pyttsx3: SAPI5 on Windows, NSSS on macOS (espeak on Linux, for the tests).

pyttsx3 hangs and crashes (shared/NOTES.md), so the engine never runs in the kiosk's process: it runs
in a child (kiosk.speech.pyttsx_worker) driven by the speech thread of speaker.SpeechThread. ``say``
returns at once; a newer utterance or ``stop`` kills the child while it speaks; every wait on the child
has a time limit; a child that died or hung is replaced by a fresh one; failures are logged, never raised.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.speech.espeak import MAX_TEXT, SYNTH_TIMEOUT_S, SpeechError, kill_tree
from kiosk.speech.speaker import SpeechThread
from kiosk.speech.voices import CANTONESE

log = logging.getLogger(__name__)

START_TIMEOUT_S = 30.0  # SAPI5's first start generates COM wrappers, which takes seconds
# A frozen bundle (installer/kiosk.spec) has no `python -m`: its own executable runs the worker when
# given this first argument (kiosk.cli.main).
FROZEN_WORKER_FLAG = "--speech-worker"
WORKER = (
    (sys.executable, FROZEN_WORKER_FLAG)
    if getattr(sys, "frozen", False)
    else (sys.executable, "-m", "kiosk.speech.pyttsx_worker")
)
AUDIO_MAGIC = (b"RIFF", b"FORM")  # WAV; AIFF from NSSS


def speaking_limit_s(text: str, rate_wpm: int) -> float:
    """How long reading ``text`` aloud may take before the engine counts as hung: twice a generous
    estimate (a word, or three characters of Chinese, each), plus the synthesis time limit."""
    units = max(len(text.split()), len(text) / 3)
    return SYNTH_TIMEOUT_S + 2 * 60 * units / max(40, rate_wpm)


class EngineProcess:
    """One worker process; a thread reads its answers so that every wait can have a time limit."""

    def __init__(self, command: Sequence[str]) -> None:
        self.ready = False
        self.answers: queue.Queue[dict | None] = queue.Queue()
        try:
            self.process = subprocess.Popen(
                list(command),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # kill_tree kills whatever the engine starts, too
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            raise SpeechError(f"cannot start the speech engine: {exc}") from exc
        threading.Thread(target=self._read, name="kiosk-speech-answers", daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.process.stdout:
                try:
                    self.answers.put(json.loads(line))
                except ValueError:
                    continue
        except (OSError, ValueError):
            pass
        finally:
            self.answers.put(None)  # the process ended

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, request: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(request).encode("ascii") + b"\n")
            self.process.stdin.flush()
        except (OSError, ValueError) as exc:
            raise SpeechError("the speech engine is gone") from exc

    def answer(self, timeout_s: float) -> dict:
        try:
            answer = self.answers.get(timeout=timeout_s)
        except queue.Empty:
            raise SpeechError("the speech engine did not answer in time") from None
        if answer is None:
            self.answers.put(None)  # every later wait learns it too
            self._reap()
            raise SpeechError(f"the speech engine stopped (exit status {self.process.returncode})")
        return answer

    def wait_ready(self, timeout_s: float) -> None:
        if self.ready:
            return
        answer = self.answer(timeout_s)
        if not answer.get("ready"):
            raise SpeechError(f"the speech engine cannot start: {answer.get('error', 'no reason given')}")
        self.ready = True

    def kill(self) -> None:
        kill_tree(self.process)
        self._reap()
        with contextlib.suppress(OSError):
            self.process.stdin.close()

    def _reap(self) -> None:
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            log.warning("The speech engine outlived its kill")


class PyttsxSpeaker(SpeechThread):
    """services.ports.Speaker on pyttsx3.

    ``command`` starts the worker (tests name one that hangs or crashes); ``driver`` picks pyttsx3's
    driver (None: the platform's own). With ``on_audio`` the engine renders to a file and the audio
    is handed to it instead of being played (tests, measurements).
    """

    def __init__(
        self,
        command: Sequence[str] | None = None,
        driver: str | None = None,
        on_audio: Callable[[int, bytes], None] | None = None,
        chinese: str = CANTONESE,
        timeout_s: float | None = None,
        start_timeout_s: float = START_TIMEOUT_S,
    ) -> None:
        self.command = tuple(command or WORKER) + ((driver,) if driver else ())
        self.timeout_s = timeout_s  # None: scaled to the text (speaking_limit_s)
        self.start_timeout_s = start_timeout_s
        self.last_voice: str | None = None
        self._worker: EngineProcess | None = None
        self._audio_dir: Path | None = None
        super().__init__(on_audio=on_audio, chinese=chinese)

    def close(self, timeout: float = 2.0) -> None:
        with self._wake:
            self._closed = True
        self._kill_worker()  # it may be starting, which say() and stop() leave alone
        super().close(timeout)
        self._kill_worker()
        if self._audio_dir is not None:
            shutil.rmtree(self._audio_dir, ignore_errors=True)

    def _kill_worker(self) -> None:
        worker = self._worker
        if worker is not None:
            worker.kill()

    @property
    def worker_pid(self) -> int | None:
        worker = self._worker
        return worker.process.pid if worker is not None and worker.alive else None

    # -- the speech thread ------------------------------------------------------------------------
    def _ready_worker(self) -> EngineProcess:
        if self._worker is None or not self._worker.alive:
            with self._wake:
                if self._closed:
                    raise SpeechError("the speaker is closed")
            self._worker = EngineProcess(self.command)
        worker = self._worker
        try:
            worker.wait_ready(self.start_timeout_s)
        except SpeechError:
            worker.kill()
            raise
        return worker

    def _replace_dead_worker(self) -> None:
        """Start the next worker now, so the next utterance does not wait for Python and pyttsx3."""
        with self._wake:
            if self._closed:
                return
        if self._worker is not None and not self._worker.alive:
            try:
                self._worker = EngineProcess(self.command)
            except SpeechError as exc:
                self._worker = None
                log.warning("Speech failed: %s", exc)

    def _audio_path(self, generation: int) -> Path:
        if self._audio_dir is None:
            self._audio_dir = Path(tempfile.mkdtemp(prefix="kiosk-speech-"))
        return self._audio_dir / f"{generation}.wav"

    def _speak(self, generation: int, text: str, language: str) -> None:
        try:
            self._speak_in_worker(generation, text[:MAX_TEXT], language)
        finally:
            self._replace_dead_worker()

    def _speak_in_worker(self, generation: int, text: str, language: str) -> None:
        worker = self._ready_worker()
        path = self._audio_path(generation) if self.on_audio is not None else None
        rate_wpm = self.rate_wpm
        limit_s = self.timeout_s or speaking_limit_s(text, rate_wpm)
        if not self._current(generation) or not self._track(worker.process, generation):
            return  # a newer utterance came while the engine started: this one is not said
        try:
            worker.send(
                {
                    "n": generation,
                    "text": text,
                    "language": language,
                    "chinese": self.chinese,
                    "rate_wpm": rate_wpm,
                    "volume": self.volume,
                    "file": str(path) if path else None,
                }
            )
            answer = worker.answer(limit_s)
        except SpeechError:
            worker.kill()  # hung: killed; crashed: already gone; either way replaced
            if not self._current(generation):
                return  # interrupted by a newer utterance or stop()
            raise
        finally:
            self._untrack(worker.process)
        try:
            self._use_answer(generation, answer, language, path)
        finally:
            if path is not None:
                path.unlink(missing_ok=True)

    def _use_answer(self, generation: int, answer: dict, language: str, path: Path | None) -> None:
        if answer.get("n") != generation or not answer.get("ok"):
            self._worker.kill()  # an engine that failed is not trusted with the next utterance
            raise SpeechError(f"the speech engine failed: {answer.get('error', 'an answer out of turn')}")
        self.last_voice = answer.get("voice")
        if answer.get("fallback"):
            log.info("No voice for %s; read with the English voice %s", language, self.last_voice)
        if not self._current(generation):
            return
        if path is not None:
            audio = path.read_bytes()
            if not audio.startswith(AUDIO_MAGIC):
                raise SpeechError("the speech engine wrote no audio")
            self.on_audio(generation, audio)
        self.spoken += 1
