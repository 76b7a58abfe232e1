"""What every kiosk screen shares."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QScroller, QVBoxLayout, QWidget


def label(role: str = "", parent: QWidget | None = None, object_name: str = "") -> QLabel:
    widget = QLabel(parent)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # visitor text is never interpreted as HTML
    if role:
        widget.setProperty("role", role)
    if object_name:
        widget.setObjectName(object_name)
    return widget


class Screen(QWidget):
    """A kiosk screen. ``retranslate`` sets every text in the current language; ``reset`` forgets the visit."""

    name = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{self.name}Screen")
        # Every screen scrolls vertically when large print makes it taller than the display; it
        # never scrolls sideways: text wraps to the width instead.
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body.setObjectName("screenBody")
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(48, 24, 48, 24)
        self.layout_.setSpacing(20)
        self.scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def enable_touch_scrolling(self) -> None:
        """Let a finger drag the page. Deferred past the first frame: the first grab costs ~15 ms."""
        QScroller.grabGesture(self.scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)

    def retranslate(self) -> None:
        raise NotImplementedError  # every screen sets its own text

    def reset(self) -> None:
        """Forget whatever the visitor chose or typed on this screen."""

    def apply_large_print(self, large: bool) -> None:
        """Re-flow for large print (most screens need nothing: the style sheet scales the text)."""

    def first_focus(self) -> QWidget | None:
        return None
