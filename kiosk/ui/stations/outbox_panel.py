"""Reception's view of the service requests outbox and of the central 311 service.

Staff see what waits to be sent, what was sent (with its 311 id) and what the server refused and needs a
person (with the server's reason); they fix the address or description and send again, or cancel. The
status line says when the central service last answered, and when a refused api key paused delivery it
offers to resume. The panel follows the requests change marker like the rooms panel follows the rooms'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.requests import STATE_LABELS, RequestState, ServiceRequest, SyncStatus
from kiosk.i18n import _, use_language
from kiosk.i18n.formatting import babel_locale, format_time
from kiosk.services import requests, sync
from kiosk.services.context import ServiceContext
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.widgets.buttons import button, set_text

log = logging.getLogger(__name__)

STATUS_MS = 30_000  # sync rounds that change no request do not move the marker: "last contact" stays fresh
SYNC_QUIET = timedelta(minutes=5)  # no delivery round for this long: no worker is running anywhere
OPEN = (RequestState.NEEDS_PERSON, RequestState.QUEUED)
ADDRESS_MAX = 255


class Central(StrEnum):
    """How the central 311 service looks from here, from what the sync worker records."""

    ONLINE = "online"  # the last round went without error and the server has answered before
    OFFLINE = "offline"  # the last round failed to reach it (or it answered with a server error)
    PAUSED = "paused"  # a 403: the api key needs an admin
    QUIET = "quiet"  # no delivery round lately: the sync worker is not running (or not configured)
    NEVER = "never"  # never answered: not configured yet, or never reachable


def central_state(status: SyncStatus, now: datetime) -> tuple[Central, datetime | None]:
    """The state and the moment it refers to (the last successful contact, or the last round).

    Only what was recorded is claimed: the worker writes ``last_error`` and ``last_attempt_at`` after every
    round and ``last_success_at`` whenever the server answered. A round with nothing to send does not talk
    to the server, so "online" means "the last round found nothing wrong", and a long silence of rounds is
    shown as such rather than as online.
    """
    if status.paused(now):
        return Central.PAUSED, status.last_success_at
    if status.last_error:
        return Central.OFFLINE, status.last_success_at
    if status.last_success_at is None:
        return Central.NEVER, None
    if status.last_attempt_at is None or now - status.last_attempt_at > SYNC_QUIET:
        return Central.QUIET, max(filter(None, (status.last_attempt_at, status.last_success_at)))
    return Central.ONLINE, status.last_success_at


@dataclass(frozen=True)
class OutboxView:
    marker: int
    rows: list[ServiceRequest]
    status: SyncStatus
    counts: dict[RequestState, int]
    now: datetime


class OutboxPanel(QWidget):
    # The central service's state in the panel's language, and a role ("ok", "error" or ""), for the
    # console's online/offline line.
    central_changed = Signal(str, str)

    def __init__(
        self,
        *,
        language: str = "en",
        poll_interval_ms: int = 250,
        runner: TaskRunner | None = None,
        on_message: Callable[[str, bool], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("outboxPanel")
        self.language = language
        self.runner = runner or TaskRunner(self)
        self.on_message = on_message or (lambda _text, _ok: None)
        self.ctx: ServiceContext | None = None
        self.view: OutboxView | None = None
        self.version = -1
        self._busy = False
        self._loading = False
        self._filled_for: int | None = None  # the request whose fields the fix form holds
        self._filled: tuple[str, str] = ("", "")

        self.status_line = QLabel(self)
        self.status_line.setObjectName("centralStatusLine")
        self.status_line.setWordWrap(True)
        self.status_line.setTextFormat(Qt.TextFormat.PlainText)
        self.resume_button = button("primary", "resumeDeliveryButton", self)
        self.resume_button.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_line, 1)
        status_row.addWidget(self.resume_button, 0, Qt.AlignmentFlag.AlignTop)
        self.problem_line = QLabel(self)
        self.problem_line.setObjectName("centralProblemLine")
        self.problem_line.setWordWrap(True)
        self.problem_line.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_line.setProperty("role", "error")
        self.problem_line.hide()
        self.counts_line = QLabel(self)
        self.counts_line.setObjectName("outboxCounts")
        self.counts_line.setProperty("role", "heading")

        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("outboxTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # the server's reason: long, elided, whole in its tooltip
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.resend_button = button("primary", "resendRequestButton", self)
        self.cancel_button = button("", "cancelRequestButton", self)
        actions = QHBoxLayout()
        actions.addWidget(self.resend_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)

        self.form = QGroupBox(self)
        self.form.setObjectName("fixRequestForm")
        self.reason_label = QLabel(self.form)
        self.reason_label.setObjectName("fixReason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)
        self.address_label = QLabel(self.form)
        self.address_field = QLineEdit(self.form)
        self.address_field.setObjectName("fixAddressField")
        self.address_field.setMaxLength(ADDRESS_MAX)
        self.address_label.setBuddy(self.address_field)
        self.description_label = QLabel(self.form)
        self.description_field = QLineEdit(self.form)
        self.description_field.setObjectName("fixDescriptionField")
        self.description_field.setMaxLength(requests.DESCRIPTION_LIMIT)
        self.description_label.setBuddy(self.description_field)
        self.save_button = button("primary", "saveAndResendButton", self.form)
        for field in (self.address_field, self.description_field):
            field.textChanged.connect(lambda _text: self._update_buttons())
        grid = QGridLayout(self.form)
        grid.addWidget(self.reason_label, 0, 0, 1, 3)
        grid.addWidget(self.address_label, 1, 0)
        grid.addWidget(self.address_field, 1, 1, 1, 2)
        grid.addWidget(self.description_label, 2, 0)
        grid.addWidget(self.description_field, 2, 1, 1, 2)
        grid.addWidget(self.save_button, 3, 2)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(status_row)
        layout.addWidget(self.problem_line)
        layout.addWidget(self.counts_line)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.form)

        self.resend_button.clicked.connect(self.resend)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.save_and_resend)
        self.resume_button.clicked.connect(self.resume)

        self.poll_timer = QTimer(self, interval=poll_interval_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.status_timer = QTimer(self, interval=STATUS_MS)
        self.status_timer.timeout.connect(self.refresh)
        self.retranslate()
        self._update_buttons()

    # -- data ---------------------------------------------------------------------------------
    def attach(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.poll_timer.start()
        self.status_timer.start()
        self.refresh()

    def stop(self) -> None:
        self.poll_timer.stop()
        self.status_timer.stop()

    def poll(self) -> None:
        if self.ctx is None or self._busy or self._loading:
            return
        ctx = self.ctx

        def seen(version: int) -> None:
            if version != self.version:
                self.refresh()

        self.runner.submit(lambda: requests.change_marker(ctx), seen, lambda _exc: None)

    def refresh(self) -> None:
        if self.ctx is None:
            return
        ctx = self.ctx
        self._loading = True

        def load() -> OutboxView:
            marker = requests.change_marker(ctx)
            rows = requests.outbox(ctx)
            status, counts = sync.status(ctx)
            return OutboxView(marker, rows, status, counts, ctx.now())

        def loaded(view: OutboxView) -> None:
            self._loading = False
            self.view, self.version = view, view.marker
            self._render()

        def failed(exc: Exception) -> None:
            self._loading = False
            log.warning("Outbox refresh failed: %s", type(exc).__name__)

        self.runner.submit(load, loaded, failed)

    # -- actions ------------------------------------------------------------------------------
    def selected_request(self) -> ServiceRequest | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        if not rows or self.view is None:
            return None
        request_id = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.view.rows if r.id == request_id), None)

    def resend(self) -> None:
        request = self.selected_request()
        if request is None:
            return
        ctx = self.ctx
        self._run(lambda: requests.resend(ctx, request.id), self._resent_text)

    def save_and_resend(self) -> None:
        """Send again with what staff fixed; a field left as it was is not rewritten (nor flattened)."""
        request = self.selected_request()
        if request is None or request.id != self._filled_for:
            return
        address, description = self.address_field.text().strip(), self.description_field.text().strip()
        changes = {}
        if address and address != self._filled[0].strip():
            changes["address"] = address
        if description != self._filled[1].strip():
            changes["description"] = description
        ctx = self.ctx
        self._run(lambda: requests.resend(ctx, request.id, **changes), self._resent_text)

    def cancel(self) -> None:
        request = self.selected_request()
        if request is None:
            return
        ctx = self.ctx
        self._run(
            lambda: requests.cancel(ctx, request.id),
            lambda r: self._text(lambda: _("Request {reference} cancelled.", reference=r.reference)),
        )

    def resume(self) -> None:
        ctx = self.ctx
        self._run(
            lambda: sync.resume(ctx),
            lambda _r: self._text(lambda: _("Delivery to the central 311 service resumed.")),
        )

    def _run(self, work: Callable[[], object], message: Callable[[object], str]) -> None:
        if self.ctx is None or self._busy:
            return
        self._busy = True
        self._update_buttons()

        def done(result) -> None:
            self._busy = False
            self._update_buttons()  # at once: the refresh that follows takes a moment
            self.on_message(message(result), True)
            self.refresh()

        def failed(exc: Exception) -> None:
            self._busy = False
            self._update_buttons()
            with use_language(self.language):
                self.on_message(user_message(exc), False)
            self.refresh()

        self.runner.submit(work, done, failed)

    # -- presentation -------------------------------------------------------------------------
    def _text(self, make: Callable[[], str]) -> str:
        with use_language(self.language):
            return make()

    def _resent_text(self, request: ServiceRequest) -> str:
        return self._text(lambda: _("Request {reference} will be sent again.", reference=request.reference))

    def set_language(self, language: str) -> None:
        self.language = language
        self.retranslate()
        self._render()

    def _when(self, moment: datetime) -> str:
        """A time today, or a short date and time for another day, in the building's time zone."""
        from babel.dates import format_datetime

        zone = self.ctx.timezone
        now = self.view.now if self.view else self.ctx.now()
        if moment.astimezone(zone).date() == now.astimezone(zone).date():
            return format_time(moment, zone)
        return format_datetime(moment.astimezone(zone), format="short", locale=babel_locale())

    def retranslate(self) -> None:
        with use_language(self.language):
            self.table.setAccessibleName(_("Service requests filed at the kiosk"))
            self.table.setHorizontalHeaderLabels(
                [
                    _("Reference"),
                    _("Service"),
                    _("Filed at"),
                    _("State"),
                    _("311 id"),
                    _("Attempts"),
                    _("311’s reason"),
                ]
            )
            set_text(
                self.resend_button,
                _("Send again"),
                _("Queue the selected request to be sent to 311 again now"),
            )
            set_text(self.cancel_button, _("Cancel request"), _("The request is not sent to 311"))
            set_text(
                self.resume_button,
                _("Resume delivery"),
                _("Send requests to 311 again: press once the api key has been fixed"),
            )
            self.form.setTitle(_("Fix and send again"))
            self.address_label.setText(_("Address:"))
            self.address_field.setAccessibleName(_("Address:"))
            self.description_label.setText(_("Description:"))
            self.description_field.setAccessibleName(_("Description:"))
            set_text(
                self.save_button,
                _("Save and send again"),
                _("Save the corrected address and description and send the request to 311 again"),
            )

    def _render(self) -> None:
        if self.ctx is None or self.view is None:
            return
        with use_language(self.language):
            self._render_status()
            self._render_table()
            self._render_form()
            text, role = self._central_text()
        self._update_buttons()
        self.central_changed.emit(text, role)

    def _render_status(self) -> None:
        status, now, counts = self.view.status, self.view.now, self.view.counts
        if status.last_success_at is None:
            line = _("Central 311 service: never reached")
        else:
            line = _(
                "Central 311 service: last successful contact {time}", time=self._when(status.last_success_at)
            )
        paused = status.paused(now)
        if paused:
            problem = _(
                "Delivery paused: the api key was refused — {reason}",
                reason=status.paused_reason or status.last_error,
            )
        elif status.last_error:
            problem = _(
                "Last delivery attempt at {time} failed: {reason}",
                time=self._when(status.last_attempt_at or now),
                reason=status.last_error,
            )
        else:
            problem = ""
        self.status_line.setText(line)
        self.problem_line.setText(problem)
        self.problem_line.setVisible(bool(problem))
        self.resume_button.setVisible(paused)
        zone = self.ctx.timezone
        today = now.astimezone(zone).date()
        sent_today = sum(
            1
            for r in self.view.rows
            if r.state == RequestState.SENT and r.sent_at and r.sent_at.astimezone(zone).date() == today
        )
        self.counts_line.setText(
            "   ·   ".join(
                (
                    _("Waiting: {count}", count=counts.get(RequestState.QUEUED, 0)),
                    _("Needs attention: {count}", count=counts.get(RequestState.NEEDS_PERSON, 0)),
                    _("Sent today: {count}", count=sent_today),
                )
            )
        )

    def _render_table(self) -> None:
        chosen = self.selected_request()
        rows = self.view.rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for row, request in enumerate(rows):
            if request.remote_id:
                remote = request.remote_id
            elif request.token:
                remote = _("token {token}", token=request.token)
            else:
                remote = ""
            state = _(STATE_LABELS[request.state])
            if request.state == RequestState.QUEUED and request.in_flight:
                state = _("{state} (being checked with 311)", state=state)
            values = (
                request.reference,
                request.service_name,
                self._when(request.created_at),
                state,
                remote,
                str(request.attempts),
                request.last_error if request.state == RequestState.NEEDS_PERSON else "",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, request.id)
                if value:
                    item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.table.clearSelection()
        if chosen is not None:
            for row, request in enumerate(rows):
                if request.id == chosen.id:
                    self.table.selectRow(row)
        self.table.blockSignals(False)

    def _selection_changed(self) -> None:
        with use_language(self.language):
            self._render_form()
        self._update_buttons()

    def _render_form(self) -> None:
        request = self.selected_request()
        if request is None:
            self._filled_for, self._filled = None, ("", "")
            for field in (self.address_field, self.description_field):
                field.clear()
            self.reason_label.setText(_("Select a request to fix or send it again."))
            return
        if request.id != self._filled_for:
            # Filled once per selection: a refresh while staff type must not undo their changes.
            self.address_field.setText(request.address)
            self.description_field.setText(request.description)
            self._filled_for = request.id
            self._filled = (self.address_field.text(), self.description_field.text())
        if request.state == RequestState.NEEDS_PERSON and request.last_error:
            reason = _(
                "311 refused request {reference}: {reason}",
                reference=request.reference,
                reason=request.last_error,
            )
        else:
            reason = _(
                "Request {reference}: {state}",
                reference=request.reference,
                state=_(STATE_LABELS[request.state]),
            )
        self.reason_label.setText(reason)

    def _central_text(self) -> tuple[str, str]:
        state, moment = central_state(self.view.status, self.view.now)
        if state == Central.ONLINE:
            return _("311: online"), "ok"
        if state == Central.PAUSED:
            return _("311: delivery paused"), "error"
        if state == Central.OFFLINE:
            if moment is None:
                return _("311: offline, never reached"), "error"
            return _("311: offline, last contact {time}", time=self._when(moment)), "error"
        if state == Central.QUIET:
            return _("311: no delivery round since {time}", time=self._when(moment)), "error"
        return _("311: not reached yet"), ""

    def _update_buttons(self) -> None:
        ready = self.ctx is not None and not self._busy
        request = self.selected_request()
        open_ = request is not None and request.state in OPEN
        self.resend_button.setEnabled(ready and open_)
        self.cancel_button.setEnabled(ready and open_ and not request.in_flight)
        # Not for one in flight: it may be at the city already, as it was, whatever is changed here.
        fixable = open_ and not request.in_flight
        for field in (self.address_field, self.description_field):
            field.setEnabled(fixable)
        self.save_button.setEnabled(
            ready
            and open_
            and not request.in_flight
            and request.id == self._filled_for
            and bool(self.address_field.text().strip())
        )
        self.resume_button.setEnabled(ready)
