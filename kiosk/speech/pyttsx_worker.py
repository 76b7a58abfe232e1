"""The pyttsx3 engine in a process of its own, started, watched and killed by kiosk.speech.pyttsx.

Run as ``python -m kiosk.speech.pyttsx_worker [DRIVER]``. It answers ``{"ready": true}`` once the engine
is up, then reads one JSON request a line on stdin and writes one JSON answer a line on stdout.
Anything the engine prints goes to stderr, so it cannot corrupt the answers. To interrupt it, the parent
kills it: pyttsx3's own ``stop()`` is not to be trusted.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable

from kiosk.speech.voices import pick_voice

FILE_WAIT_S = 10.0
FILE_POLL_S = 0.02


def open_engine(driver: str | None = None):
    import pyttsx3

    return pyttsx3.init(driver)


def wait_for_file(path: str, limit_s: float = FILE_WAIT_S) -> int:
    """pyttsx3's ``runAndWait`` can return before the file is written: wait until it stops growing."""
    deadline = time.monotonic() + limit_s
    last = -1
    while time.monotonic() < deadline:
        size = os.path.getsize(path) if os.path.exists(path) else 0
        if size > 0 and size == last:
            return size
        last = size
        time.sleep(FILE_POLL_S)
    raise TimeoutError(f"the engine wrote no audio file in {limit_s:.0f} s")


class Engine:
    """One pyttsx3 engine with the voice for each language chosen once."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.voices = list(engine.getProperty("voices") or [])
        self.english = pick_voice(self.voices, "en")

    def speak(self, request: dict) -> dict:
        voice = pick_voice(self.voices, request["language"], request.get("chinese", "yue"))
        fallback = voice is None
        if fallback:
            voice = self.english  # as the espeak-ng path does: the English voice reads what there is
        if voice is not None:
            self.engine.setProperty("voice", voice.id)
        self.engine.setProperty("rate", int(request["rate_wpm"]))
        self.engine.setProperty("volume", max(0.0, min(1.0, request["volume"] / 100)))
        path = request.get("file")
        if path:
            self.engine.save_to_file(request["text"], path)
            self.engine.runAndWait()
            wait_for_file(path)
        else:
            self.engine.say(request["text"])
            self.engine.runAndWait()
        return {"voice": getattr(voice, "id", None), "fallback": fallback}


def serve(make_engine: Callable[[str | None], object] = open_engine, driver: str | None = None) -> int:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr

    def answer(**fields) -> None:
        answers.write(json.dumps(fields).encode("ascii") + b"\n")

    try:
        engine = Engine(make_engine(driver))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        answer(ready=False, error=f"{type(exc).__name__}: {exc}")
        return 1
    answer(ready=True, voices=len(engine.voices))
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        try:
            answer(n=request.get("n"), ok=True, **engine.speak(request))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
            answer(n=request.get("n"), ok=False, error=f"{type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(serve(driver=sys.argv[1] if len(sys.argv) > 1 else None))
