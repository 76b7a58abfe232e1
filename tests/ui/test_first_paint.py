"""Start-up work waits for the first frame, and still runs when no frame ever comes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from kiosk.ui.tasks import after_first_paint


def test_work_starts_after_the_first_frame_not_before(qtbot):
    label = QLabel("Welcome")
    qtbot.addWidget(label)
    calls: list[str] = []
    after_first_paint(label, lambda: calls.append("start"), fallback_ms=60_000)
    assert calls == []  # nothing painted yet
    label.show()
    qtbot.waitExposed(label)
    qtbot.waitUntil(lambda: calls == ["start"], timeout=2000)
    label.repaint()
    qtbot.wait(50)
    assert calls == ["start"]  # once, not on every paint


def test_a_window_never_painted_still_starts_after_the_fallback(qtbot):
    label = QLabel("Welcome")  # never shown, as with a monitor that is off at boot
    qtbot.addWidget(label)
    calls: list[str] = []
    after_first_paint(label, lambda: calls.append("start"), fallback_ms=100)
    qtbot.wait(30)
    assert calls == []
    qtbot.waitUntil(lambda: calls == ["start"], timeout=2000)
    qtbot.wait(150)
    assert calls == ["start"]
