"""The idle reset: warn first and offer more time (WCAG 2.2.1), then clear the visit."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QBoxLayout, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.i18n import _, ngettext
from kiosk.ui.widgets.buttons import button, set_text

ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class IdleWatcher(QObject):
    """Emits ``warn`` after ``idle_ms`` without activity inside ``root``, ``expired`` after the warning."""

    warn = Signal()
    tick = Signal(int)
    expired = Signal()

    def __init__(self, root: QWidget, idle_ms: int, warning_s: int) -> None:
        super().__init__(root)
        self.root = root
        self.warning_s = warning_s
        self.remaining = warning_s
        self.armed = False
        self.warning = False
        self._idle = QTimer(self, singleShot=True, interval=idle_ms)
        self._idle.timeout.connect(self._start_warning)
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._count)
        QApplication.instance().installEventFilter(self)

    def arm(self) -> None:
        """Start watching (a visit began)."""
        self.armed = True
        self.activity()

    def disarm(self) -> None:
        self.armed = False
        self.warning = False
        self._idle.stop()
        self._countdown.stop()

    def activity(self) -> None:
        if self.armed and not self.warning:
            self._idle.start()

    def more_time(self) -> None:
        self.warning = False
        self._countdown.stop()
        self.activity()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            self.armed
            and not self.warning
            and event.type() in ACTIVITY_EVENTS
            and isinstance(watched, QWidget)
            and (watched is self.root or self.root.isAncestorOf(watched))
        ):
            self._idle.start()
        return False

    def _start_warning(self) -> None:
        if not self.armed:
            return
        self.warning = True
        self.remaining = self.warning_s
        self.warn.emit()
        self.tick.emit(self.remaining)
        self._countdown.start()

    def _count(self) -> None:
        self.remaining -= 1
        self.tick.emit(self.remaining)
        if self.remaining <= 0:
            self.disarm()
            self.expired.emit()


class IdleOverlay(QWidget):
    """Covers the kiosk with a calm question and two large answers."""

    more_time = Signal()
    start_over = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idleOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        card = QFrame(self)
        card.setProperty("role", "card")
        self.title = QLabel(card)
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.body = QLabel(card)
        self.body.setWordWrap(True)
        self.more_button = button("primary", "moreTimeButton", card)
        self.start_over_button = button("", "idleStartOverButton", card)
        self.more_button.clicked.connect(self.more_time)
        self.start_over_button.clicked.connect(self.start_over)
        self.buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.buttons.setSpacing(20)
        self.buttons.addWidget(self.start_over_button)
        self.buttons.addWidget(self.more_button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(40, 40, 40, 40)
        inner.setSpacing(24)
        inner.addWidget(self.title)
        inner.addWidget(self.body)
        inner.addLayout(self.buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.row = QHBoxLayout()
        self.row.addStretch(1)
        self.row.addWidget(card, 6)
        self.row.addStretch(1)
        outer.addLayout(self.row)
        outer.addStretch(1)
        self.seconds = 0
        self.hide()

    def apply_large_print(self, large: bool) -> None:
        """Large print: the card takes the full width and the answers stack, the main one on top."""
        self.row.setStretch(0, 0 if large else 1)
        self.row.setStretch(2, 0 if large else 1)
        self.buttons.setDirection(
            QBoxLayout.Direction.BottomToTop if large else QBoxLayout.Direction.LeftToRight
        )

    def retranslate(self) -> None:
        self.title.setText(_("Do you need more time?"))
        self.body.setText(
            ngettext(
                "For your privacy, this screen will start over in {n} second.",
                "For your privacy, this screen will start over in {n} seconds.",
                self.seconds,
            )
        )
        set_text(self.more_button, _("Yes, I need more time"))
        set_text(self.start_over_button, _("Start over"))

    def show_countdown(self, seconds: int) -> None:
        self.seconds = seconds
        self.retranslate()
        self.setGeometry(self.parentWidget().rect())
        if not self.isVisible():
            self.show()
            self.raise_()
            self.more_button.setFocus()
