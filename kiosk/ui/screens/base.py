"""What every kiosk screen shares."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QScroller, QVBoxLayout, QWidget


class _WrappedHeight(QObject):
    """Keeps a wrapped label at least as tall as its text needs at its current width.

    Layouts size wrapped labels from their minimum size, which does not grow with the text; on a
    page taller than the screen (large print) they would be squeezed instead of the page scrolling.
    """

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        # Only at a real width: while a layout is still settling a label can be a few pixels wide,
        # and the height it asks for then would stick.
        measurable = watched.width() >= MIN_MEASURED_WIDTH
        if measurable and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
        ):
            needed = watched.heightForWidth(watched.width())
            if needed > 0 and needed != watched.minimumHeight():
                watched.setMinimumHeight(needed)
        return False


_wrapped_height = None
MIN_MEASURED_WIDTH = 300


def label(role: str = "", parent: QWidget | None = None, object_name: str = "") -> QLabel:
    global _wrapped_height
    widget = QLabel(parent)
    widget.setWordWrap(True)
    if _wrapped_height is None:
        _wrapped_height = _WrappedHeight(QApplication.instance())
    widget.installEventFilter(_wrapped_height)
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
        # The page is not a stop for the keys, and a tap on a key of the screen keyboard must
        # leave the cursor in the text field rather than give focus to the page.
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body = QWidget()
        self.body.setObjectName("screenBody")
        self.body.installEventFilter(self)
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(48, 24, 48, 24)
        self.layout_.setSpacing(20)
        self.scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        # QScrollArea sizes the page by its minimum size, which ignores how tall wrapped text gets
        # at this width; without this, large print squeezes labels instead of scrolling the page.
        if watched is self.body and event.type() == QEvent.Type.Resize:
            needed = self.layout_.totalHeightForWidth(self.body.width())
            if needed > 0 and needed != self.body.minimumHeight():
                self.body.setMinimumHeight(needed)
        return False

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
