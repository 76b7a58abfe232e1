"""Speech mode: read each screen when it opens and each control when it gets focus.

The text comes from what is on the screen (labels in order, then the choices by their accessible
names), so a screen added later is read without extra work. Speaking goes through the Speaker
port, which never blocks: a newer utterance interrupts the one before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from kiosk.i18n import _, use_language

if TYPE_CHECKING:
    from kiosk.services.ports import Speaker


def _visible(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root)


def screen_text(root: QWidget) -> str:
    """Title, what the screen says and asks, then the choices."""
    parts: list[str] = []
    for text_label in root.findChildren(QLabel):
        if (
            _visible(text_label, root)
            and text_label.text()
            and not isinstance(text_label.parent(), QAbstractButton)
        ):
            parts.append(text_label.accessibleName() or text_label.text())
    choices = [
        control.accessibleName()
        for control in root.findChildren(QAbstractButton) + root.findChildren(QLineEdit)
        if _visible(control, root) and control.accessibleName()
    ]
    if choices:
        parts.append(_("Choices: {choices}.", choices="; ".join(choices)))
    return " ".join(part.strip() for part in parts if part.strip())


def control_text(control: QWidget) -> str:
    name = control.accessibleName()
    description = control.accessibleDescription()
    if isinstance(control, QLineEdit) and control.text():
        name = f"{name}: {control.text()}"
    return f"{name}. {description}" if description else name


class ScreenReader(QObject):
    """A child of the kiosk window, so its focus connection ends with the window."""

    def __init__(self, root: QWidget, speaker: Speaker | None) -> None:
        super().__init__(root)
        self.root = root
        self.speaker = speaker
        self.enabled = False
        self.last = ""
        QApplication.instance().focusChanged.connect(self._focus_changed)

    @property
    def available(self) -> bool:
        return self.speaker is not None

    def say(self, text: str, language: str) -> None:
        if self.enabled and self.speaker is not None and text:
            self.last = text
            self.speaker.say(text, language)

    def read_screen(self, screen: QWidget, language: str) -> None:
        if not self.enabled:
            return
        with use_language(language):
            self.say(screen_text(screen), language)

    def repeat(self, language: str) -> None:
        if self.enabled and self.speaker is not None and self.last:
            self.speaker.say(self.last, language)

    def stop(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not self.enabled or new is None or not shiboken6.isValid(self.root):
            return
        if not (new is self.root or self.root.isAncestorOf(new)):
            return
        language = getattr(self.root, "visit_language", lambda: "en")()
        self.say(control_text(new), language)
