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
        for index, choice in enumerate(self.buttons):
            self.grid.addWidget(choice, index // columns, index % columns)

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

    def first_focus(self) -> QWidget | None:
        return self.buttons[0] if self.buttons else None
