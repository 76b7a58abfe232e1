"""A visitor to the building's offices signs in at the kiosk; the security desk gives them their badge.

Offered only when the ``visitor_self_sign_in`` setting is on. The badge is printed at the desk, not
here: the desk sees the visitor, may look at an ID, and hands the badge over; a kiosk in the lobby
printing badges for anyone who types a name would defeat the point of a badge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.visitors import HOST_MAX, NAME_MAX, PURPOSE_MAX
from kiosk.i18n import N_, _, current_language, use_language
from kiosk.ui.flow import Step
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.screens.welcome import said_in_every_language
from kiosk.ui.tasks import user_message
from kiosk.ui.widgets.buttons import ChoiceButton, button, set_text
from kiosk.ui.widgets.keyboard import OnScreenKeyboard

if TYPE_CHECKING:
    from kiosk.ui.kiosk_window import KioskWindow


class VisitorSignInScreen(Screen):
    """Name, whom they visit (an office from the catalogue, or a name typed), why."""

    name = "visitor-sign-in"
    submitted = Signal(dict)  # name, host, purpose as typed

    def __init__(self, parent: QWidget | None = None) -> None:
        self.large_print = False
        super().__init__(parent)
        self.hosts: list[str] = []
        self.host_buttons: list[ChoiceButton] = []
        self.entry: ChoiceButton | None = None  # the welcome screen's way in, when offered
        self.title = label("title", self, "visitorSignInTitle")
        self.subtitle = label("subtitle", self)
        self.name_label = label("", self)
        self.name_field = self._field("visitorNameField", NAME_MAX)
        self.host_label = label("", self)
        self.host_field = self._field("visitorHostField", HOST_MAX)
        self.hosts_grid = QGridLayout()
        self.hosts_grid.setSpacing(12)
        self.purpose_label = label("", self)
        self.purpose_field = self._field("visitorPurposeField", PURPOSE_MAX)
        self.error = label("error", self, "visitorSignInError")
        self.busy = label("muted", self, "visitorSignInBusy")
        self.submit_button = button("primary", "visitorSignInButton", self)
        self.submit_button.clicked.connect(self._submit)
        self.keyboard = OnScreenKeyboard(self.name_field, self.body)
        self.hosts_label = label("", self, "visitorHostsLabel")
        # The fields, the button and the keys first, so they share the screen; the offices come under
        # the keys, one touch each (the field's label says so).
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.subtitle)
        # Each label beside its field: the three rows and the keys fit one screen at the standard size.
        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(20)
        self.rows.setVerticalSpacing(12)
        self.rows.setColumnStretch(0, 1)
        self.rows.setColumnStretch(1, 3)
        self.layout_.addLayout(self.rows)
        for widget in (
            self.error,
            self.busy,
            self.submit_button,
            self.keyboard,
            self.hosts_label,
        ):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(self.hosts_grid)
        self.layout_.addStretch(1)
        for text_label, field in (
            (self.name_label, self.name_field),
            (self.host_label, self.host_field),
            (self.purpose_label, self.purpose_field),
        ):
            text_label.setBuddy(field)
        self.apply_large_print(False)
        self.reset()

    def _field(self, object_name: str, limit: int) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(object_name)
        field.setMaxLength(limit)
        field.installEventFilter(self)
        field.returnPressed.connect(self._next_field)
        return field

    @property
    def fields(self) -> tuple[QLineEdit, QLineEdit, QLineEdit]:
        return (self.name_field, self.host_field, self.purpose_field)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched in getattr(self, "fields", ()):
            # One on-screen keyboard for the three fields: it types into whichever has focus.
            if event.type() == QEvent.Type.FocusIn and self.keyboard.target is not watched:
                self.keyboard.set_target(watched)
            if event.type() == QEvent.Type.MouseButtonPress and self.large_print:
                self.scroll.verticalScrollBar().setValue(self.keyboard.y())
        return super().eventFilter(watched, event)

    def _next_field(self) -> None:
        focused = self.focusWidget()
        if focused is self.purpose_field:
            self._submit()
        elif focused in self.fields:
            self.fields[self.fields.index(focused) + 1].setFocus()

    def _submit(self) -> None:
        self.submitted.emit(
            {
                "name": self.name_field.text(),
                "host": self.host_field.text(),
                "purpose": self.purpose_field.text(),
            }
        )

    # -- the offices offered ------------------------------------------------------------------------
    def set_hosts(self, names: list[str]) -> None:
        """The catalogue's offices in the visitor's language: one touch fills "whom you visit"."""
        if names == self.hosts:
            return
        self.hosts = list(names)
        for old in self.host_buttons:
            self.hosts_grid.removeWidget(old)
            old.deleteLater()
        self.host_buttons = []
        for name in self.hosts:
            choice = ChoiceButton(name, self)
            choice.setObjectName("visitorHostChoice")
            choice.setCheckable(True)
            choice.set_content(name)
            choice.clicked.connect(lambda _checked=False, chosen=name: self.choose_host(chosen))
            self.host_buttons.append(choice)
        self.apply_large_print(self.large_print)
        self.hosts_label.setVisible(bool(self.host_buttons))

    def choose_host(self, name: str) -> None:
        self.host_field.setText(name)
        for choice in self.host_buttons:
            choice.setChecked(choice.key == name)

    def apply_large_print(self, large: bool) -> None:
        self.large_print = large
        self.keyboard.set_preview_visible(large)
        # Large print: each label above its field, where the doubled text has the whole width.
        pairs = (
            (self.name_label, self.name_field),
            (self.host_label, self.host_field),
            (self.purpose_label, self.purpose_field),
        )
        for row, (text_label, field) in enumerate(pairs):
            if large:
                self.rows.addWidget(text_label, 2 * row, 0, 1, 2)
                self.rows.addWidget(field, 2 * row + 1, 0, 1, 2)
            else:
                self.rows.addWidget(text_label, 2 * row, 0)
                self.rows.addWidget(field, 2 * row, 1)
        columns = 1 if large else 3
        for index, choice in enumerate(self.host_buttons):
            self.hosts_grid.addWidget(choice, index // columns, index % columns)

    # -- the welcome screen's entry -----------------------------------------------------------------
    def add_entry(self, welcome: Screen) -> ChoiceButton:
        """The welcome screen's "Sign in as a visitor", said in every language like its search button."""
        if self.entry is None:
            self.entry = ChoiceButton("visitor", welcome)
            self.entry.setObjectName("welcomeVisitorButton")
            welcome.add_entry(self.entry)
        self._retranslate_entry()
        return self.entry

    def _retranslate_entry(self) -> None:
        if self.entry is None:
            return
        said_in_every_language(self.entry, N_("Sign in as a visitor"))

    # -- state --------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Sign in as a visitor"))
        self.subtitle.setText(
            _("For visitors to the offices in this building. The security desk will give you your badge.")
        )
        self.name_label.setText(_("Your name"))
        self.name_field.setAccessibleName(_("Your name"))
        self.host_label.setText(_("Whom are you visiting?"))
        self.hosts_label.setText(_("Offices in this building:"))
        self.hosts_label.setVisible(bool(self.host_buttons))
        self.host_field.setAccessibleName(_("Whom you are here to see"))
        self.host_field.setPlaceholderText(_("A person, or an office from the list below"))
        self.purpose_label.setText(_("Why are you here? (optional)"))
        self.purpose_field.setAccessibleName(_("Why you are here (optional)"))
        self.busy.setText(_("Signing you in…"))
        set_text(self.submit_button, _("Sign in"))
        self.keyboard.set_language(current_language())
        self.keyboard.retranslate()
        self._retranslate_entry()

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.submit_button, *self.fields, self.keyboard, *self.host_buttons):
            widget.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        if message:
            self.scroll.ensureWidgetVisible(self.submit_button)

    def reset(self) -> None:
        for field in self.fields:
            field.clear()
        for choice in self.host_buttons:
            choice.setChecked(False)
        self.keyboard.set_target(self.name_field)
        self.keyboard.reset()
        self.show_error("")
        self.set_busy(False)

    def first_focus(self) -> QWidget | None:
        return self.name_field


class VisitorSignedInScreen(Screen):
    """Signed in: the badge number, and where to collect the badge."""

    name = "visitor-signed-in"
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.visit = None
        self.card = QFrame(self)
        self.card.setProperty("role", "card")
        inner = QVBoxLayout(self.card)
        inner.setContentsMargins(40, 28, 40, 28)
        inner.setSpacing(12)
        self.heading = label("subtitle", self.card, "visitorSignedInHeading")
        self.badge_heading = label("ticketInfo", self.card)
        self.badge = label("ticketNumber", self.card, "visitorBadgeNumber")
        self.host = label("ticketInfo", self.card, "visitorSignedInHost")
        for widget in (self.heading, self.badge_heading, self.badge, self.host):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(widget)
        self.instructions = label("", self, "visitorInstructions")
        self.done_button = button("primary", "visitorDoneButton", self)
        self.done_button.clicked.connect(self.done)
        self.layout_.addWidget(self.card)
        self.layout_.addWidget(self.instructions)
        self.layout_.addWidget(self.done_button)
        self.layout_.addStretch(1)

    def show_visit(self, visit) -> None:
        self.visit = visit
        self.retranslate()

    def retranslate(self) -> None:
        set_text(self.done_button, _("Done"))
        visit = self.visit
        if visit is None:
            for widget in (self.heading, self.badge_heading, self.badge, self.host, self.instructions):
                widget.clear()
            return
        self.heading.setText(_("You are signed in."))
        self.badge_heading.setText(_("Your badge number:"))
        self.badge.setText(visit.badge)
        self.badge.setAccessibleName(_("Badge number {badge}", badge=" ".join(visit.badge)))
        self.host.setText(_("Visiting: {host}", host=visit.host))
        self.instructions.setText(
            _(
                "Please go to the security desk now to collect your visitor badge. Wear it while you are in "
                "the building and give it back at the desk when you leave."
            )
        )

    def reset(self) -> None:
        self.visit = None
        self.retranslate()

    def first_focus(self) -> QWidget | None:
        return self.done_button


class VisitorSteps(QObject):
    """The two screens in the kiosk window, and the welcome screen's entry when the setting is on."""

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self.window = window
        self.form = VisitorSignInScreen(window)
        self.done = VisitorSignedInScreen(window)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self._timeout)
        self.form.submitted.connect(self.submit)
        self.done.done.connect(window.reset)
        self.enable(getattr(window, "visitor_self_sign_in", False))

    @property
    def screens(self) -> dict[Step, Screen]:
        return {Step.VISITOR_SIGN_IN: self.form, Step.VISITOR_SIGNED_IN: self.done}

    def enable(self, on: bool) -> None:
        """Offer the sign-in on the welcome screen (the ``visitor_self_sign_in`` setting)."""
        self.window.visitor_self_sign_in = on
        if on and self.form.entry is None:
            with use_language(self.window.flow.visit.language):
                self.form.add_entry(self.window.welcome).clicked.connect(self.start)
        if self.form.entry is not None:
            self.form.entry.setVisible(on)
            self.window.welcome.lay_out_entries()

    def start(self) -> None:
        window = self.window
        window.build_screens()
        if window.flow.step == Step.WELCOME:
            window.flow.choose_language(window.flow.visit.language)
        window.flow.go(Step.VISITOR_SIGN_IN)
        self.form.reset()
        window._show_step()
        self.load_hosts()

    def load_hosts(self) -> None:
        from kiosk.services import visitors

        window = self.window
        visit, folder = window.flow.visit, window.catalogue_dir

        def loaded(names: list[str]) -> None:
            if window.flow.visit is visit and window.flow.step == Step.VISITOR_SIGN_IN:
                with use_language(visit.language):
                    self.form.set_hosts(names)

        window.runner.submit(lambda: visitors.host_choices(visit.language, folder), loaded, lambda _exc: None)

    def submit(self, values: dict) -> None:
        window = self.window
        if window.ctx is None:
            return
        from kiosk.domain.visitors import VisitSource
        from kiosk.services import visitors

        ctx, visit = window.ctx, window.flow.visit
        hours = getattr(window, "visitor_badge_hours", 0)
        self.form.set_busy(True)
        self.form.show_error("")

        def signed_in(visitor) -> None:
            if window.flow.visit is not visit:
                return  # the visit ended (idle reset) while the sign-in was being stored
            self.form.reset()
            window.flow.visitor_signed_in(visitor)
            with use_language(visit.language):
                self.done.show_visit(visitor)
            window._show_step()
            self.timer.start(window.ticket_screen_seconds * 1000)

        def failed(exc: Exception) -> None:
            if window.flow.visit is not visit:
                return
            self.form.set_busy(False)
            with use_language(visit.language):
                self.form.show_error(user_message(exc))
            self.form.name_field.setFocus()

        window.runner.submit(
            lambda: visitors.sign_in(
                ctx,
                name=values["name"],
                host=values["host"],
                purpose=values["purpose"],
                source=VisitSource.KIOSK,
                badge_hours=hours,
            ),
            signed_in,
            failed,
        )

    def _timeout(self) -> None:
        if self.window.flow.step == Step.VISITOR_SIGNED_IN:
            self.window.reset()
