"""The now-serving display: a second screen in the waiting area, read from across the room.

It shows the tickets being called and where to go, the last calls, how many are waiting and the wait
by service, and the time; each new call or recall is announced (chime, English, the visitor's
language). Changes come from a change feed (PostgreSQL LISTEN/NOTIFY) when there is one, otherwise
from polling the change counter; the database is only ever read on a worker.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import _, ngettext, use_language
from kiosk.i18n.formatting import format_time, format_wait
from kiosk.services import display, queue
from kiosk.services.context import ServiceContext
from kiosk.services.display import Call, Calls, Overview
from kiosk.services.ports import Announcer, ChangeFeed
from kiosk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

CALL_SLOTS = 4
RECENT_SLOTS = 4
WAIT_SLOTS = 5
FRESH_MS = 10_000  # a new call stands out this long
FEED_POLL_MS = 2_000  # with a working change feed, polling is only a safety net
OVERVIEW_MS = 2_000  # the line and the waits are worked out at most this often
DESIGN_SIZE = (1920, 1080)  # the sizes below are for this screen, scaled to the window

# Black, white and yellow: well over 7:1 for every pair, legible from the back of the room.
BACKGROUND = "#000000"
TEXT = "#FFFFFF"
ACCENT = "#FFE14D"
MUTED = "#D0D0D0"
RULE = "#5A5A5A"
PANEL = "#161616"


# Text size (px on a 1920x1080 screen) and weight of each kind of text; scaled to the window, and a
# line too long for its place is drawn smaller rather than cut off or wrapped (a number must stay whole).
SIZES = {
    "building": (34, QFont.Weight.Normal),
    "title": (54, QFont.Weight.Bold),
    "clock": (54, QFont.Weight.Bold),
    "column": (30, QFont.Weight.Normal),
    "number": (132, QFont.Weight.ExtraBold),
    "place": (92, QFont.Weight.Bold),
    "empty": (54, QFont.Weight.Normal),
    "heading": (40, QFont.Weight.Bold),
    "recent": (46, QFont.Weight.DemiBold),
    "waiting": (46, QFont.Weight.Bold),
    "service": (30, QFont.Weight.Normal),
    "wait": (30, QFont.Weight.Bold),
}


def _style(unit: float) -> str:
    def px(size: float) -> int:
        return max(1, round(size * unit))

    return f"""
QWidget#displayRoot {{ background: {BACKGROUND}; }}
QWidget#displayRoot QLabel {{ color: {TEXT}; background: transparent; }}
QWidget#displayRoot QLabel[role="building"], QWidget#displayRoot QLabel[role="column"] {{ color: {MUTED}; }}
QWidget#displayRoot QLabel[role="empty"] {{ color: {MUTED}; }}
QWidget#displayRoot QLabel[role="title"], QWidget#displayRoot QLabel[role="heading"] {{ color: {ACCENT}; }}
QWidget#displayRoot QLabel[role="number"][fresh="true"], QWidget#displayRoot QLabel[role="place"][fresh="true"] {{ color: {ACCENT}; }}
QWidget#displayRoot QFrame[role="callRow"] {{ border-bottom: {px(2)}px solid {RULE}; }}
QWidget#displayRoot QFrame[role="callRow"][fresh="true"] {{ border: {max(2, px(5))}px solid {ACCENT}; border-radius: {px(12)}px; }}
QWidget#displayRoot QFrame#sidePanel {{ background: {PANEL}; border-radius: {px(16)}px; }}
"""


class FitLabel(QLabel):
    """A label whose text is drawn at its role's size, or smaller when one line would not fit."""

    def __init__(self, role: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.role = role
        self.full_px = SIZES[role][0]
        self._fitting = False

    def scale(self, unit: float) -> None:
        self.full_px = max(8, round(SIZES[self.role][0] * unit))
        self.fit()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        if text != self.text():
            super().setText(text)
            self.fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit()

    def _full_font(self) -> QFont:
        font = QFont(self.font())
        font.setWeight(SIZES[self.role][1])
        font.setPixelSize(self.full_px)
        return font

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if self.wordWrap():
            return super().sizeHint()
        # What the text needs at its full size (the label's own hint follows the shrunk font).
        metrics = QFontMetrics(self._full_font())
        margins = self.contentsMargins()
        return QSize(
            metrics.horizontalAdvance(self.text()) + margins.left() + margins.right() + 2,
            metrics.height() + margins.top() + margins.bottom(),
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # The window is the screen's size and the text is scaled to it: a label never makes the window
        # bigger (not even for a moment while the window shrinks and the text is still the old size).
        return QSize(0, 0)

    def fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            font = self._full_font()
            width = self.contentsRect().width()
            if not self.wordWrap() and self.text() and width > 0:
                needed = QFontMetrics(font).horizontalAdvance(self.text())
                if needed > width:
                    font.setPixelSize(max(8, int(self.full_px * width / needed)))
            if font != self.font():
                self.setFont(font)
                self.updateGeometry()
        finally:
            self._fitting = False


class _FeedRelay(QObject):
    """Carries the feed's news from its thread to the UI thread (a queued signal)."""

    changed = Signal()


def _label(role: str, parent: QWidget, name: str = "") -> FitLabel:
    label = FitLabel(role, parent)
    if name:
        label.setObjectName(name)
    return label


def _show(widget: QWidget, visible: bool) -> None:
    # Only when it changes: the display redraws at every call, and a Qt call that changes nothing is
    # still a call (PySide6 6.12.0 on Python 3.11 leaks a reference to None with each one).
    if widget.isHidden() == visible:
        widget.setVisible(visible)


def _restyle(widget: QWidget, fresh: bool) -> None:
    if widget.property("fresh") != fresh:
        widget.setProperty("fresh", fresh)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class CallRow(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", "callRow")
        self.number = _label("number", self, "callNumber")
        self.arrow = _label("place", self)
        self.arrow.setText("→")
        self.place = _label("place", self, "callPlace")
        layout = QHBoxLayout(self)
        layout.addWidget(self.number, 5)
        layout.addWidget(self.arrow, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.place, 7)
        self.call: Call | None = None

    def show_call(self, call: Call | None, place: str, fresh: bool) -> None:
        self.call = call
        self.number.setText(call.number if call else "")
        self.place.setText(place)
        _show(self.arrow, call is not None)
        for widget in (self, self.number, self.place, self.arrow):
            _restyle(widget, fresh)
        name = f"{call.number} {place}" if call else ""
        if self.accessibleName() != name:
            self.setAccessibleName(name)


class DisplayWindow(QMainWindow):
    """``updated`` is emitted each time new calls are shown, with them (``Calls``) and those announced."""

    updated = Signal(object, object)

    def __init__(
        self,
        *,
        language: str = "en",
        building_name: str = "",
        announcer: Announcer | None = None,
        feed: ChangeFeed | None = None,
        poll_interval_ms: int = 250,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("nowServingDisplay")
        self.language = language
        self.building_name = building_name
        self.announcer = announcer
        self.feed = feed
        self.ctx: ServiceContext | None = None
        self.runner = runner or TaskRunner(self)
        self.state: Calls | None = None
        self.overview: Overview | None = None
        self._overview_loading = False
        self._overview_at = -OVERVIEW_MS  # monotonic ms of the last load started
        self.version = -1
        self.announced: list[Call] = []
        self._loading = False
        self._again = False
        self._listening = False
        self._polling = False
        self._last_poll = 0.0
        self._fresh: dict[tuple, float] = {}  # call key -> when it stops standing out (monotonic)

        root = QWidget(self)
        root.setObjectName("displayRoot")
        self.setCentralWidget(root)
        self.building = _label("building", root)
        self.title = _label("title", root, "displayTitle")
        self.clock = _label("clock", root, "displayClock")
        top = QHBoxLayout()
        top.addWidget(self.building, 1)
        top.addWidget(self.title, 0, Qt.AlignmentFlag.AlignCenter)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.clock, 1)

        calls = QWidget(root)
        self.ticket_column = _label("column", calls)
        self.place_column = _label("column", calls)
        heads = QHBoxLayout()
        heads.addWidget(self.ticket_column, 5)
        heads.addSpacing(1)
        heads.addWidget(self.place_column, 8)
        self.rows = [CallRow(calls) for _ in range(CALL_SLOTS)]
        self.empty = _label("empty", calls, "displayEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        calls_layout = QVBoxLayout(calls)
        calls_layout.setContentsMargins(0, 0, 0, 0)
        calls_layout.addLayout(heads)
        for row in self.rows:
            calls_layout.addWidget(row, 1)
        calls_layout.addWidget(self.empty, 1)
        calls_layout.addStretch(0)

        side = QFrame(root)
        side.setObjectName("sidePanel")
        self.recent_title = _label("heading", side)
        self.recent = [_label("recent", side, "recentCall") for _ in range(RECENT_SLOTS)]
        self.waiting = _label("waiting", side, "waitingCount")
        self.waits_title = _label("heading", side)
        self.wait_names = [_label("service", side, "waitService") for _ in range(WAIT_SLOTS)]
        self.wait_times = [_label("wait", side, "waitTime") for _ in range(WAIT_SLOTS)]
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.recent_title)
        for label in self.recent:
            side_layout.addWidget(label)
        side_layout.addStretch(1)
        side_layout.addWidget(self.waiting)
        side_layout.addWidget(self.waits_title)
        # The service on one line, its wait under it at the right: long names and long waits
        # ("Aproximadamente 1 h 20 min") each get the panel's whole width.
        waits = QVBoxLayout()
        waits.setSpacing(0)
        for name, wait in zip(self.wait_names, self.wait_times, strict=True):
            wait.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            waits.addWidget(name)
            waits.addWidget(wait)
        side_layout.addLayout(waits)

        body = QHBoxLayout()
        body.addWidget(calls, 63)
        body.addWidget(side, 37)
        self.layout_root = QVBoxLayout(root)
        self.layout_root.addLayout(top)
        self.layout_root.addLayout(body, 1)
        self._scale(DESIGN_SIZE[0], DESIGN_SIZE[1])

        self.poll_timer = QTimer(self, interval=poll_interval_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.clock_timer = QTimer(self, interval=1000)
        self.clock_timer.timeout.connect(self._tick)
        self.relay = _FeedRelay(self)
        self.relay.changed.connect(self.refresh)
        self._render()

    # -- life cycle -----------------------------------------------------------------------------
    def attach(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        if self.feed is not None and not self._listening:
            self._listening = True
            self.feed.start(self.relay.changed.emit)
        self.poll_timer.start()
        self.clock_timer.start()
        self.refresh()

    def listen(self, feed: ChangeFeed) -> None:
        """Hear of changes from ``feed`` (known once the database is open) instead of polling often."""
        if self.feed is None:
            self.feed = feed
            self._listening = True
            feed.start(self.relay.changed.emit)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.stop()
        super().closeEvent(event)

    def stop(self) -> None:
        self.poll_timer.stop()
        self.clock_timer.stop()
        if self.feed is not None:
            self.feed.stop()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._scale(event.size().width(), event.size().height())

    def _scale(self, width: int, height: int) -> None:
        unit = min(width / DESIGN_SIZE[0], height / DESIGN_SIZE[1])
        margin = max(8, round(28 * unit))
        self.layout_root.setContentsMargins(margin, margin, margin, margin)
        self.layout_root.setSpacing(margin)
        self.centralWidget().setStyleSheet(_style(unit))
        for label in self.centralWidget().findChildren(FitLabel):
            label.scale(unit)

    # -- data -----------------------------------------------------------------------------------
    def poll(self) -> None:
        """Reload when the change counter moved; with a connected feed only now and then."""
        if self.ctx is None or self._polling or self._loading:
            return
        now = time.monotonic()
        if self.feed is not None and self.feed.connected and now - self._last_poll < FEED_POLL_MS / 1000:
            return
        self._last_poll = now
        self._polling = True
        ctx = self.ctx

        def seen(version: int) -> None:
            self._polling = False
            if version != self.version:
                self.refresh()

        def failed(exc: Exception) -> None:
            self._polling = False
            log.warning("Display poll failed: %s", type(exc).__name__)

        self.runner.submit(lambda: queue.change_marker(ctx), seen, failed)

    def refresh(self) -> None:
        if self.ctx is None:
            return
        if self._loading:
            self._again = True  # news during a load: load once more after it, never in parallel
            return
        self._loading = True
        ctx = self.ctx
        self.runner.submit(lambda: display.current_calls(ctx), self._apply, self._failed)
        self._refresh_overview()

    def _refresh_overview(self) -> None:
        """The line and the waits, on their own worker and no more often than OVERVIEW_MS: working them
        out takes longer than the calls, which must never wait for them."""
        if self._overview_loading or self.ctx is None:
            return
        now_ms = time.monotonic() * 1000
        due = self._overview_at + OVERVIEW_MS - now_ms
        if due > 0:
            self._overview_loading = True
            QTimer.singleShot(int(due) + 1, self, self._load_overview)
            return
        self._overview_loading = True
        self._load_overview()

    def _load_overview(self) -> None:
        self._overview_at = time.monotonic() * 1000
        ctx = self.ctx

        def done(result: Overview) -> None:
            self._overview_loading = False
            self.overview = result
            self._render()

        def failed(exc: Exception) -> None:
            self._overview_loading = False
            log.warning("Display overview failed: %s", type(exc).__name__)

        self.runner.submit(lambda: display.overview(ctx), done, failed)

    def _failed(self, exc: Exception) -> None:
        self._loading = False
        log.warning("Display refresh failed: %s", type(exc).__name__)
        self._after_load()

    def _apply(self, state: Calls) -> None:
        self._loading = False
        fresh_calls = display.new_calls(self.state, state)
        self.state = state
        self.version = state.version
        until = time.monotonic() + FRESH_MS / 1000
        for call in fresh_calls:
            self._fresh[call.key] = until
        self._render()
        for call in fresh_calls:
            self.announced.append(call)
            if self.announcer is not None:
                self.announcer.announce(display.announcement(call))
        self.updated.emit(state, fresh_calls)
        self._after_load()

    def _after_load(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _tick(self) -> None:
        now = time.monotonic()
        expired = [key for key, until in self._fresh.items() if until <= now]
        for key in expired:
            del self._fresh[key]
        if expired:
            self._render()
        else:
            self._render_clock()

    # -- presentation ---------------------------------------------------------------------------
    def place(self, counter: str) -> str:
        """Where to go, as the screen says it ("Counter 3", or a room's own name)."""
        return _("Counter {counter}", counter=counter) if counter.isdigit() else counter

    def _render_clock(self) -> None:
        if self.ctx is not None:
            with use_language(self.language):
                self.clock.setText(format_time(self.ctx.now(), self.ctx.timezone))

    def _render(self) -> None:
        with use_language(self.language):
            self._render_texts()
        self._render_clock()

    def _render_texts(self) -> None:
        state = self.state
        if self.windowTitle() != _("Now serving"):
            self.setWindowTitle(_("Now serving"))
        self.building.setText(self.building_name)
        self.title.setText(_("Now serving"))
        self.ticket_column.setText(_("Ticket"))
        self.place_column.setText(_("Please go to"))
        self.recent_title.setText(_("Recent calls"))
        self.waits_title.setText(_("Estimated wait"))
        calling = state.calling[:CALL_SLOTS] if state else []
        for row, call in zip(self.rows, [*calling, *[None] * CALL_SLOTS], strict=False):
            row.show_call(
                call, self.place(call.counter) if call else "", call is not None and call.key in self._fresh
            )
            _show(row, call is not None)
        _show(self.empty, not calling)
        self.empty.setText(_("Please watch this screen for your number."))
        shown = {call.key for call in calling}
        recent = [call for call in (state.recent if state else []) if call.key not in shown][:RECENT_SLOTS]
        for label, call in zip(self.recent, [*recent, *[None] * RECENT_SLOTS], strict=False):
            label.setText(f"{call.number}   {self.place(call.counter)}" if call else "")
        line = self.overview
        self.waiting.setText(
            ngettext("{n} person waiting", "{n} people waiting", line.waiting) if line else ""
        )
        waits = line.waits[:WAIT_SLOTS] if line else []
        _show(self.waits_title, bool(waits))
        for name, wait, entry in zip(
            self.wait_names, self.wait_times, [*waits, *[None] * WAIT_SLOTS], strict=False
        ):
            name.setText(entry.service.name(self.language) if entry else "")
            wait.setText(format_wait(entry.estimated_wait) if entry else "")
            _show(name, entry is not None)
            _show(wait, entry is not None)

    # -- what tests read -------------------------------------------------------------------------
    def shown_numbers(self) -> list[str]:
        return [row.number.text() for row in self.rows if row.isVisible() and row.call is not None]
