"""Kiosk mode: the public cannot close, leave or cover the kiosk; an administrator can, after signing in.

Keys that close or quit (Alt+F4, Ctrl+Q, Ctrl+W), the window manager's close and a drop out of
fullscreen are refused. The way out is a hidden gesture — five taps in the top-left corner within
three seconds — or the chord Ctrl+Alt+Shift+K, either of which opens an administrator's sign-in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.i18n import _, use_language

if TYPE_CHECKING:
    from kiosk.services.context import ServiceContext

log = logging.getLogger(__name__)

CORNER_PX = 96
TAPS = 5
TAP_WINDOW_S = 3.0
DIALOG_GIVE_UP_MS = 60_000
EXIT_CHORD = QKeySequence("Ctrl+Alt+Shift+K")

_MOD = Qt.KeyboardModifier
# Key chords that close or quit an application on one platform or another.
REFUSED_CHORDS = {
    (Qt.Key.Key_F4, _MOD.AltModifier),
    (Qt.Key.Key_Q, _MOD.ControlModifier),
    (Qt.Key.Key_W, _MOD.ControlModifier),
    (Qt.Key.Key_F4, _MOD.ControlModifier),
    (Qt.Key.Key_Q, _MOD.MetaModifier),
    (Qt.Key.Key_W, _MOD.MetaModifier),
    (Qt.Key.Key_F11, _MOD.NoModifier),
}


def _chord(event: QKeyEvent) -> tuple[Qt.Key, Qt.KeyboardModifier]:
    modifiers = event.modifiers() & (
        _MOD.AltModifier | _MOD.ControlModifier | _MOD.MetaModifier | _MOD.ShiftModifier
    )
    return Qt.Key(event.key()), modifiers


class KioskLockdown(QObject):
    """Installed on the kiosk window; ``exit_granted`` fires after an administrator signed in."""

    exit_granted = Signal(object)  # the SignedIn administrator

    def __init__(
        self,
        window: QWidget,
        ctx_provider: Callable[[], ServiceContext | None],
        *,
        language: str = "en",
        fullscreen: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ctx_provider = ctx_provider
        self.language = language
        self.fullscreen = fullscreen
        self.allow_close = False
        self.refused: list[str] = []  # what was refused, for the log and for tests
        self._taps: list[float] = []
        self._last_press: tuple | None = None
        self.dialog = None
        if fullscreen:
            window.setWindowFlags(
                window.windowFlags() | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
            )
        window.installEventFilter(self)
        QApplication.instance().installEventFilter(self)

    def _refuse(self, what: str) -> bool:
        self.refused.append(what)
        log.info("Kiosk mode refused: %s", what)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if watched is self.window and kind == QEvent.Type.Close and not self.allow_close:
            event.ignore()
            return self._refuse("close")
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and self._belongs(watched):
            chord = _chord(event)
            if chord == (Qt.Key.Key_K, _MOD.ControlModifier | _MOD.AltModifier | _MOD.ShiftModifier):
                if kind == QEvent.Type.KeyPress:
                    self.ask_for_admin()
                return True
            if chord in REFUSED_CHORDS:
                return (
                    self._refuse(QKeySequence(chord[0] | chord[1]).toString())
                    if (kind == QEvent.Type.KeyPress)
                    else True
                )
        if (
            watched is self.window
            and kind == QEvent.Type.WindowStateChange
            and self.fullscreen
            and not self.window.isFullScreen()
            and not self.allow_close
        ):
            # A window manager's shortcut or a stray gesture must not leave the desktop showing.
            QTimer.singleShot(0, self.window.showFullScreen)
            self._refuse("leave fullscreen")
        if kind == QEvent.Type.MouseButtonPress and self._belongs(watched) and self.dialog is None:
            # An unaccepted press travels up to the parents: count each touch once.
            stamp = (event.timestamp(), event.globalPosition().toPoint().toTuple())
            if stamp != self._last_press:
                self._last_press = stamp
                self._corner_tap(event.globalPosition().toPoint())
        return False

    def _belongs(self, watched: QObject) -> bool:
        return isinstance(watched, QWidget) and watched.window() is self.window

    def _corner_tap(self, global_pos: QPoint) -> None:
        local = self.window.mapFromGlobal(global_pos)
        if local.x() > CORNER_PX or local.y() > CORNER_PX:
            self._taps.clear()
            return
        now = time.monotonic()
        self._taps = [t for t in self._taps if now - t <= TAP_WINDOW_S] + [now]
        if len(self._taps) >= TAPS:
            self._taps.clear()
            self.ask_for_admin()

    def ask_for_admin(self) -> None:
        if self.dialog is not None:
            return
        from kiosk.domain.staff import Role
        from kiosk.ui.stations.sign_in import SignInDialog

        with use_language(self.language):
            purpose = _("Leave kiosk mode: an administrator signs in.")
        self.dialog = SignInDialog(
            self.ctx_provider,
            (Role.ADMIN,),
            language=self.language,
            purpose=purpose,
            on_screen_keyboard=True,
            parent=self.window,
            give_up_after_ms=DIALOG_GIVE_UP_MS,
        )
        self.dialog.signed_in.connect(self._granted)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()

    def _dialog_closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def _granted(self, user) -> None:
        log.warning("Kiosk mode left by administrator %s", user.username)
        self.allow_close = True
        self.exit_granted.emit(user)
