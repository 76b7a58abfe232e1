"""Find city information: search as you type or browse by what you want to do, then an answer that says
where to go, or takes a ticket, or files a report, and can be printed or read aloud."""

from __future__ import annotations

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.lookup import Bureau, Entry
from kiosk.domain.text import N_
from kiosk.i18n import _, current_language
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import ChoiceButton, button, set_text
from kiosk.ui.widgets.keyboard import OnScreenKeyboard

KIND_LABELS = {
    "find": N_("Find"),
    "report": N_("Report"),
    "request": N_("Request"),
    "apply": N_("Apply or register"),
    "pay": N_("Pay"),
}
RESULTS_SHOWN = 8
TYPING_PAUSE_MS = 150  # search once the visitor pauses, not at every key


class LookupScreen(Screen):
    name = "lookup"
    search_requested = Signal(str)
    browse_requested = Signal(str)
    entry_chosen = Signal(object)
    help_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results: list[Entry] = []
        self.query = ""
        self.title = label("title", self, "lookupTitle")
        self.subtitle = label("subtitle", self)
        self.field = QLineEdit(self)
        self.field.setObjectName("lookupField")
        self.field.setMaxLength(80)
        self.field.setProperty("capitals", "none")
        self.kind_buttons: dict[str, object] = {}
        self.kinds = QGridLayout()
        self.kinds.setSpacing(12)
        for kind in KIND_LABELS:
            choice = button("", f"kind_{kind}", self)
            choice.clicked.connect(lambda _c=False, k=kind: self.browse_requested.emit(k))
            self.kind_buttons[kind] = choice
        self._place_kinds(columns=3)
        self.status = label("muted", self, "lookupStatus")
        self.help_button = button("primary", "lookupHelpButton", self)
        self.help_button.clicked.connect(self.help_requested)
        self.holder = QWidget(self.body)
        self.list = QVBoxLayout(self.holder)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(12)
        self.result_buttons: list[ChoiceButton] = []
        self.keyboard = OnScreenKeyboard(self.field, self.body)
        self.keyboard.with_digits()
        # Answers right under what was typed; the topics after them (first when nothing is typed yet).
        for widget in (self.title, self.subtitle, self.field, self.status, self.help_button, self.holder):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(self.kinds)
        self.layout_.addWidget(self.keyboard)
        self.layout_.addStretch(1)
        self.pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self.pause.timeout.connect(lambda: self.search_requested.emit(self.field.text()))
        self.field.textChanged.connect(lambda _text: self.pause.start())
        self.reset()

    def _place_kinds(self, columns: int) -> None:
        # Three to a row, one in large print: "Apply or register" is long in several languages.
        for index, choice in enumerate(self.kind_buttons.values()):
            self.kinds.addWidget(choice, index // columns, index % columns)

    def apply_large_print(self, large: bool) -> None:
        self._place_kinds(columns=1 if large else 3)

    def show_results(self, query: str, entries: list[Entry], browsing: str = "") -> None:
        for old in self.result_buttons:
            old.hide()
            old.deleteLater()
        self.query, self.results, self.browsing = query, entries, browsing
        self.result_buttons = []
        for entry in entries[: RESULTS_SHOWN if not browsing else len(entries)]:
            choice = ChoiceButton(entry.id, self.holder)
            choice.setObjectName(f"result_{entry.id}")
            choice.clicked.connect(lambda _c=False, e=entry: self.entry_chosen.emit(e))
            self.list.addWidget(choice)
            self.result_buttons.append(choice)
        self.retranslate()

    def retranslate(self) -> None:
        language = current_language()
        self.title.setText(_("Find city information"))
        self.subtitle.setText(
            _("Type what you are looking for in any language, or choose what you want to do.")
        )
        self.field.setPlaceholderText(_("For example: trash day, pothole, parking ticket"))
        self.field.setAccessibleName(_("Search"))
        for kind, choice in self.kind_buttons.items():
            set_text(choice, _(KIND_LABELS[kind]))
        nothing = bool(self.query.strip()) and not self.results and not self.browsing
        self.status.setText(
            _(
                "Nothing found for “{query}”. A person at the front desk can help you.",
                query=self.query.strip(),
            )
            if nothing
            else ""
        )
        self.status.setVisible(nothing)
        set_text(self.help_button, _("Take a ticket to talk with a person"))
        self.help_button.setVisible(nothing)
        for entry, choice in zip(self.results, self.result_buttons, strict=False):
            choice.set_content(entry.title(language), entry.summary(language))
        self.keyboard.set_language(language)
        self.keyboard.retranslate()

    def reset(self) -> None:
        self.pause.stop()
        self.field.blockSignals(True)
        self.field.clear()
        self.field.blockSignals(False)
        self.browsing = ""
        self.show_results("", [])
        self.keyboard.reset()

    def first_focus(self) -> QWidget | None:
        return self.field


class QrCode(QWidget):
    """A web address as a QR code a phone can scan, drawn crisply at any size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.modules: list[list[bool]] = []
        self.setMinimumSize(QSize(200, 200))

    def set_text(self, text: str) -> None:
        import qrcode

        if text:
            code = qrcode.QRCode(border=2)
            code.add_data(text)
            code.make(fit=True)
            self.modules = code.get_matrix()
        else:
            self.modules = []
        self.setVisible(bool(text))
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        if not self.modules:
            return
        painter = QPainter(self)
        count = len(self.modules)
        size = min(self.width(), self.height())
        cell = size / count
        painter.fillRect(0, 0, size, size, QColor("white"))
        for y, row in enumerate(self.modules):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(
                        int(x * cell), int(y * cell), int(cell + 1), int(cell + 1), QColor("black")
                    )
        painter.end()


class AnswerScreen(Screen):
    name = "answer"
    take_ticket = Signal(str)  # a queue service
    report = Signal(str)  # an Open311 service code
    print_requested = Signal(object)
    read_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry: Entry | None = None
        self.bureau: Bureau | None = None
        self.title = label("title", self, "answerTitle")
        self.emergency = label("error", self, "answerEmergency")
        self.summary = label("subtitle", self, "answerSummary")
        self.card = QFrame(self)
        self.card.setProperty("role", "card")
        card = QGridLayout(self.card)
        card.setContentsMargins(28, 20, 28, 20)
        self.where = label("", self.card, "answerWhere")
        self.qr = QrCode(self.card)
        self.qr_label = label("muted", self.card)
        column = QVBoxLayout()
        column.addWidget(self.qr)
        column.addWidget(self.qr_label)
        card.addWidget(self.where, 0, 0)
        card.addLayout(column, 0, 1)
        card.setColumnStretch(0, 1)
        self.ticket_button = button("primary", "answerTicketButton", self)
        self.report_button = button("primary", "answerReportButton", self)
        self.print_button = button("", "answerPrintButton", self)
        self.read_button = button("", "answerReadButton", self)
        self.ticket_button.clicked.connect(lambda: self.take_ticket.emit(self.entry.front_desk))
        self.report_button.clicked.connect(lambda: self.report.emit(self.entry.open311_code))
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.entry))
        self.read_button.clicked.connect(self.read_requested)
        actions = QGridLayout()
        actions.setSpacing(16)
        actions.addWidget(self.ticket_button, 0, 0, 1, 2)
        actions.addWidget(self.report_button, 1, 0, 1, 2)
        actions.addWidget(self.print_button, 2, 0)
        actions.addWidget(self.read_button, 2, 1)
        for widget in (self.title, self.emergency, self.summary):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(actions)
        self.layout_.addWidget(self.card)
        self.layout_.addStretch(1)
        self.print_available = False
        self.speech_available = False

    def show_entry(self, entry: Entry, bureau: Bureau | None) -> None:
        self.entry, self.bureau = entry, bureau
        self.retranslate()

    def retranslate(self) -> None:
        entry, language = self.entry, current_language()
        set_text(
            self.ticket_button, _("Take a ticket for this"), _("The front desk can help you with this here")
        )
        set_text(self.report_button, _("Report it now"), _("Fill in the City's form for this at the kiosk"))
        set_text(self.print_button, _("Print this"))
        set_text(self.read_button, _("Read aloud"))
        if entry is None:
            return
        self.title.setText(entry.title(language))
        self.summary.setText(entry.summary(language))
        self.emergency.setText(_("For emergencies, call 911."))
        self.emergency.setVisible(entry.emergency)
        self.ticket_button.setVisible(bool(entry.front_desk))
        self.report_button.setVisible(bool(entry.open311_code))
        self.print_button.setVisible(self.print_available)
        self.read_button.setVisible(self.speech_available)
        lines = []
        if self.bureau is not None:
            b = self.bureau
            lines.append(_("Who handles it: {bureau}", bureau=b.names.get(language, b.names["en"])))
            lines.append(_("Where: {location}", location=b.location.get(language, b.location["en"])))
            lines.append(_("Hours: {hours}", hours=b.hours.get(language, b.hours["en"])))
            if b.phone:
                lines.append(_("Phone: {phone}", phone=b.phone))
        elif entry.front_desk:
            lines.append(_("The front desk here can help you with this."))
        url = entry.url or (self.bureau.url if self.bureau else "")
        if url:
            lines.append(_("On the web: {url}", url=url))
        self.where.setText("\n".join(lines))
        self.card.setVisible(bool(lines))
        self.qr.set_text(url)
        self.qr_label.setText(_("Scan with your phone") if url else "")

    def reset(self) -> None:
        self.entry = None
        self.bureau = None

    def first_focus(self) -> QWidget | None:
        for candidate in (self.ticket_button, self.report_button, self.read_button, self.print_button):
            if not candidate.isHidden():
                return candidate
        return None
