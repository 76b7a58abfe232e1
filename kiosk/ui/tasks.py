"""Run service calls off the UI thread and hand results back on it.

The UI thread never waits on the database (a shared PostgreSQL can be slow or away): every service
call goes through a TaskRunner, and its callback runs on the UI thread when the call returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from kiosk.domain.errors import DomainError
from kiosk.i18n import _

log = logging.getLogger(__name__)


class _Relay(QObject):
    finished = Signal(object, object)  # result, exception


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - every failure is reported back to the UI thread
            self.relay.finished.emit(None, exc)
        else:
            self.relay.finished.emit(result, None)


class TaskRunner(QObject):
    """Submits callables to a thread pool; callbacks run on the thread that owns the runner."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the pool's work is done (shutting down, tests); never call it in normal UI flow."""
        return self.pool.waitForDone(msecs)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        relay = _Relay()
        relay.moveToThread(self.thread())
        self._relays.add(relay)

        def deliver(result: Any, exc: Exception | None) -> None:
            if not shiboken6.isValid(self):
                return  # the window that asked was closed while the work ran: nobody to tell
            self._relays.discard(relay)
            relay.deleteLater()
            if exc is not None:
                if not isinstance(exc, DomainError):
                    log.error("Background task failed", exc_info=(type(exc), exc, exc.__traceback__))
                if on_error is not None:
                    on_error(exc)
            elif on_done is not None:
                on_done(result)

        relay.finished.connect(deliver)
        self.pool.start(_Job(fn, relay))


def user_message(exc: Exception) -> str:
    """What a person is told about a failure: the rule's own words, or a calm general message."""
    if isinstance(exc, DomainError):
        return _(exc.message, **exc.params)
    return _("Something went wrong on our side. Please try again, or ask at the front desk.")


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, fn: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self._fn: Callable[[], None] | None = fn
        widget.installEventFilter(self)
        # A window that is never exposed (a monitor that is off at boot) must still connect.
        QTimer.singleShot(fallback_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and self._fn is not None:
            watched.removeEventFilter(self)
            # Queued, so the frame being painted reaches the screen before the work starts.
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        fn, self._fn = self._fn, None
        if fn is not None:
            fn()


def after_first_paint(widget: QWidget, fn: Callable[[], None], fallback_ms: int = 2000) -> None:
    """Run fn on the UI thread once the widget has painted its first frame (or after fallback_ms).

    Start-up work the first screen does not need (the database, the log file) waits for this: a worker
    thread importing SQLAlchemy still competes with the UI thread for the GIL, and the visitor should
    see the welcome screen first.
    """
    _FirstPaint(widget, fn, fallback_ms)
