"""A USB barcode/QR scanner types like a keyboard, very fast, then presses Enter.

The listener watches the kiosk window's key events before any widget does. Keys that arrive within
a few milliseconds of each other and spell the start of a kiosk QR payload are a scan: they are kept
from the screen (a scan must not type into the name field or move the keypad focus), and Enter hands
the whole payload over. Anything a person types is left alone: people do not type that fast.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QWindow

GAP_S = 0.05  # scanners send a character every few ms; the fastest typists need ~100 ms


class ScanListener(QObject):
    scanned = Signal(str)

    def __init__(self, prefixes: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prefixes = tuple(p.upper() for p in prefixes)
        self.window: QWindow | None = None
        self.buffer = ""
        self.last = 0.0

    def watch(self, window: QWindow) -> None:
        """Listen to one top-level window (not the console beside it in the demo)."""
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is not self.window or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        now = time.monotonic()
        if now - self.last > GAP_S:
            self.buffer = ""
        self.last = now
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            payload, self.buffer = self.buffer, ""
            if any(payload.upper().startswith(p) and len(payload) > len(p) for p in self.prefixes):
                self.scanned.emit(payload)
                return True
            return False
        if not event.text():
            return False
        self.buffer += event.text()
        typed = self.buffer.upper()
        # From the second character on, a fast run spelling a prefix is a scan: keep it off the screen.
        return len(typed) >= 2 and any(p.startswith(typed[: len(p)]) for p in self.prefixes)
