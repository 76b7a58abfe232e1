"""The ticket: number, place in line and estimated wait, then back to the welcome screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.i18n import _, current_language, ngettext
from kiosk.i18n.formatting import format_number, format_wait
from kiosk.services.checkin import CheckInResult
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import button, set_text


class TicketScreen(Screen):
    name = "ticket"
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: CheckInResult | None = None
        self.seconds_left = 0
        self.card = QFrame(self)
        self.card.setProperty("role", "card")
        inner = QVBoxLayout(self.card)
        inner.setContentsMargins(40, 28, 40, 28)
        inner.setSpacing(12)
        self.heading = label("subtitle", self.card, "ticketHeading")
        self.number = label("ticketNumber", self.card, "ticketNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service = label("ticketService", self.card, "ticketService")
        self.position = label("ticketInfo", self.card, "ticketPosition")
        self.wait = label("ticketInfo", self.card, "ticketWait")
        for widget in (self.heading, self.number, self.service, self.position, self.wait):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(widget)
        # Shown when the receipt could not be printed: the visitor must not leave without their number.
        self.printer_note = label("ticketInfo", self, "ticketPrinterNote")
        self.printer_note.setWordWrap(True)
        self.printer_note.setVisible(False)
        self.printer_failed = False
        self.instructions = label("", self, "ticketInstructions")
        self.countdown = label("muted", self, "ticketCountdown")
        self.done_button = button("primary", "ticketDoneButton", self)
        self.done_button.clicked.connect(self.done)
        # "Done" right under the number: in large print it must stay in view without scrolling.
        self.layout_.addWidget(self.card)
        self.layout_.addWidget(self.done_button)
        self.layout_.addWidget(self.printer_note)
        self.layout_.addWidget(self.instructions)
        self.layout_.addWidget(self.countdown)
        self.layout_.addStretch(1)

    def show_result(self, result: CheckInResult, seconds: int) -> None:
        self.result = result
        self.printer_failed = False
        self.seconds_left = seconds
        self.retranslate()

    def show_printer_problem(self) -> None:
        """The receipt did not print: say so calmly, with the number to remember."""
        self.printer_failed = True
        self.retranslate()

    def set_seconds_left(self, seconds: int) -> None:
        self.seconds_left = seconds
        self.countdown.setText(
            ngettext(
                "This screen will close in {n} second.", "This screen will close in {n} seconds.", seconds
            )
        )

    def retranslate(self) -> None:
        set_text(self.done_button, _("Done"))
        self.instructions.setText(
            _("Please take a seat. We will call your number on the screen and at the front desk.")
        )
        self.set_seconds_left(self.seconds_left)
        result = self.result
        self.printer_note.setVisible(self.printer_failed and result is not None)
        if result is None:
            for widget in (self.heading, self.number, self.service, self.position, self.wait):
                widget.clear()
            self.printer_note.clear()
            return
        if self.printer_failed:
            self.printer_note.setText(
                _(
                    "The printer is not working. Please remember your number: {number}.",
                    number=result.ticket.number,
                )
            )
        name = result.ticket.first_name
        self.heading.setText(
            _("Thank you, {name}. Your number is", name=name) if name else _("Your number is")
        )
        self.number.setText(result.ticket.number)
        self.number.setAccessibleName(_("Ticket number {number}", number=result.ticket.number))
        self.service.setText(result.service.name(current_language()))
        if result.position <= 1:
            self.position.setText(_("You are next in line."))
        else:
            self.position.setText(
                _("Your place in line: {position}", position=format_number(result.position))
            )
        self.wait.setText(_("Estimated wait: {wait}", wait=format_wait(result.estimated_wait)))

    def reset(self) -> None:
        self.result = None
        self.printer_failed = False
        self.seconds_left = 0
        self.retranslate()

    def first_focus(self) -> QWidget | None:
        return self.done_button
