"""Reports and requests at the kiosk: choose a service, answer its questions, review, send, keep the reference.

The form is built from the service's Open311 definition (kept from the last time the central service was
reached, so it works offline): text, number, date and time, one-choice and several-choice questions, in the
definition's order, with its information lines. Every answer is checked again by the services layer; what
does not fit comes back as a message next to the question, and nothing typed is lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.requests import STATE_LABELS, RequestState, ServiceRequest
from kiosk.i18n import N_, _
from kiosk.i18n.formatting import format_date, format_time
from kiosk.services.ports import ServiceAttribute
from kiosk.services.requests import Draft, Offered
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import ChoiceButton, button, set_text
from kiosk.ui.widgets.keyboard import OnScreenKeyboard

REMOTE_STATUS_LABELS = {"open": N_("open"), "closed": N_("closed")}

# When something happened, as a visitor answers it on a touchscreen (no calendar to fight with).
WHEN_CHOICES = ("now", "today", "yesterday", "week")


def when_value(choice: str, now: datetime, zone: ZoneInfo) -> str:
    """The ISO 8601 local time a 'when' choice stands for."""
    local = now.astimezone(zone).replace(second=0, microsecond=0)
    moment = {
        "now": local,
        "today": local.replace(hour=max(0, local.hour - 3)),
        "yesterday": local - timedelta(days=1),
        "week": local - timedelta(days=7),
    }[choice]
    return moment.isoformat()


class ReportServicesScreen(Screen):
    name = "report"
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offered: list[Offered] | None = None
        self.buttons: list[ChoiceButton] = []
        self.title = label("title", self, "reportTitle")
        self.subtitle = label("subtitle", self)
        self.status = label("muted", self, "reportStatus")
        self.holder = QWidget(self.body)
        self.grid = QGridLayout(self.holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(18)
        self.emergency = label("error", self, "reportEmergency")
        for widget in (self.title, self.subtitle, self.emergency, self.status, self.holder):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.large = False

    def set_offered(self, offered: list[Offered] | None) -> None:
        """None: still loading."""
        for old in self.buttons:
            old.hide()
            old.deleteLater()
        self.offered, self.buttons = offered, []
        for item in offered or []:
            choice = ChoiceButton(item.service.code, self.holder)
            choice.setObjectName(f"report_{item.service.code}")
            choice.clicked.connect(lambda _c=False, code=item.service.code: self.chosen.emit(code))
            self.buttons.append(choice)
        self._place()
        self.retranslate()

    def _place(self) -> None:
        columns = 1 if self.large else 2
        for index, choice in enumerate(self.buttons):
            self.grid.addWidget(choice, index // columns, index % columns)

    def apply_large_print(self, large: bool) -> None:
        self.large = large
        self._place()

    def retranslate(self) -> None:
        self.title.setText(_("Report a problem or make a request"))
        self.subtitle.setText(_("Choose what it is about. Your report goes to the City's 311 service."))
        self.emergency.setText(_("For emergencies, call 911."))
        if self.offered is None:
            self.status.setText(_("One moment, please…"))
        elif not self.offered:
            self.status.setText(
                _("Reports cannot be made at the kiosk right now. Please ask at the front desk.")
            )
        self.status.setVisible(not self.offered)
        for item, choice in zip(self.offered or [], self.buttons, strict=True):
            choice.set_content(item.service.name, item.service.description)

    def reset(self) -> None:
        self.set_offered(None)

    def first_focus(self) -> QWidget | None:
        return self.buttons[0] if self.buttons else None


class QuestionBox(QFrame):
    """One question of the form, its answer widget and where its problem is shown."""

    def __init__(self, attribute: ServiceAttribute, parent: QWidget) -> None:
        super().__init__(parent)
        self.attribute = attribute
        self.setObjectName(f"question_{attribute.code}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.question = label("", self)
        self.problem = label("error", self)
        self.problem.hide()
        layout.addWidget(self.question)
        self.field: QLineEdit | None = None
        self.choices: list = []
        self.group: QButtonGroup | None = None
        kind = attribute.datatype
        if not attribute.variable:
            self.question.setProperty("role", "muted")
        elif kind in ("singlevaluelist", "multivaluelist", "datetime"):
            grid = QGridLayout()
            grid.setSpacing(10)
            self.group = QButtonGroup(self)
            self.group.setExclusive(kind != "multivaluelist")
            options = [(v.key, v.name) for v in attribute.values] if kind != "datetime" else WHEN_CHOICES
            for index, option in enumerate(options):
                choice = button("", f"answer_{attribute.code}_{index}", self)
                choice.setCheckable(True)
                choice.option = option
                self.group.addButton(choice)
                grid.addWidget(choice, index // 2, index % 2)
                self.choices.append(choice)
            layout.addLayout(grid)
        else:
            self.field = QLineEdit(self)
            self.field.setObjectName(f"answer_{attribute.code}")
            self.field.setMaxLength(255 if kind == "string" else 2000)
            self.field.setProperty("capitals", "none" if kind == "number" else "sentences")
            layout.addWidget(self.field)
        layout.addWidget(self.problem)

    def retranslate(self) -> None:
        attribute = self.attribute
        text = attribute.description or attribute.code
        if attribute.variable and not attribute.required:
            text = _("{question} (optional)", question=text)
        self.question.setText(text)
        when_names = {
            "now": _("Now"),
            "today": _("Earlier today"),
            "yesterday": _("Yesterday"),
            "week": _("About a week ago"),
        }
        for choice in self.choices:
            option = choice.option
            set_text(choice, when_names[option] if isinstance(option, str) else option[1])
        if self.field is not None:
            self.field.setAccessibleName(text)
            if attribute.datatype == "number":
                self.field.setPlaceholderText(_("A number"))

    def value(self, now: datetime, zone: ZoneInfo) -> str | list[str]:
        if self.field is not None:
            return self.field.text().strip()
        picked = [c.option for c in self.choices if c.isChecked()]
        if self.attribute.datatype == "multivaluelist":
            return [key for key, _name in picked]
        if not picked:
            return ""
        if self.attribute.datatype == "datetime":
            return when_value(picked[0], now, zone)
        return picked[0][0]

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(bool(message))


class ReportFormScreen(Screen):
    name = "report-form"
    review = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offered: Offered | None = None
        self.title = label("title", self, "reportFormTitle")
        self.subtitle = label("subtitle", self)
        self.questions_holder = QWidget(self.body)
        self.questions = QVBoxLayout(self.questions_holder)
        self.questions.setContentsMargins(0, 0, 0, 0)
        self.questions.setSpacing(18)
        self.boxes: list[QuestionBox] = []

        self.where_label = label("", self)
        self.here_button = button("", "hereButton", self)
        self.elsewhere_button = button("", "elsewhereButton", self)
        self.where_group = QButtonGroup(self)
        for choice in (self.here_button, self.elsewhere_button):
            choice.setCheckable(True)
            self.where_group.addButton(choice)
        self.here_button.setChecked(True)
        self.address = QLineEdit(self)
        self.address.setObjectName("addressField")
        self.address.setMaxLength(300)
        self.address_problem = label("error", self)
        self.elsewhere_button.toggled.connect(lambda _on: self._show_address())
        self.description_label = label("", self)
        self.description = QLineEdit(self)
        self.description.setObjectName("descriptionField")
        self.description.setMaxLength(3800)
        self.description_problem = label("error", self)
        self.contact_label = label("", self)
        self.first_name = QLineEdit(self)
        self.first_name.setObjectName("contactNameField")
        self.first_name.setMaxLength(80)
        self.phone = QLineEdit(self)
        self.phone.setObjectName("contactPhoneField")
        self.phone.setMaxLength(40)
        self.email = QLineEdit(self)
        self.email.setObjectName("contactEmailField")
        self.email.setMaxLength(200)
        for field, capitals in (
            (self.description, "sentences"),
            (self.address, "none"),
            (self.email, "none"),
        ):
            field.setProperty("capitals", capitals)
        self.error = label("error", self, "reportFormError")
        self.review_button = button("primary", "reviewButton", self)
        self.review_button.clicked.connect(self.review)
        self.keyboard = OnScreenKeyboard(self.description, self.body)
        self.keyboard.with_digits()

        where_row = QGridLayout()
        where_row.setSpacing(10)
        where_row.addWidget(self.here_button, 0, 0)
        where_row.addWidget(self.elsewhere_button, 0, 1)
        contact = QGridLayout()
        contact.setSpacing(10)
        contact.addWidget(self.first_name, 0, 0)
        contact.addWidget(self.phone, 0, 1)
        contact.addWidget(self.email, 1, 0, 1, 2)
        for widget in (self.title, self.subtitle, self.questions_holder, self.where_label):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(where_row)
        for widget in (self.address, self.address_problem, self.description_label, self.description):
            self.layout_.addWidget(widget)
        self.layout_.addWidget(self.description_problem)
        self.layout_.addWidget(self.contact_label)
        self.layout_.addLayout(contact)
        for widget in (self.error, self.review_button, self.keyboard):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self._follow_focus = _KeyboardFollowsFocus(self.keyboard, self)
        for field in (self.address, self.description, self.first_name, self.phone, self.email):
            field.installEventFilter(self._follow_focus)
        self.reset()

    def set_offered(self, offered: Offered) -> None:
        """A new form for a service: answers of another service are not carried over."""
        for box in self.boxes:
            box.hide()
            box.deleteLater()
        self.offered, self.boxes = offered, []
        for attribute in offered.fields:
            box = QuestionBox(attribute, self.questions_holder)
            if box.field is not None:
                box.field.installEventFilter(self._follow_focus)
            self.questions.addWidget(box)
            self.boxes.append(box)
        self.clear_answers()
        self.retranslate()

    def clear_answers(self) -> None:
        self.here_button.setChecked(True)
        for field in (self.address, self.description, self.first_name, self.phone, self.email):
            field.clear()
        self.show_problems({})
        self._show_address()

    def draft(self, now: datetime, zone: ZoneInfo) -> Draft:
        answers = {box.attribute.code: box.value(now, zone) for box in self.boxes if box.attribute.variable}
        return Draft(
            service_code=self.offered.service.code if self.offered else "",
            answers=answers,
            address=self.address.text() if self.elsewhere_button.isChecked() else "",
            description=self.description.text(),
            first_name=self.first_name.text(),
            phone=self.phone.text(),
            email=self.email.text(),
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        """``problems``: field code -> translated message ('address', 'description' for the fixed fields)."""
        for box in self.boxes:
            box.show_problem(problems.get(box.attribute.code, ""))
        for key, widget in (("address", self.address_problem), ("description", self.description_problem)):
            widget.setText(problems.get(key, ""))
            widget.setVisible(key in problems)
        self.error.setText(_("Please check the highlighted answers.") if problems else "")
        self.error.setVisible(bool(problems))
        first = next((b for b in self.boxes if b.attribute.code in problems), None)
        if first is not None:
            self.scroll.ensureWidgetVisible(first)

    def _show_address(self) -> None:
        self.address.setVisible(self.elsewhere_button.isChecked())
        if self.elsewhere_button.isChecked():
            self.keyboard.set_target(self.address)

    def retranslate(self) -> None:
        name = self.offered.service.name if self.offered else ""
        self.title.setText(name)
        self.subtitle.setText(_("Answer what you can. Questions marked optional can be left empty."))
        for box in self.boxes:
            box.retranslate()
        self.where_label.setText(_("Where is it?"))
        set_text(self.here_button, _("Here at this building"))
        set_text(self.elsewhere_button, _("Somewhere else"))
        self.address.setPlaceholderText(_("Street address or nearest intersection"))
        self.address.setAccessibleName(_("Street address or nearest intersection"))
        self.description_label.setText(_("What should the City know? (optional)"))
        self.description.setAccessibleName(_("What should the City know? (optional)"))
        self.contact_label.setText(_("How can the City reach you about it? (optional)"))
        for field, text in (
            (self.first_name, _("Your name")),
            (self.phone, _("Phone")),
            (self.email, _("Email")),
        ):
            field.setPlaceholderText(text)
            field.setAccessibleName(text)
        set_text(self.review_button, _("Review and send"))
        self.keyboard.retranslate()

    def reset(self) -> None:
        self.offered = None
        for box in self.boxes:
            box.hide()
            box.deleteLater()
        self.boxes = []
        self.clear_answers()
        self.keyboard.reset()

    def first_focus(self) -> QWidget | None:
        for box in self.boxes:
            if box.field is not None:
                return box.field
            if box.choices:
                return box.choices[0]
        return self.here_button


class _KeyboardFollowsFocus(QObject):
    """The touch keyboard types into whichever field the visitor touched last."""

    def __init__(self, keyboard: OnScreenKeyboard, parent: QObject) -> None:
        super().__init__(parent)
        self.keyboard = keyboard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit):
            self.keyboard.set_target(watched)
        return False


class ReportReviewScreen(Screen):
    name = "report-review"
    send = Signal()
    change = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[tuple[str, str]] = []
        self.title = label("title", self, "reviewTitle")
        self.subtitle = label("subtitle", self)
        self.card = QFrame(self)
        self.card.setProperty("role", "card")
        self.card_layout = QVBoxLayout(self.card)
        self.card_layout.setContentsMargins(28, 20, 28, 20)
        self.card_layout.setSpacing(10)
        self.busy = label("muted", self, "reviewBusy")
        self.error = label("error", self, "reviewError")
        self.send_button = button("primary", "sendButton", self)
        self.change_button = button("", "changeButton", self)
        self.send_button.clicked.connect(self.send)
        self.change_button.clicked.connect(self.change)
        row = QGridLayout()
        row.setSpacing(20)
        row.addWidget(self.change_button, 0, 0)
        row.addWidget(self.send_button, 0, 1, 1, 2)
        for widget in (self.title, self.subtitle, self.card, self.busy, self.error):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(row)
        self.layout_.addStretch(1)
        self.set_busy(False)

    def show_draft(self, offered: Offered, draft: Draft, boxes: list[QuestionBox]) -> None:
        """What will be sent, as the visitor answered it (choices by their names, not their keys)."""
        lines = [(_("Request"), offered.service.name)]
        for box in boxes:
            if not box.attribute.variable:
                continue
            answer = draft.answers.get(box.attribute.code)
            shown = [c.text() for c in box.choices if c.isChecked()] if box.choices else [answer or ""]
            lines.append(
                (box.attribute.description or box.attribute.code, ", ".join(s for s in shown if s) or "—")
            )
        lines.append((_("Where"), draft.address or _("Here at this building")))
        lines.append((_("What should the City know?"), draft.description or "—"))
        contact = ", ".join(x for x in (draft.first_name, draft.phone, draft.email) if x.strip())
        lines.append((_("Contact"), contact or _("None given")))
        self.lines = lines
        while self.card_layout.count():
            item = self.card_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        for question, answer in lines:
            line = label("", self.card)
            line.setText(_("{question}: {answer}", question=question, answer=answer))
            self.card_layout.addWidget(line)
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.send_button.setEnabled(not busy)
        self.change_button.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def retranslate(self) -> None:
        self.title.setText(_("Is this right?"))
        self.subtitle.setText(_("Check your answers, then send."))
        self.busy.setText(_("Saving your request…"))
        set_text(self.send_button, _("Send"))
        set_text(self.change_button, _("Change"), _("Go back to the answers"))

    def reset(self) -> None:
        self.set_busy(False)
        self.show_error("")

    def first_focus(self) -> QWidget | None:
        return self.send_button


class ReportDoneScreen(Screen):
    name = "report-done"
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request: ServiceRequest | None = None
        self.printer_failed = False
        self.card = QFrame(self)
        self.card.setProperty("role", "card")
        inner = QVBoxLayout(self.card)
        inner.setContentsMargins(40, 28, 40, 28)
        inner.setSpacing(12)
        self.heading = label("subtitle", self.card, "reportDoneHeading")
        self.service = label("ticketService", self.card)
        self.reference_heading = label("ticketInfo", self.card)
        self.reference = label("ticketNumber", self.card, "reportReference")
        for widget in (self.heading, self.service, self.reference_heading, self.reference):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(widget)
        self.done_button = button("primary", "reportDoneButton", self)
        self.done_button.clicked.connect(self.done)
        self.printer_note = label("ticketInfo", self, "reportPrinterNote")
        self.instructions = label("", self, "reportInstructions")
        for widget in (self.card, self.done_button, self.printer_note, self.instructions):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)

    def show_request(self, request: ServiceRequest) -> None:
        if request is not self.request:
            self.printer_failed = False
        self.request = request
        self.retranslate()

    def show_printer_problem(self) -> None:
        self.printer_failed = True
        self.retranslate()

    def retranslate(self) -> None:
        set_text(self.done_button, _("Done"))
        request = self.request
        self.printer_note.setVisible(self.printer_failed and request is not None)
        if request is None:
            for widget in (
                self.heading,
                self.service,
                self.reference_heading,
                self.reference,
                self.instructions,
            ):
                widget.clear()
            return
        self.heading.setText(_("Thank you. Your request is saved."))
        self.service.setText(request.service_name)
        self.reference_heading.setText(_("Your reference:"))
        self.reference.setText(request.reference)
        self.reference.setAccessibleName(_("Reference {reference}", reference=" ".join(request.reference)))
        self.printer_note.setText(
            _(
                "The printer is not working. Please write down your reference: {reference}.",
                reference=request.reference,
            )
        )
        self.instructions.setText(
            _(
                "It goes to the City's 311 service now, or as soon as the network is back: nothing is lost. "
                "To check on it later, choose “Check on a request” and type or scan this reference."
            )
        )

    def reset(self) -> None:
        self.request = None
        self.printer_failed = False
        self.retranslate()

    def first_focus(self) -> QWidget | None:
        return self.done_button


class RequestStatusScreen(Screen):
    """Check on a request with its reference, typed or scanned from the receipt."""

    name = "request-status"
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request: ServiceRequest | None = None
        self.zone = ZoneInfo("UTC")
        self.title = label("title", self, "requestStatusTitle")
        self.subtitle = label("subtitle", self)
        self.field = QLineEdit(self)
        self.field.setObjectName("referenceField")
        self.field.setMaxLength(40)
        self.check_button = button("primary", "checkRequestButton", self)
        self.check_button.clicked.connect(self._submit)
        self.field.returnPressed.connect(self._submit)
        self.error = label("error", self, "requestStatusError")
        self.card = QFrame(self)
        self.card.setProperty("role", "card")
        inner = QVBoxLayout(self.card)
        inner.setContentsMargins(28, 20, 28, 20)
        self.result_title = label("ticketService", self.card, "requestStatusService")
        self.result_state = label("ticketInfo", self.card, "requestStatusState")
        self.result_details = label("", self.card, "requestStatusDetails")
        for widget in (self.result_title, self.result_state, self.result_details):
            inner.addWidget(widget)
        self.keyboard = OnScreenKeyboard(self.field, self.body)
        self.keyboard.layout_for_codes()
        row = QGridLayout()
        row.addWidget(self.field, 0, 0, 1, 3)
        row.addWidget(self.check_button, 0, 3, 1, 2)
        for widget in (self.title, self.subtitle):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(row)
        for widget in (self.error, self.card, self.keyboard):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.reset()

    def _submit(self) -> None:
        if self.field.text().strip():
            self.submitted.emit(self.field.text())

    def show_request(self, request: ServiceRequest, zone: ZoneInfo) -> None:
        self.request, self.zone = request, zone
        self.show_error("")
        self.retranslate()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        if message:
            self.request = None
            self.card.hide()

    def retranslate(self) -> None:
        self.title.setText(_("Check on a request"))
        self.subtitle.setText(_("Type the reference on your receipt, or hold its QR code under the scanner."))
        self.field.setPlaceholderText(_("Reference"))
        self.field.setAccessibleName(_("Reference"))
        set_text(self.check_button, _("Check"))
        self.keyboard.retranslate()
        request = self.request
        self.card.setVisible(request is not None)
        if request is None:
            return
        self.result_title.setText(f"{request.reference} · {request.service_name}")
        state = _(STATE_LABELS[request.state])
        if request.state == RequestState.SENT and request.remote_status:
            # Open311's own words, in the visitor's language; a server's other words as they come.
            known = REMOTE_STATUS_LABELS.get(request.remote_status)
            state = _("Sent to 311 · status: {status}", status=_(known) if known else request.remote_status)
        self.result_state.setText(state)
        details = [
            _(
                "Made on {date} at {time}",
                date=format_date(request.created_at, self.zone),
                time=format_time(request.created_at, self.zone),
            )
        ]
        if request.remote_id:
            details.append(_("311 number: {number}", number=request.remote_id))
        if request.state == RequestState.QUEUED:
            details.append(_("It will be sent as soon as the connection to 311 allows."))
        if request.state == RequestState.NEEDS_PERSON:
            details.append(_("Staff at the front desk will look at it with you."))
        if request.remote_status_notes:
            details.append(request.remote_status_notes)
        self.result_details.setText("\n".join(details))

    def reset(self) -> None:
        self.field.clear()
        self.request = None
        self.show_error("")
        self.retranslate()

    def first_focus(self) -> QWidget | None:
        return self.field
