"""Discussion rooms at the kiosk: take a free time today, or check in for a booking.

Times are shown in the building's time zone. A booking is one slot; staff can lengthen or move it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.rooms import FEATURES, Booking, BookingStatus
from kiosk.i18n import _, ngettext
from kiosk.i18n.formatting import format_time
from kiosk.services.rooms import RoomDay
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import button, set_text
from kiosk.ui.widgets.keyboard import OnScreenKeyboard

SLOTS_SHOWN = 6  # per room: the next free times; more would bury the other rooms


def slot_text(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    return f"{format_time(start, zone)} – {format_time(end, zone)}"


class RoomsScreen(Screen):
    name = "rooms"
    slot_chosen = Signal(str, object)  # room code, slot start (aware UTC)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[RoomDay] | None = None
        self.zone = ZoneInfo("UTC")
        self.error_text = ""
        self.columns = 3
        self.title = label("title", self, "roomsTitle")
        self.subtitle = label("subtitle", self)
        self.status = label("muted", self, "roomsStatus")
        self.error = label("error", self, "roomsError")
        self.holder = QWidget(self.body)
        self.cards = QVBoxLayout(self.holder)
        self.cards.setContentsMargins(0, 0, 0, 0)
        self.cards.setSpacing(18)
        self.slot_buttons: list = []
        for widget in (self.title, self.subtitle, self.error, self.status, self.holder):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)

    def set_days(self, days: list[RoomDay] | None, zone: ZoneInfo) -> None:
        """None: still loading."""
        self.days, self.zone = days, zone
        self._build()
        self.retranslate()

    def show_error(self, message: str) -> None:
        self.error_text = message
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _build(self) -> None:
        while self.cards.count():
            item = self.cards.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.slot_buttons = []
        for day in self.days or []:
            card = QFrame(self.holder)
            card.setProperty("role", "card")
            inner = QVBoxLayout(card)
            inner.setContentsMargins(24, 16, 24, 16)
            card.room_name = label("ticketService", card)
            card.details = label("", card)
            card.none_free = label("muted", card)
            inner.addWidget(card.room_name)
            inner.addWidget(card.details)
            inner.addWidget(card.none_free)
            grid = QGridLayout()
            grid.setSpacing(12)
            for index, slot in enumerate(day.free[:SLOTS_SHOWN]):
                choice = button("", f"slot_{day.room.code}_{index}", card)
                choice.slot = (day.room, slot)
                choice.clicked.connect(
                    lambda _c=False, code=day.room.code, start=slot.starts_at: self.slot_chosen.emit(
                        code, start
                    )
                )
                grid.addWidget(choice, index // self.columns, index % self.columns)
                self.slot_buttons.append(choice)
            inner.addLayout(grid)
            card.day = day
            self.cards.addWidget(card)

    def apply_large_print(self, large: bool) -> None:
        columns = 2 if large else 3
        if columns != self.columns:
            self.columns = columns
            self._build()
            self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Book a discussion room"))
        self.subtitle.setText(
            _("A private room to talk with staff. Choose a free time today; staff will meet you there.")
        )
        if self.days is None:
            self.status.setText(_("One moment, please…"))
        elif not self.days:
            self.status.setText(_("No rooms can be booked here right now. Please ask at the front desk."))
        else:
            self.status.setText("")
        self.status.setVisible(self.days is None or not self.days)
        self.error.setVisible(bool(self.error_text))
        for index in range(self.cards.count()):
            card = self.cards.itemAt(index).widget()
            room = card.day.room
            card.room_name.setText(room.name)
            details = [ngettext("Up to {n} person", "Up to {n} people", room.capacity)]
            details += [_(FEATURES[f]) for f in room.features if f in FEATURES]
            card.details.setText(" · ".join(details))
            card.none_free.setText(_("No free times left today."))
            card.none_free.setVisible(not card.day.free)
        for choice in self.slot_buttons:
            room, slot = choice.slot
            text = slot_text(slot.starts_at, slot.ends_at, self.zone)
            set_text(choice, text, _("Book {room} at {time}", room=room.name, time=text))
            choice.setAccessibleName(_("{room}, {time}", room=room.name, time=text))

    def reset(self) -> None:
        self.show_error("")
        self.set_days(None, self.zone)

    def first_focus(self) -> QWidget | None:
        return self.slot_buttons[0] if self.slot_buttons else None


class RoomCheckInScreen(Screen):
    """A visitor with a booking types its code, or scans the receipt's QR code anywhere on the kiosk."""

    name = "room-check-in"
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("title", self, "roomCheckInTitle")
        self.subtitle = label("subtitle", self)
        self.field = QLineEdit(self)
        self.field.setObjectName("bookingCodeField")
        self.field.setMaxLength(40)  # a scanned QR payload, not only the four letters
        self.error = label("error", self, "roomCheckInError")
        self.submit_button = button("primary", "roomCheckInButton", self)
        self.submit_button.clicked.connect(self._submit)
        self.field.returnPressed.connect(self._submit)
        self.keyboard = OnScreenKeyboard(self.field, self.body)
        self.keyboard.layout_for_codes()
        row = QHBoxLayout()
        row.addWidget(self.field, 3)
        row.addWidget(self.submit_button, 2)
        for widget in (self.title, self.subtitle):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.keyboard)
        self.layout_.addStretch(1)
        self.reset()

    def _submit(self) -> None:
        if self.field.text().strip():
            self.submitted.emit(self.field.text())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def retranslate(self) -> None:
        self.title.setText(_("Check in for your room"))
        self.subtitle.setText(
            _("Type the four-letter code on your booking, or hold its QR code under the scanner.")
        )
        self.field.setPlaceholderText(_("Booking code"))
        self.field.setAccessibleName(_("Booking code"))
        set_text(self.submit_button, _("Check in"))
        self.keyboard.retranslate()

    def reset(self) -> None:
        self.field.clear()
        self.show_error("")

    def first_focus(self) -> QWidget | None:
        return self.field


class RoomBookedScreen(Screen):
    """The booking, or the check-in, done: room, time and the code to keep."""

    name = "room-booked"
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.booking: Booking | None = None
        self.room_name = ""
        self.zone = ZoneInfo("UTC")
        self.grace_minutes = 10
        self.printer_failed = False
        self.card = QFrame(self)
        self.card.setProperty("role", "card")
        inner = QVBoxLayout(self.card)
        inner.setContentsMargins(40, 28, 40, 28)
        inner.setSpacing(12)
        self.heading = label("subtitle", self.card, "roomBookedHeading")
        self.room = label("ticketService", self.card, "roomBookedRoom")
        self.time = label("ticketInfo", self.card, "roomBookedTime")
        self.code_heading = label("ticketInfo", self.card)
        self.code = label("ticketNumber", self.card, "roomBookedCode")
        for widget in (self.heading, self.room, self.time, self.code_heading, self.code):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(widget)
        self.done_button = button("primary", "roomDoneButton", self)
        self.done_button.clicked.connect(self.done)
        self.instructions = label("", self, "roomInstructions")
        self.printer_note = label("ticketInfo", self, "roomPrinterNote")
        self.layout_.addWidget(self.card)
        self.layout_.addWidget(self.done_button)
        self.layout_.addWidget(self.printer_note)
        self.layout_.addWidget(self.instructions)
        self.layout_.addStretch(1)

    def show_booking(self, booking: Booking, room_name: str, zone: ZoneInfo, grace_minutes: int) -> None:
        if booking is not self.booking:
            self.printer_failed = False
        self.booking, self.room_name, self.zone, self.grace_minutes = booking, room_name, zone, grace_minutes
        self.retranslate()

    def show_printer_problem(self) -> None:
        """The receipt did not print: the code stays on screen, with a calm note to write it down."""
        self.printer_failed = True
        self.retranslate()

    def retranslate(self) -> None:
        set_text(self.done_button, _("Done"))
        booking = self.booking
        self.printer_note.setVisible(self.printer_failed and booking is not None)
        if booking is not None:
            self.printer_note.setText(
                _("The printer is not working. Please write down your code: {code}.", code=booking.code)
            )
        if booking is None:
            for widget in (
                self.heading,
                self.room,
                self.time,
                self.code_heading,
                self.code,
                self.instructions,
            ):
                widget.clear()
            return
        checked_in = booking.status == BookingStatus.CHECKED_IN
        self.heading.setText(_("You are checked in.") if checked_in else _("Your room is booked."))
        self.room.setText(self.room_name)
        self.time.setText(slot_text(booking.starts_at, booking.ends_at, self.zone))
        self.code_heading.setText(_("Your booking code:"))
        self.code.setText(" ".join(booking.code))
        self.code.setAccessibleName(_("Booking code {code}", code=" ".join(booking.code)))
        if checked_in:
            self.instructions.setText(_("Please take a seat. Staff will come and take you to the room."))
        else:
            self.instructions.setText(
                _(
                    "Check in at this kiosk with your code when you come back, from 15 minutes before. "
                    "A room not checked in {minutes} minutes after its start is given to someone else.",
                    minutes=self.grace_minutes,
                )
            )

    def reset(self) -> None:
        self.booking = None
        self.printer_failed = False
        self.retranslate()

    def first_focus(self) -> QWidget | None:
        return self.done_button
