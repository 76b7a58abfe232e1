"""Staff sign-in: a user name and a PIN or password, checked off the UI thread (argon2 takes 0.1-0.2 s).

The same dialog guards the staff stations and the kiosk's way out of kiosk mode; at the kiosk
there may be no physical keyboard, so it can carry the on-screen one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.domain.staff import Role
from kiosk.i18n import _, use_language
from kiosk.services import staff
from kiosk.services.context import ServiceContext
from kiosk.services.staff import SignedIn
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.widgets.buttons import button, set_text

log = logging.getLogger(__name__)


class SignInDialog(QDialog):
    signed_in = Signal(object)  # SignedIn

    def __init__(
        self,
        ctx_provider: Callable[[], ServiceContext | None],
        roles: tuple[Role, ...],
        *,
        language: str = "en",
        runner: TaskRunner | None = None,
        purpose: str = "",
        on_screen_keyboard: bool = False,
        lock_for: timedelta = staff.DEFAULT_LOCK,
        parent: QWidget | None = None,
        give_up_after_ms: int = 0,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setModal(True)
        self.ctx_provider = ctx_provider
        self.roles = roles
        self.language = language
        self.lock_for = lock_for
        self.runner = runner or TaskRunner(self)
        self.result_user: SignedIn | None = None
        self._busy = False

        self.purpose = QLabel(self)
        self.purpose.setObjectName("signInPurpose")
        self.purpose.setWordWrap(True)
        self._purpose_text = purpose
        self.username = QLineEdit(self)
        self.username.setObjectName("signInUsername")
        self.username.setMaxLength(64)
        self.secret = QLineEdit(self)
        self.secret.setObjectName("signInSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setMaxLength(128)
        self.username_label = QLabel(self)
        self.secret_label = QLabel(self)
        self.username_label.setBuddy(self.username)
        self.secret_label.setBuddy(self.secret)
        self.message = QLabel(self)
        self.message.setObjectName("signInMessage")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setAccessibleDescription("")
        self.sign_in_button = button("primary", "signInButton", self)
        self.cancel_button = button("", "signInCancel", self)
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.username.returnPressed.connect(self.secret.setFocus)
        self.secret.returnPressed.connect(self.submit)

        form = QFormLayout()
        form.addRow(self.username_label, self.username)
        form.addRow(self.secret_label, self.secret)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.purpose)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.keyboard = None
        if on_screen_keyboard:
            from kiosk.ui.widgets.keyboard import OnScreenKeyboard

            for field in (self.username, self.secret):
                field.setProperty(
                    "capitals", "none"
                )  # user names are lower case; Shift is there for passwords
            self.keyboard = OnScreenKeyboard(self.username, self)
            self.keyboard.setObjectName("signInKeyboard")
            self.keyboard.with_digits()  # PINs
            self.keyboard.done.connect(self._keyboard_done)
            self.username.installEventFilter(self)
            self.secret.installEventFilter(self)
            layout.addWidget(self.keyboard)
        layout.addLayout(buttons)
        if give_up_after_ms:
            # At the kiosk an abandoned dialog must not sit in front of the next visitor.
            self.give_up = QTimer(self, singleShot=True, interval=give_up_after_ms)
            self.give_up.timeout.connect(self.reject)
            self.username.textEdited.connect(lambda _t: self.give_up.start())
            self.secret.textEdited.connect(lambda _t: self.give_up.start())
            self.give_up.start()
        self.retranslate()
        self.username.setFocus()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        from PySide6.QtCore import QEvent

        if (
            self.keyboard is not None
            and event.type() == QEvent.Type.FocusIn
            and watched
            in (
                self.username,
                self.secret,
            )
        ):
            self.keyboard.set_target(watched)
        return super().eventFilter(watched, event)

    def _keyboard_done(self) -> None:
        if self.username.hasFocus() or not self.username.text():
            self.secret.setFocus()
        else:
            self.submit()

    def retranslate(self) -> None:
        with use_language(self.language):
            self.setWindowTitle(_("Staff sign-in"))
            self.purpose.setText(self._purpose_text or _("Sign in with your user name and PIN or password."))
            self.username_label.setText(_("User name"))
            self.secret_label.setText(_("PIN or password"))
            self.username.setAccessibleName(_("User name"))
            self.secret.setAccessibleName(_("PIN or password"))
            set_text(self.sign_in_button, _("Log in"))
            set_text(self.cancel_button, _("Cancel"))
            if self.keyboard is not None:
                self.keyboard.set_language("en")
                self.keyboard.retranslate()

    def submit(self) -> None:
        if self._busy:
            return
        ctx = self.ctx_provider()
        with use_language(self.language):
            if ctx is None:
                self._show(_("The database is not reachable yet. Please wait a moment and try again."))
                return
            if not self.username.text().strip() or not self.secret.text():
                self._show(_("Please enter your user name and your PIN or password."))
                return
        username, secret = self.username.text(), self.secret.text()
        self.secret.clear()
        self._busy = True
        self.sign_in_button.setEnabled(False)
        roles, lock_for = self.roles, self.lock_for
        self.runner.submit(
            lambda: staff.sign_in(ctx, username, secret, roles=roles, lock_for=lock_for),
            self._accepted,
            self._refused,
        )

    def _accepted(self, user: SignedIn) -> None:
        self._busy = False
        self.sign_in_button.setEnabled(True)
        self.result_user = user
        self.signed_in.emit(user)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._busy = False
        self.sign_in_button.setEnabled(True)
        with use_language(self.language):
            self._show(user_message(exc))
        self.secret.setFocus()

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
