"""A Speaker that starts the speech engine on first use: start-up time counts on a kiosk."""

from __future__ import annotations

import shutil

ESPEAK = "espeak-ng"
PYTTSX3 = "pyttsx3"


class LazySpeaker:
    """``engine`` is "espeak-ng" (Linux) or "pyttsx3" (SAPI5 on Windows, NSSS on macOS)."""

    def __init__(self, chinese: str = "yue", engine: str = ESPEAK) -> None:
        self.chinese = chinese
        self.engine = engine
        self._speaker = None
        self.volume = 50
        self.rate_wpm = 160

    @staticmethod
    def available(engine: str = ESPEAK) -> bool:
        if engine == PYTTSX3:  # found, not imported: only the speech process imports pyttsx3
            import importlib.util

            return importlib.util.find_spec("pyttsx3") is not None
        return shutil.which("espeak-ng") is not None

    def _engine(self):
        if self._speaker is None:
            if self.engine == PYTTSX3:
                from kiosk.speech.pyttsx import PyttsxSpeaker

                self._speaker = PyttsxSpeaker(chinese=self.chinese)
            else:
                from kiosk.speech.speaker import BackgroundSpeaker

                self._speaker = BackgroundSpeaker(chinese=self.chinese)
        self._speaker.volume, self._speaker.rate_wpm = self.volume, self.rate_wpm
        self._speaker.chinese = self.chinese
        return self._speaker

    def say(self, text: str, language: str) -> int:
        return self._engine().say(text, language)

    def stop(self) -> None:
        if self._speaker is not None:
            self._speaker.stop()
