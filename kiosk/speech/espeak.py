"""espeak-ng as a separate process: a hang or crash there is a timeout or an exit code here."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass

SYNTH_TIMEOUT_S = 10.0
MAX_TEXT = 4000


class SpeechError(RuntimeError):
    """Speech failed; the kiosk carries on without it."""


def kill_tree(process: subprocess.Popen) -> None:
    """Kill a child and anything it started (each child leads its own process group; Windows has no
    process groups to signal, so there the child alone is terminated)."""
    if process.poll() is not None:
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        process.kill()


@dataclass(frozen=True)
class EspeakSynthesizer:
    """Turns text into WAV bytes. ``command`` is replaceable so tests can make the engine misbehave."""

    command: tuple[str, ...] = ("espeak-ng",)
    timeout_s: float = SYNTH_TIMEOUT_S

    @staticmethod
    def available() -> bool:
        return shutil.which("espeak-ng") is not None

    def args(self, voice: str, rate_wpm: int, volume: int) -> list[str]:
        amplitude = max(0, min(200, round(volume * 2)))  # espeak-ng: 0..200, 100 is normal
        return [*self.command, "-v", voice, "-s", str(rate_wpm), "-a", str(amplitude), "--stdin", "--stdout"]

    def start(self, voice: str, rate_wpm: int = 160, volume: int = 50) -> subprocess.Popen:
        try:
            return subprocess.Popen(
                self.args(voice, rate_wpm, volume),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            raise SpeechError(f"cannot start the speech engine: {exc}") from exc

    def synthesize(self, text: str, voice: str, rate_wpm: int = 160, volume: int = 50) -> bytes:
        """WAV bytes for ``text``. Text goes in on stdin: never parsed as options, no length limit of argv."""
        process = self.start(voice, rate_wpm, volume)
        try:
            audio, _ = process.communicate(text[:MAX_TEXT].encode("utf-8"), timeout=self.timeout_s)
        except subprocess.TimeoutExpired as exc:
            kill_tree(process)
            process.communicate()
            raise SpeechError("the speech engine did not answer in time") from exc
        if process.returncode != 0 or not audio.startswith(b"RIFF"):
            raise SpeechError(f"the speech engine failed (exit status {process.returncode})")
        return audio
