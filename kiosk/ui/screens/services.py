"""What did you come for: the queue services as large buttons."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from kiosk.domain.services import QueueService
from kiosk.i18n import _, current_language
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import ChoiceButton


class ServicesScreen(Screen):
    name = "services"
    service_chosen = Signal(str)
    rooms_chosen = Signal()
    room_check_in_chosen = Signal()
    report_chosen = Signal()
    lookup_chosen = Signal()
    request_status_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services: list[QueueService] = []
        self.unavailable = False
        self.buttons: list[ChoiceButton] = []
        self.large = False
        self.title = label("title", self, "servicesTitle")
        self.subtitle = label("subtitle", self)
        self.status = label("muted", self, "servicesStatus")
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.subtitle)
        self.layout_.addWidget(self.status)
        self.holder = QWidget(self.body)
        self.grid = QGridLayout(self.holder)
        self.grid.setSpacing(18)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.holder)
        # Not queue services: a room to talk in private, and checking in for one.
        self.rooms_button = ChoiceButton("rooms", self.holder)
        self.rooms_button.setObjectName("roomsChoice")
        self.rooms_button.clicked.connect(self.rooms_chosen)
        self.room_check_in_button = ChoiceButton("room-check-in", self.holder)
        self.room_check_in_button.setObjectName("roomCheckInChoice")
        self.room_check_in_button.clicked.connect(self.room_check_in_chosen)
        self.lookup_button = ChoiceButton("lookup", self.holder)
        self.lookup_button.setObjectName("lookupChoice")
        self.lookup_button.clicked.connect(self.lookup_chosen)
        # Reports and requests for the city's 311 service, and checking on one.
        self.report_button = ChoiceButton("report", self.holder)
        self.report_button.setObjectName("reportChoice")
        self.report_button.clicked.connect(self.report_chosen)
        self.request_status_button = ChoiceButton("request-status", self.holder)
        self.request_status_button.setObjectName("requestStatusChoice")
        self.request_status_button.clicked.connect(self.request_status_chosen)
        self.layout_.addStretch(1)

    def set_unavailable(self, unavailable: bool) -> None:
        self.unavailable = unavailable
        self.retranslate()

    def set_services(self, services: list[QueueService]) -> None:
        self.unavailable = False
        for old in self.buttons:
            old.deleteLater()
        self.services = list(services)
        self.buttons = []
        for service in self.services:
            choice = ChoiceButton(service.code, self.holder)
            choice.setObjectName(f"service_{service.code}")
            choice.clicked.connect(lambda _checked=False, code=service.code: self.service_chosen.emit(code))
            self.buttons.append(choice)
        self._place()
        self.retranslate()

    def _place(self) -> None:
        columns = 1 if self.large else 2
        for index, choice in enumerate(self.all_choices):
            self.grid.addWidget(choice, index // columns, index % columns)

    @property
    def all_choices(self) -> list[ChoiceButton]:
        extra = [self.report_button, self.request_status_button, self.rooms_button, self.room_check_in_button]
        first = [self.lookup_button] if self.services else []
        return [*first, *self.buttons, *(extra if self.services else [])]

    def apply_large_print(self, large: bool) -> None:
        self.large = large
        self._place()

    def retranslate(self) -> None:
        locale = current_language()
        self.title.setText(_("What can we help you with today?"))
        self.subtitle.setText(_("Choose one. You will get a number, and staff will call you."))
        if self.services:
            self.status.setText("")
        elif self.unavailable:
            self.status.setText(_("Tickets cannot be given right now. Please ask at the front desk."))
        else:
            self.status.setText(_("One moment, please…"))
        self.status.setVisible(not self.services)
        for service, choice in zip(self.services, self.buttons, strict=True):
            choice.set_content(service.name(locale), service.description(locale))
        self.rooms_button.set_content(
            _("A private room to talk"),
            _("Book a discussion room for a private or longer conversation today"),
        )
        self.room_check_in_button.set_content(
            _("I have a room booking"), _("Check in with the code on your booking")
        )
        self.report_button.set_content(
            _("Report a problem or make a request"),
            _("Graffiti, a damaged sidewalk, noise, an accessibility or language request… sent to 311"),
        )
        self.request_status_button.set_content(
            _("Check on a request"), _("With the reference on your receipt")
        )
        self.lookup_button.set_content(
            _("Find city information"), _("Where to go, who to call, what you need: search or browse")
        )
        for choice in (
            self.lookup_button,
            self.report_button,
            self.request_status_button,
            self.rooms_button,
            self.room_check_in_button,
        ):
            choice.setVisible(bool(self.services))

    def first_focus(self) -> QWidget | None:
        return self.buttons[0] if self.buttons else None
