"""Operate the kiosk with keys alone: arrows and a tactile numeric keypad.

Keypad layout, as on accessible kiosk keypads: 8/4 move back, 2/6 move forward, 5 selects,
0 goes back, * turns speech on and then repeats, # says the keys, + and - change the volume,
7 and 9 the speed. Arrow keys move too (left and right stay with the cursor inside a text field).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget

PREVIOUS = {Qt.Key.Key_8, Qt.Key.Key_4}
NEXT = {Qt.Key.Key_2, Qt.Key.Key_6}


class KeypadNavigator(QObject):
    def __init__(
        self,
        root: QWidget,
        move_focus: Callable[[bool], None],
        back: Callable[[], None],
        star: Callable[[], None] | None = None,
        extra: dict[Qt.Key, Callable[[], None]] | None = None,
    ) -> None:
        super().__init__(root)
        self.root = root
        self.move_focus = move_focus
        self.back = back
        self.star = star
        self.extra = extra or {}
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if not (watched is self.root or self.root.isAncestorOf(watched)):
            return False
        return self.handle(watched, event)

    def handle(self, focused: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        in_text = isinstance(focused, QLineEdit)
        if event.modifiers() & Qt.KeyboardModifier.KeypadModifier:
            if key in PREVIOUS or key in NEXT:
                self.move_focus(key in NEXT)
                return True
            if key == Qt.Key.Key_5:
                return self._select(focused)
            if key == Qt.Key.Key_0:
                self.back()
                return True
            if key == Qt.Key.Key_Asterisk and self.star is not None:
                self.star()
                return True
            if key in self.extra:
                self.extra[key]()
                return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) or (
            not in_text and key in (Qt.Key.Key_Left, Qt.Key.Key_Right)
        ):
            self.move_focus(key in (Qt.Key.Key_Down, Qt.Key.Key_Right))
            return True
        return False

    @staticmethod
    def _select(focused: QWidget) -> bool:
        if isinstance(focused, QAbstractButton):
            focused.click()
            return True
        if isinstance(focused, QLineEdit):
            focused.returnPressed.emit()
            return True
        return False
