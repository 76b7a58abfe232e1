"""Reception's view of the discussion rooms: each room now and next, today's bookings, and the actions.

Reception books (any length up to two hours), moves, cancels, checks in and releases. The panel follows
changes made at other stations through the rooms change marker, and runs the release of no-shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from kiosk.domain.rooms import BookingStatus, is_overdue
from kiosk.domain.text import N_
from kiosk.domain.tickets import FIRST_NAME_MAX
from kiosk.i18n import _, use_language
from kiosk.i18n.formatting import format_time
from kiosk.services import rooms
from kiosk.services.context import ServiceContext
from kiosk.services.rooms import RoomDay
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.widgets.buttons import button, set_text

log = logging.getLogger(__name__)

STATUS_LABELS = {
    BookingStatus.BOOKED: N_("Booked"),
    BookingStatus.CHECKED_IN: N_("Checked in"),
    BookingStatus.RELEASED: N_("Released"),
    BookingStatus.CANCELLED: N_("Cancelled"),
}
RELEASE_JOB_MS = 30_000
CLOCK_MS = 60_000  # "now" and "next" move with the clock even when nobody books


class RoomsPanel(QWidget):
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
        self.setObjectName("roomsPanel")
        self.language = language
        self.runner = runner or TaskRunner(self)
        self.on_message = on_message or (lambda _text, _ok: None)
        self.ctx: ServiceContext | None = None
        self.days: list[RoomDay] = []
        self.version = -1
        self._busy = False

        self.state_title = QLabel(self)
        self.state_title.setProperty("role", "heading")
        self.state_table = QTableWidget(0, 3, self)
        self.state_table.setObjectName("roomStateTable")
        self.bookings_title = QLabel(self)
        self.bookings_title.setProperty("role", "heading")
        self.bookings_table = QTableWidget(0, 5, self)
        self.bookings_table.setObjectName("roomBookingsTable")
        for table in (self.state_table, self.bookings_table):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        self.bookings_table.itemSelectionChanged.connect(self._update_buttons)

        self.check_in_button = button("primary", "roomCheckInButton", self)
        self.cancel_button = button("", "roomCancelButton", self)
        self.release_button = button("", "roomReleaseButton", self)
        actions = QHBoxLayout()
        for widget in (self.check_in_button, self.cancel_button, self.release_button):
            actions.addWidget(widget)
        actions.addStretch(1)

        self.form = QGroupBox(self)
        self.room_label, self.time_label, self.length_label = (
            QLabel(self.form),
            QLabel(self.form),
            QLabel(self.form),
        )
        self.room_box = QComboBox(self.form)
        self.room_box.setObjectName("bookRoomBox")
        self.room_box.currentIndexChanged.connect(lambda _i: self._fill_times())
        self.time_box = QComboBox(self.form)
        self.time_box.setObjectName("bookTimeBox")
        self.length_box = QComboBox(self.form)
        self.length_box.setObjectName("bookLengthBox")
        self.name_field = QLineEdit(self.form)
        self.name_field.setObjectName("bookNameField")
        self.name_field.setMaxLength(FIRST_NAME_MAX)
        self.book_button = button("primary", "bookRoomButton", self.form)
        self.move_button = button("", "moveBookingButton", self.form)
        grid = QGridLayout(self.form)
        grid.addWidget(self.room_label, 0, 0)
        grid.addWidget(self.room_box, 0, 1)
        grid.addWidget(self.time_label, 0, 2)
        grid.addWidget(self.time_box, 0, 3)
        grid.addWidget(self.length_label, 0, 4)
        grid.addWidget(self.length_box, 0, 5)
        grid.addWidget(self.name_field, 1, 0, 1, 4)
        grid.addWidget(self.book_button, 1, 4)
        grid.addWidget(self.move_button, 1, 5)

        layout = QVBoxLayout(self)
        layout.addWidget(self.state_title)
        layout.addWidget(self.state_table, 1)
        layout.addWidget(self.bookings_title)
        layout.addWidget(self.bookings_table, 2)
        layout.addLayout(actions)
        layout.addWidget(self.form)

        self.check_in_button.clicked.connect(lambda: self._on_selected(self._check_in))
        self.cancel_button.clicked.connect(lambda: self._on_selected(lambda b: rooms.cancel(self.ctx, b.id)))
        self.release_button.clicked.connect(
            lambda: self._on_selected(lambda b: rooms.release(self.ctx, b.id))
        )
        self.book_button.clicked.connect(self.book)
        self.move_button.clicked.connect(self.move)

        self.poll_timer = QTimer(self, interval=poll_interval_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.release_timer = QTimer(self, interval=RELEASE_JOB_MS)
        self.release_timer.timeout.connect(self.release_overdue)
        self.clock_timer = QTimer(self, interval=CLOCK_MS)
        self.clock_timer.timeout.connect(self.refresh)
        self.retranslate()
        self._update_buttons()

    # -- data ---------------------------------------------------------------------------------
    def attach(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        for timer in (self.poll_timer, self.release_timer, self.clock_timer):
            timer.start()
        self.release_overdue()
        self.refresh()

    def stop(self) -> None:
        for timer in (self.poll_timer, self.release_timer, self.clock_timer):
            timer.stop()

    def poll(self) -> None:
        if self.ctx is None or self._busy:
            return
        ctx = self.ctx

        def seen(version: int) -> None:
            if version != self.version:
                self.refresh()

        self.runner.submit(lambda: rooms.change_marker(ctx), seen, lambda _exc: None)

    def refresh(self) -> None:
        if self.ctx is None:
            return
        ctx = self.ctx

        def load():
            return rooms.change_marker(ctx), rooms.today(ctx)

        def loaded(result) -> None:
            self.version, self.days = result
            self._render()

        self.runner.submit(
            load, loaded, lambda exc: log.warning("Rooms refresh failed: %s", type(exc).__name__)
        )

    def release_overdue(self) -> None:
        if self.ctx is not None:
            ctx = self.ctx
            self.runner.submit(lambda: rooms.release_overdue(ctx), lambda _n: None, lambda _exc: None)

    # -- actions ------------------------------------------------------------------------------
    def selected_booking(self):
        rows = (
            self.bookings_table.selectionModel().selectedRows()
            if self.bookings_table.selectionModel()
            else []
        )
        if not rows:
            return None
        booking_id = self.bookings_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((b for d in self.days for b in d.bookings if b.id == booking_id), None)

    def _check_in(self, booking):
        return rooms.check_in(self.ctx, booking.code, lambda at: format_time(at, self.ctx.timezone))

    def _on_selected(self, action) -> None:
        booking = self.selected_booking()
        if booking is not None:
            self._run(lambda: action(booking), lambda b: self._done_text(b))

    def chosen_start(self) -> datetime | None:
        value = self.time_box.currentData()
        return datetime.fromisoformat(value) if value else None

    def book(self) -> None:
        room_code, start, slots = (
            self.room_box.currentData(),
            self.chosen_start(),
            self.length_box.currentData(),
        )
        if self.ctx is None or room_code is None or start is None:
            return
        ctx, name = self.ctx, self.name_field.text()

        def booked(booking) -> str:
            self.name_field.clear()
            return self._done_text(booking)

        self._run(lambda: rooms.book(ctx, room_code, start, slots or 1, name, source="reception"), booked)

    def move(self) -> None:
        booking = self.selected_booking()
        room_code, start = self.room_box.currentData(), self.chosen_start()
        if booking is None or room_code is None or start is None:
            return
        ctx = self.ctx
        self._run(lambda: rooms.move(ctx, booking.id, room_code, start), self._done_text)

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
    def set_language(self, language: str) -> None:
        self.language = language
        self.retranslate()
        self._render()

    def _room_name(self, code: str) -> str:
        return next((d.room.name for d in self.days if d.room.code == code), code)

    def _when(self, booking) -> str:
        zone = self.ctx.timezone
        return _(
            "{start} to {end}",
            start=format_time(booking.starts_at, zone),
            end=format_time(booking.ends_at, zone),
        )

    def _done_text(self, booking) -> str:
        with use_language(self.language):
            return _(
                "Room booking {code}: {room}, {time}, {status}.",
                code=booking.code,
                room=self._room_name(booking.room_code),
                time=self._when(booking),
                status=_(STATUS_LABELS[booking.status]),
            )

    def retranslate(self) -> None:
        with use_language(self.language):
            self.state_title.setText(_("Discussion rooms"))
            self.state_table.setHorizontalHeaderLabels([_("Room"), _("Now"), _("Next")])
            self.bookings_title.setText(_("Today's room bookings"))
            self.bookings_table.setHorizontalHeaderLabels(
                [_("Time"), _("Room"), _("Code"), _("Name"), _("Status")]
            )
            set_text(self.check_in_button, _("Check in"))
            set_text(self.cancel_button, _("Cancel booking"))
            set_text(self.release_button, _("Release room"), _("The room is free again from now"))
            self.form.setTitle(_("Book a room"))
            self.room_label.setText(_("Room:"))
            self.room_box.setAccessibleName(_("Room:"))
            self.time_label.setText(_("From:"))
            self.time_box.setAccessibleName(_("From:"))
            self.length_label.setText(_("For:"))
            self.length_box.setAccessibleName(_("For:"))
            self.name_field.setPlaceholderText(_("First name (optional)"))
            self.name_field.setAccessibleName(_("First name (optional)"))
            set_text(self.book_button, _("Book"))
            set_text(
                self.move_button,
                _("Move selected here"),
                _("Move the selected booking to this room and time"),
            )

    def _render(self) -> None:
        if self.ctx is None:
            return
        with use_language(self.language):
            self._render_state()
            self._render_bookings()
            self._render_form()
        self._update_buttons()

    def _render_state(self) -> None:
        self.state_table.setRowCount(len(self.days))
        for row, day in enumerate(self.days):
            if day.now is None:
                now = _("Free")
            elif day.now.status == BookingStatus.CHECKED_IN:
                now = _("In use until {time}", time=format_time(day.now.ends_at, self.ctx.timezone))
            else:
                now = _("Booked, waiting for {code}", code=day.now.code)
            following = (
                _("{time}: {code}", time=self._when(day.next), code=day.next.code)
                if day.next
                else _("Nothing booked")
            )
            for column, value in enumerate((day.room.name, now, following)):
                self.state_table.setItem(row, column, QTableWidgetItem(value))

    def _render_bookings(self) -> None:
        chosen = self.selected_booking()
        bookings = sorted(
            (b for d in self.days for b in d.bookings), key=lambda b: (b.starts_at, b.room_code)
        )
        self.bookings_table.setRowCount(len(bookings))
        now = self.ctx.now()
        for row, booking in enumerate(bookings):
            status = _(STATUS_LABELS[booking.status])
            if is_overdue(booking, now, self.ctx.room_hours):
                status = _("Not checked in: released")
            values = (
                self._when(booking),
                self._room_name(booking.room_code),
                booking.code,
                booking.name or "",
                status,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, booking.id)
                self.bookings_table.setItem(row, column, item)
            if chosen is not None and booking.id == chosen.id:
                self.bookings_table.selectRow(row)

    def _render_form(self) -> None:
        chosen = self.room_box.currentData()
        self.room_box.blockSignals(True)
        self.room_box.clear()
        for day in self.days:
            self.room_box.addItem(day.room.name, day.room.code)
        index = self.room_box.findData(chosen)
        self.room_box.setCurrentIndex(index if index >= 0 else 0)
        self.room_box.blockSignals(False)
        self._fill_times()
        slot = self.ctx.room_hours.slot
        chosen_length = self.length_box.currentData()
        self.length_box.clear()
        for slots in range(1, rooms.MAX_SLOTS + 1):
            self.length_box.addItem(
                _("{minutes} min", minutes=int((slot * slots) / timedelta(minutes=1))), slots
            )
        index = self.length_box.findData(chosen_length)
        self.length_box.setCurrentIndex(index if index >= 0 else 0)

    def _fill_times(self) -> None:
        code = self.room_box.currentData()
        day = next((d for d in self.days if d.room.code == code), None)
        chosen = self.time_box.currentData()
        self.time_box.clear()
        for slot in day.free if day else []:
            # Data as text: a combo box finds and compares strings, not Python datetimes.
            self.time_box.addItem(format_time(slot.starts_at, self.ctx.timezone), slot.starts_at.isoformat())
        index = self.time_box.findData(chosen)
        self.time_box.setCurrentIndex(index if index >= 0 else 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.ctx is not None and not self._busy
        booking = self.selected_booking()
        status = booking.status if booking else None
        self.check_in_button.setEnabled(ready and status == BookingStatus.BOOKED)
        self.cancel_button.setEnabled(ready and status == BookingStatus.BOOKED)
        self.release_button.setEnabled(ready and status in (BookingStatus.BOOKED, BookingStatus.CHECKED_IN))
        has_time = self.time_box.count() > 0
        self.book_button.setEnabled(ready and has_time)
        self.move_button.setEnabled(ready and has_time and status == BookingStatus.BOOKED)
