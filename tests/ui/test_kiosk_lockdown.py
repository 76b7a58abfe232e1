"""Kiosk mode: every way of closing or leaving the kiosk is refused; an administrator gets out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from kiosk.domain.staff import Role
from kiosk.services import staff
from kiosk.ui.lockdown import KioskLockdown

ADMIN_PIN = "864213"
K = Qt.Key
M = Qt.KeyboardModifier


@pytest.fixture
def locked(kiosk, qtbot):
    lockdown = KioskLockdown(kiosk, lambda: kiosk.ctx, fullscreen=True)
    kiosk.showFullScreen()
    qtbot.waitUntil(kiosk.isFullScreen, timeout=3000)
    yield kiosk, lockdown
    lockdown.allow_close = True
    if lockdown.dialog is not None:
        lockdown.dialog.reject()


@pytest.mark.parametrize(
    ("key", "modifiers"),
    [
        (K.Key_F4, M.AltModifier),
        (K.Key_Q, M.ControlModifier),
        (K.Key_W, M.ControlModifier),
        (K.Key_F4, M.ControlModifier),
        (K.Key_F11, M.NoModifier),
        (K.Key_Escape, M.NoModifier),
    ],
)
def test_closing_and_quitting_keys_leave_the_kiosk_up(locked, qtbot, key, modifiers):
    kiosk, lockdown = locked
    target = kiosk.focusWidget() or kiosk
    qtbot.keyClick(target, key, modifiers)
    qtbot.wait(50)
    assert kiosk.isVisible() and kiosk.isFullScreen()
    if key != K.Key_Escape:  # Escape is the kiosk's own "back"; it never closes anything
        assert lockdown.refused


def test_the_close_event_is_refused(locked, qtbot):
    kiosk, lockdown = locked
    assert kiosk.close() is False
    QApplication.processEvents()
    assert kiosk.isVisible()
    assert lockdown.refused == ["close"]


def test_leaving_fullscreen_is_undone(locked, qtbot):
    kiosk, lockdown = locked
    kiosk.showNormal()
    qtbot.waitUntil(kiosk.isFullScreen, timeout=3000)
    assert "leave fullscreen" in lockdown.refused


def test_the_window_has_no_frame_to_close_it_by(locked):
    kiosk, _lockdown = locked
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint


def _tap_corner(qtbot, kiosk, times):
    for _ in range(times):
        qtbot.mouseClick(kiosk, Qt.MouseButton.LeftButton, pos=QPoint(12, 12))


def _sign_in(qtbot, dialog, username, secret):
    dialog.username.setText(username)
    dialog.secret.setText(secret)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)


def test_five_corner_taps_and_an_administrator_sign_in_leave_kiosk_mode(locked, qtbot):
    kiosk, lockdown = locked
    staff.add_user(kiosk.ctx, "admin", Role.ADMIN, ADMIN_PIN)
    _tap_corner(qtbot, kiosk, 4)
    assert lockdown.dialog is None  # four taps are a visitor's impatience, not the gesture
    _tap_corner(qtbot, kiosk, 1)
    qtbot.waitUntil(lambda: lockdown.dialog is not None and lockdown.dialog.isVisible(), timeout=2000)
    assert lockdown.dialog.keyboard is not None  # a touchscreen may have no keys of its own
    with qtbot.waitSignal(lockdown.exit_granted, timeout=5000) as granted:
        _sign_in(qtbot, lockdown.dialog, "admin", ADMIN_PIN)
    assert granted.args[0].role is Role.ADMIN
    assert kiosk.close() is True


def test_only_an_administrator_may_leave(locked, qtbot):
    kiosk, lockdown = locked
    staff.add_user(kiosk.ctx, "desk", Role.RECEPTION, "555123")
    qtbot.keyClick(kiosk, K.Key_K, M.ControlModifier | M.AltModifier | M.ShiftModifier)
    qtbot.waitUntil(lambda: lockdown.dialog is not None, timeout=2000)
    dialog = lockdown.dialog
    _sign_in(qtbot, dialog, "desk", "555123")
    qtbot.waitUntil(lambda: "administrator" in dialog.message.text(), timeout=5000)
    _sign_in(qtbot, dialog, "desk", "000000")
    qtbot.waitUntil(lambda: "not right" in dialog.message.text(), timeout=5000)
    assert not lockdown.allow_close
    assert kiosk.close() is False
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lockdown.dialog is None, timeout=2000)
    assert kiosk.isFullScreen()
