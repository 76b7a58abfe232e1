"""A Speaker that starts the speech engine on first use: start-up time counts on a kiosk."""

from __future__ import annotations

import shutil


class LazySpeaker:
    def __init__(self, chinese: str = "yue") -> None:
        self.chinese = chinese
        self._speaker = None
        self.volume = 50
        self.rate_wpm = 160

    @staticmethod
    def available() -> bool:
        return shutil.which("espeak-ng") is not None

    def _engine(self):
        if self._speaker is None:
            from kiosk.speech.speaker import BackgroundSpeaker

            self._speaker = BackgroundSpeaker(chinese=self.chinese)
        self._speaker.volume, self._speaker.rate_wpm = self.volume, self.rate_wpm
        return self._speaker

    def say(self, text: str, language: str) -> int:
        return self._engine().say(text, language)

    def stop(self) -> None:
        if self._speaker is not None:
            self._speaker.stop()
