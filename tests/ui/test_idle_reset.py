"""The kiosk warns before clearing a visit, offers more time, then forgets everything."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.ui.flow import Step
from tests.ui.conftest import type_text


def test_warning_then_more_time_keeps_the_visit(qtbot, make_kiosk):
    kiosk = make_kiosk(idle_seconds=1, idle_warning_seconds=20)
    qtbot.mouseClick(kiosk.welcome.language_buttons["es"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(kiosk.name_screen.field, "Ana")
    qtbot.waitUntil(kiosk.overlay.isVisible, timeout=3000)
    assert kiosk.overlay.title.text() == "¿Necesita más tiempo?"
    assert "20 segundos" in kiosk.overlay.body.text()
    assert kiosk.focusWidget() is kiosk.overlay.more_button
    qtbot.mouseClick(kiosk.overlay.more_button, Qt.MouseButton.LeftButton)
    assert not kiosk.overlay.isVisible()
    assert kiosk.flow.step == Step.NAME and kiosk.name_screen.field.text() == "Ana"


def test_no_answer_clears_everything(qtbot, make_kiosk):
    kiosk = make_kiosk(idle_seconds=1, idle_warning_seconds=2)
    qtbot.mouseClick(kiosk.large_print_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.welcome.language_buttons["ru"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.buttons[0], Qt.MouseButton.LeftButton)
    type_text(kiosk.name_screen.field, "Ольга")
    qtbot.waitUntil(kiosk.overlay.isVisible, timeout=3000)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.WELCOME, timeout=5000)
    assert not kiosk.overlay.isVisible()
    assert kiosk.name_screen.field.text() == ""
    assert kiosk.flow.visit.language == "en" and not kiosk.flow.visit.large_print
    assert kiosk.welcome.title.text() == "Welcome. How can we help you today?"


def test_activity_postpones_the_warning(qtbot, make_kiosk):
    kiosk = make_kiosk(idle_seconds=1, idle_warning_seconds=20)
    qtbot.mouseClick(kiosk.welcome.language_buttons["en"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.buttons[0], Qt.MouseButton.LeftButton)
    for _ in range(4):
        qtbot.wait(500)
        qtbot.keyClicks(kiosk.name_screen.field, "a")
    assert not kiosk.overlay.isVisible()
    qtbot.waitUntil(kiosk.overlay.isVisible, timeout=3000)


def test_the_welcome_screen_is_not_interrupted(qtbot, make_kiosk):
    kiosk = make_kiosk(idle_seconds=1, idle_warning_seconds=20)
    qtbot.wait(1500)
    assert not kiosk.overlay.isVisible()
