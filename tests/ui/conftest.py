from __future__ import annotations

import pytest

from kiosk.ui.kiosk_window import KioskWindow
from kiosk.ui.stations.reception import ReceptionConsole


@pytest.fixture(autouse=True)
def _fonts(qapp):
    from kiosk.ui.fonts import install_fonts

    install_fonts(qapp)


@pytest.fixture
def make_kiosk(qtbot, sqlite_backend):
    def make(ctx=None, **options) -> KioskWindow:
        options.setdefault("building_name", "The Portland Building")
        window = KioskWindow(**options)
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        window.show()
        window.attach(ctx or sqlite_backend.ctx)
        qtbot.waitUntil(lambda: bool(window.services.services), timeout=5000)
        return window

    return make


@pytest.fixture
def kiosk(make_kiosk) -> KioskWindow:
    return make_kiosk()


@pytest.fixture
def make_console(qtbot, sqlite_backend):
    def make(ctx=None, counter_index: int = 0, language: str = "en") -> ReceptionConsole:
        console = ReceptionConsole(counters=("1", "2", "3"), language=language, poll_interval_ms=100)
        qtbot.addWidget(console)
        console.resize(1600, 900)
        console.show()
        console.counter_box.setCurrentIndex(counter_index)
        console.attach(ctx or sqlite_backend.ctx)
        qtbot.waitUntil(lambda: console.snapshot is not None, timeout=5000)
        return console

    return make


def type_text(widget, text: str) -> None:
    """Type any script, as an input method (on-screen keyboard, CJK IME) commits it.

    QTest.keyClicks only knows ASCII keys; an input-method commit is how non-Latin text arrives.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)
