"""Who is at a staff station: sign in before the station shows, sign out (or be signed out when
the station is left alone) back to the sign-in dialog. The station acts under the signed-in name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from kiosk.domain.staff import Role
from kiosk.i18n import _, use_language
from kiosk.services import staff
from kiosk.services.context import ServiceContext
from kiosk.services.staff import SignedIn
from kiosk.ui.stations.sign_in import SignInDialog
from kiosk.ui.tasks import TaskRunner
from kiosk.ui.widgets.buttons import button, set_text

log = logging.getLogger(__name__)


class StaffSession(QObject):
    """Guards ``window`` (a station with ``attach(ctx)``) behind a staff sign-in for ``roles``."""

    def __init__(
        self,
        window: QMainWindow,
        roles: tuple[Role, ...],
        *,
        station: str,
        language: str = "en",
        lock_for: timedelta = staff.DEFAULT_LOCK,
        idle_sign_out_minutes: int = 0,
        on_signed_in: Callable[[SignedIn], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.roles = roles
        self.station = station
        self.language = language
        self.lock_for = lock_for
        self.on_signed_in = on_signed_in
        self.base_ctx: ServiceContext | None = None
        self.user: SignedIn | None = None
        self.runner = TaskRunner(self)
        self.dialog: SignInDialog | None = None
        self.who = QLabel(window)
        self.who.setObjectName("signedInAs")
        self.sign_out_button = button("", "signOutButton", window)
        self.sign_out_button.clicked.connect(self.sign_out)
        window.statusBar().addPermanentWidget(self.who)
        window.statusBar().addPermanentWidget(self.sign_out_button)
        self.idle = QTimer(self, singleShot=True)
        self.idle.timeout.connect(self._idle_sign_out)
        self.idle_ms = idle_sign_out_minutes * 60_000
        if self.idle_ms:
            QApplication.instance().installEventFilter(self)

    # The backend arrives after the first frame; until then the dialog says to wait.
    def attach(self, ctx: ServiceContext) -> None:
        self.base_ctx = ctx
        self.runner.submit(lambda: staff.has_users(ctx), self._users_known)

    def backend_unavailable(self) -> None:
        if self.dialog is not None:
            with use_language(self.language):
                self.dialog._show(_("The database is not reachable yet. Please wait a moment and try again."))

    def _users_known(self, any_user: bool) -> None:
        if not any_user and self.dialog is not None:
            with use_language(self.language):
                self.dialog._show(
                    _(
                        "No staff account exists yet. An administrator creates the first one with: {command}",
                        command="kiosk users add NAME --role admin",
                    )
                )

    def start(self) -> None:
        self.window.hide()
        self.dialog = SignInDialog(
            lambda: self.base_ctx,
            self.roles,
            language=self.language,
            runner=self.runner,
            lock_for=self.lock_for,
        )
        self.dialog.signed_in.connect(self._signed_in)
        self.dialog.rejected.connect(self._cancelled)
        self.dialog.show()
        if self.base_ctx is not None:
            self.attach(self.base_ctx)

    def sign_in_as(self, user: SignedIn) -> None:
        """For the demo and tests: a session without the dialog."""
        self._signed_in(user)

    def _signed_in(self, user: SignedIn) -> None:
        self.user = user
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        with use_language(self.language):
            self.who.setText(_("Signed in: {name} ({role})", name=user.display_name, role=_(user.role.label)))
            set_text(self.sign_out_button, _("Log out"))
        if hasattr(self.window, "set_admin"):
            self.window.set_admin(user.role is Role.ADMIN)
        if self.base_ctx is not None:
            self.window.attach(replace(self.base_ctx, actor=user.username, station=self.station))
        if self.on_signed_in is not None:
            self.on_signed_in(user)
        self.window.show()
        if self.idle_ms:
            self.idle.start(self.idle_ms)

    def _cancelled(self) -> None:
        if self.user is None:
            QApplication.instance().quit()

    def sign_out(self) -> None:
        if self.user is None:
            return
        log.info("Staff user %s signed out at %s", self.user.username, self.station)
        self.user = None
        self.idle.stop()
        self.start()

    def _idle_sign_out(self) -> None:
        if self.user is not None:
            log.info("Signed out after %d minutes without input", self.idle_ms // 60_000)
            self.sign_out()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if (
            self.idle_ms
            and self.user is not None
            and event.type()
            in (
                QEvent.Type.KeyPress,
                QEvent.Type.MouseButtonPress,
            )
        ):
            self.idle.start(self.idle_ms)
        return False
