"""A pyttsx3 worker that misbehaves on request, run as a script by test_speech_pyttsx.py.

It is the real worker around the real engine, except that ``runAndWait`` hangs for a text containing
"HANG", exits at once for "EXIT" and segfaults for "SEGFAULT": what pyttsx3 has been seen to do.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time

from kiosk.speech.pyttsx_worker import open_engine, serve


class Misbehaving:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.text = ""

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def say(self, text: str) -> None:
        self.text = text
        self.engine.say(text)

    def save_to_file(self, text: str, path: str) -> None:
        self.text = text
        self.engine.save_to_file(text, path)

    def runAndWait(self) -> None:  # noqa: N802 - pyttsx3's name
        if "HANG" in self.text:
            time.sleep(3600)
        if "EXIT" in self.text:
            os._exit(3)
        if "SEGFAULT" in self.text:
            ctypes.string_at(0)
        self.engine.runAndWait()


if __name__ == "__main__":
    sys.exit(serve(make_engine=lambda driver: Misbehaving(open_engine(driver))))
