"""An optional first name, so staff can greet the visitor, and an optional request for an accommodation."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLineEdit, QWidget

from kiosk.domain.tickets import FIRST_NAME_MAX
from kiosk.i18n import _, current_language
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import button, set_text
from kiosk.ui.widgets.keyboard import OnScreenKeyboard


class NameScreen(Screen):
    name = "name"
    submitted = Signal(object)  # the typed name, or None to skip

    def __init__(self, parent: QWidget | None = None) -> None:
        self.large_print = False
        super().__init__(parent)
        self.title = label("title", self, "nameTitle")
        self.subtitle = label("subtitle", self)
        self.field = QLineEdit(self)
        self.field.setObjectName("firstNameField")
        self.field.setMaxLength(FIRST_NAME_MAX)
        self.error = label("error", self, "nameError")
        self.busy = label("muted", self, "nameBusy")
        # Asked here, once the service is chosen, so that a visitor who needs a seat, an interpreter or
        # help because of a disability can say so without speaking to anyone; staff may give priority.
        self.accommodation_button = button("", "accommodationToggle", self)
        self.accommodation_button.setCheckable(True)
        self.accommodation_button.toggled.connect(lambda _on: self._show_accommodation())
        self.accommodation_help = label("muted", self, "accommodationHelp")
        self.skip_button = button("", "skipNameButton", self)
        self.submit_button = button("primary", "getTicketButton", self)
        self.skip_button.clicked.connect(lambda: self.submitted.emit(None))
        self.submit_button.clicked.connect(self._submit)
        self.field.returnPressed.connect(self._submit)
        self.field.installEventFilter(self)
        row = QHBoxLayout()
        row.setSpacing(20)
        row.addWidget(self.skip_button, 1)
        row.addWidget(self.submit_button, 2)
        self.keyboard = OnScreenKeyboard(self.field, self.body)
        for widget in (self.title, self.subtitle, self.field, self.error, self.busy):
            self.layout_.addWidget(widget)
        # Side by side, and the rows a little closer than elsewhere: the keyboard still fits on the
        # screen with Chinese's row of candidates. In large print the help goes under the button.
        self.accommodation_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.accommodation_row.setSpacing(20)
        self.accommodation_row.addWidget(self.accommodation_button, 2)
        self.accommodation_row.addWidget(self.accommodation_help, 3)
        self.layout_.addLayout(self.accommodation_row)
        self.layout_.setSpacing(14)
        # The answers above the keyboard: in large print they stay in view while the keys scroll.
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.keyboard)
        self.layout_.addStretch(1)
        self.reset()

    def _submit(self) -> None:
        text = self.field.text().strip()
        self.submitted.emit(text or None)

    def retranslate(self) -> None:
        self.title.setText(_("What is your first name?"))
        self.subtitle.setText(_("This is optional. Staff use it to greet you. You can skip it."))
        self.field.setPlaceholderText(_("First name (optional)"))
        self.field.setAccessibleName(_("First name (optional)"))
        self.busy.setText(_("Making your ticket…"))
        set_text(self.skip_button, _("Skip"), _("Get a ticket without giving a name"))
        set_text(self.submit_button, _("Get my ticket"))
        self._show_accommodation()
        self.keyboard.set_language(current_language())
        self.keyboard.retranslate()

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (
            self.skip_button,
            self.submit_button,
            self.field,
            self.keyboard,
            self.accommodation_button,
        ):
            widget.setEnabled(not busy)

    def wants_accommodation(self) -> bool:
        return self.accommodation_button.isChecked()

    def _show_accommodation(self) -> None:
        help_text = _(
            "Touch this if you need a seat, an interpreter or help because of a disability."
            " You do not have to say why."
        )
        # The box says it is a choice and shows the choice without relying on colour; screen
        # readers hear "checked" from the button itself.
        text = _("I need an accommodation")
        shown = f"☑ {text}" if self.wants_accommodation() else f"☐ {text}"
        self.accommodation_button.setText(shown)
        self.accommodation_button.setAccessibleName(text)
        self.accommodation_button.setAccessibleDescription(help_text)
        self.accommodation_help.setText(help_text)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        if message:
            # In large print the message can push the buttons below the fold: keep them in view.
            self.scroll.ensureWidgetVisible(self.submit_button)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.MouseButtonPress and self.large_print and watched is self.field:
            self.show_keyboard()
        return super().eventFilter(watched, event)

    def show_keyboard(self) -> None:
        """Large print: touching the field scrolls the keys into view, as a phone's keyboard comes up.

        The keys are taller than what is left of the screen under the field; the keyboard's own line
        shows what is typed, so the field may scroll away.
        """
        self.scroll.verticalScrollBar().setValue(self.keyboard.y())

    def apply_large_print(self, large: bool) -> None:
        super().apply_large_print(large)
        self.large_print = large
        self.accommodation_row.setDirection(
            QBoxLayout.Direction.TopToBottom if large else QBoxLayout.Direction.LeftToRight
        )
        self.keyboard.set_preview_visible(large)

    def reset(self) -> None:
        self.field.clear()
        self.accommodation_button.setChecked(False)
        self.keyboard.reset()
        self.show_error("")
        self.set_busy(False)

    def first_focus(self) -> QWidget | None:
        return self.field
