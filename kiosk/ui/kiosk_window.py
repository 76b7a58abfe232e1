"""The visitor kiosk: language, service, optional name, ticket; idle reset; large print."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractButton, QGridLayout, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.i18n import _, use_language
from kiosk.ui.flow import KioskFlow, Step
from kiosk.ui.reader import ScreenReader
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.buttons import button, set_text
from kiosk.ui.widgets.keypad import KeypadNavigator

if TYPE_CHECKING:
    from kiosk.services.context import ServiceContext
    from kiosk.services.ports import Speaker
    from kiosk.ui.screens.lookup import AnswerScreen, LookupScreen
    from kiosk.ui.screens.name import NameScreen
    from kiosk.ui.screens.report import (
        ReportDoneScreen,
        ReportFormScreen,
        ReportReviewScreen,
        ReportServicesScreen,
        RequestStatusScreen,
    )
    from kiosk.ui.screens.rooms import RoomBookedScreen, RoomCheckInScreen, RoomsScreen
    from kiosk.ui.screens.services import ServicesScreen
    from kiosk.ui.screens.ticket import TicketScreen
    from kiosk.ui.widgets.idle import IdleOverlay, IdleWatcher

log = logging.getLogger(__name__)

# Screens with "Back" and "Start over" (Escape goes back too).
STEPS_WITH_BACK = (
    Step.SERVICES,
    Step.NAME,
    Step.ROOMS,
    Step.ROOM_CHECK_IN,
    Step.REPORT,
    Step.REPORT_FORM,
    Step.REPORT_REVIEW,
    Step.REQUEST_STATUS,
    Step.LOOKUP,
    Step.ANSWER,
    Step.FEEDBACK,
    Step.FEEDBACK_RATE,
    Step.VISITOR_SIGN_IN,
)


class KioskWindow(QWidget):
    """One visitor at a time. Everything a visitor did is dropped when the visit ends.

    Start-up builds only the welcome screen; the other screens are built once the first frame is
    up (when the database is attached, or at the first touch, whichever comes first), so the
    lobby sees a working welcome screen as early as possible.
    """

    ticket_issued = Signal(object)
    room_booking_made = Signal(object, str)  # the booking, the room's name: its receipt is printed
    request_filed = Signal(object)
    answer_print_requested = Signal(
        object, object
    )  # a lookup entry and its bureau: print it  # a report or request is in the outbox: wake the sync, print its receipt

    def __init__(
        self,
        *,
        building_name: str,
        building_address: str = "",
        default_language: str = "en",
        idle_seconds: int = 60,
        idle_warning_seconds: int = 30,
        ticket_screen_seconds: int = 25,
        runner: TaskRunner | None = None,
        speaker: Speaker | None = None,
        chinese_voice: str = "yue",
        catalogue_dir=None,
    ) -> None:
        super().__init__()
        self.setObjectName("kioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.ctx: ServiceContext | None = None
        self.flow = KioskFlow(default_language=default_language, default_chinese_voice=chinese_voice)
        self.runner = runner or TaskRunner(self)
        self.ticket_screen_seconds = ticket_screen_seconds
        self.building_address = building_address or building_name
        self.catalogue_dir = catalogue_dir  # where an admin's imported catalogue files are
        self.printing_available = False  # set by the composition root when a printer is configured

        self.building = label("building", self, "buildingName")
        self.building.setText(building_name)
        self.reader = ScreenReader(self, speaker)
        self.speech_button = button("switch", "speechButton", self)
        self.speech_button.setCheckable(True)
        self.speech_button.clicked.connect(self.toggle_speech)
        self.speech_button.setVisible(self.reader.available)
        # Spoken Chinese: Cantonese or Mandarin, shown while the visitor reads Chinese.
        self.chinese_voice_button = button("switch", "chineseVoiceButton", self)
        self.chinese_voice_button.clicked.connect(self.toggle_chinese_voice)
        self.chinese_voice_button.setVisible(False)
        self.high_contrast_button = button("switch", "highContrastButton", self)
        self.high_contrast_button.setCheckable(True)
        self.high_contrast_button.clicked.connect(self.toggle_high_contrast)
        self.large_print_button = button("switch", "largePrintButton", self)
        self.large_print_button.setCheckable(True)
        self.large_print_button.clicked.connect(self.toggle_large_print)
        self.header = QGridLayout()
        self.header.setContentsMargins(48, 16, 48, 0)
        self.header.setHorizontalSpacing(16)

        self.idle_seconds = idle_seconds
        self.idle_warning_seconds = idle_warning_seconds
        self.welcome = WelcomeScreen(self)
        self.services: ServicesScreen | None = None
        self.name_screen: NameScreen | None = None
        self.ticket: TicketScreen | None = None
        self.rooms: RoomsScreen | None = None
        self.room_check_in: RoomCheckInScreen | None = None
        self.room_booked: RoomBookedScreen | None = None
        self.report: ReportServicesScreen | None = None
        self.report_form: ReportFormScreen | None = None
        self.report_review: ReportReviewScreen | None = None
        self.report_done: ReportDoneScreen | None = None
        self.request_status: RequestStatusScreen | None = None
        self.lookup: LookupScreen | None = None
        self.answer: AnswerScreen | None = None
        self._catalogue = None
        self._pending_draft = None
        self.scanner = None
        self.feedback = None  # the rate-your-visit steps (kiosk.ui.screens.feedback), built with the others
        self.feedback_url = ""  # the feedback_url setting: its links are scanned as ratings too
        # The visitor_self_sign_in and visitor_badge_hours settings (kiosk.ui.screens.visitor_sign_in).
        self.visitor_self_sign_in = False
        self.visitor_badge_hours = 0
        self.visitor_steps = None
        self.overlay: IdleOverlay | None = None
        self.idle: IdleWatcher | None = None
        self.screens: dict[Step, Screen] = {Step.WELCOME: self.welcome}
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)

        self.back_button = button("", "backButton", self)
        self.start_over_button = button("", "startOverButton", self)
        self.back_button.clicked.connect(self.go_back)
        self.start_over_button.clicked.connect(self.reset)
        footer = QHBoxLayout()
        footer.setContentsMargins(48, 0, 48, 24)
        footer.addWidget(self.back_button)
        footer.addStretch(1)
        footer.addWidget(self.start_over_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.header)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)

        self.ticket_timer = QTimer(self, interval=1000)
        self.ticket_timer.timeout.connect(self._ticket_tick)
        self.room_timer = QTimer(self, singleShot=True)
        self.room_timer.timeout.connect(self._room_timeout)
        self.welcome.language_chosen.connect(self.choose_language)
        self.welcome.search_chosen.connect(self.search_from_welcome)
        self.keypad = KeypadNavigator(
            self,
            self.move_focus,
            self.keypad_back,
            self.keypad_star,
            extra={
                Qt.Key.Key_NumberSign: self.keypad_help,
                Qt.Key.Key_Plus: lambda: self.change_voice(volume=+10),
                Qt.Key.Key_Minus: lambda: self.change_voice(volume=-10),
                Qt.Key.Key_7: lambda: self.change_voice(rate=-20),
                Qt.Key.Key_9: lambda: self.change_voice(rate=+20),
            },
        )

        self._apply_voice()
        self._apply_theme()
        self._show_step()

    def build_screens(self) -> None:
        """Build the screens after the welcome one (idempotent)."""
        if self.services is not None:
            return
        from kiosk.ui.screens.lookup import AnswerScreen, LookupScreen
        from kiosk.ui.screens.name import NameScreen
        from kiosk.ui.screens.report import (
            ReportDoneScreen,
            ReportFormScreen,
            ReportReviewScreen,
            ReportServicesScreen,
            RequestStatusScreen,
        )
        from kiosk.ui.screens.rooms import RoomBookedScreen, RoomCheckInScreen, RoomsScreen
        from kiosk.ui.screens.services import ServicesScreen
        from kiosk.ui.screens.ticket import TicketScreen
        from kiosk.ui.widgets.idle import IdleOverlay, IdleWatcher

        self.services = ServicesScreen(self)
        self.name_screen = NameScreen(self)
        self.ticket = TicketScreen(self)
        self.rooms = RoomsScreen(self)
        self.room_check_in = RoomCheckInScreen(self)
        self.room_booked = RoomBookedScreen(self)
        self.report = ReportServicesScreen(self)
        self.report_form = ReportFormScreen(self)
        self.report_review = ReportReviewScreen(self)
        self.report_done = ReportDoneScreen(self)
        self.request_status = RequestStatusScreen(self)
        self.lookup = LookupScreen(self)
        self.answer = AnswerScreen(self)
        self.screens.update(
            {
                Step.SERVICES: self.services,
                Step.NAME: self.name_screen,
                Step.TICKET: self.ticket,
                Step.ROOMS: self.rooms,
                Step.ROOM_CHECK_IN: self.room_check_in,
                Step.ROOM_BOOKED: self.room_booked,
                Step.REPORT: self.report,
                Step.REPORT_FORM: self.report_form,
                Step.REPORT_REVIEW: self.report_review,
                Step.REPORT_DONE: self.report_done,
                Step.REQUEST_STATUS: self.request_status,
                Step.LOOKUP: self.lookup,
                Step.ANSWER: self.answer,
            }
        )
        from kiosk.ui.screens.feedback import FeedbackSteps

        self.feedback = FeedbackSteps(self)
        self.screens.update(self.feedback.screens)
        self.welcome.rate_chosen.connect(self.feedback.start)
        from kiosk.ui.screens.visitor_sign_in import VisitorSteps

        self.visitor_steps = VisitorSteps(self)
        self.screens.update(self.visitor_steps.screens)
        for screen in self.screens.values():
            if screen is not self.welcome:
                self.stack.addWidget(screen)
        self.services.service_chosen.connect(self.choose_service)
        self.services.rooms_chosen.connect(self.choose_rooms)
        self.services.room_check_in_chosen.connect(self.choose_room_check_in)
        self.rooms.slot_chosen.connect(self.book_room)
        self.room_check_in.submitted.connect(self.check_in_room)
        self.room_booked.done.connect(self.reset)
        self.services.report_chosen.connect(self.choose_report)
        self.services.request_status_chosen.connect(self.choose_request_status)
        self.report.chosen.connect(self.choose_report_service)
        self.report_form.review.connect(self.review_report)
        self.report_review.change.connect(self.go_back)
        self.report_review.send.connect(self.send_report)
        self.report_done.done.connect(self.reset)
        self.request_status.submitted.connect(self.check_request)
        self.services.lookup_chosen.connect(self.choose_lookup)
        self.lookup.search_requested.connect(self.search_information)
        self.lookup.browse_requested.connect(self.browse_information)
        self.lookup.entry_chosen.connect(self.show_answer)
        self.lookup.help_requested.connect(lambda: self.choose_service("information"))
        self.answer.take_ticket.connect(self.choose_service)
        self.answer.report.connect(self.report_from_answer)
        self.answer.print_requested.connect(
            lambda entry: self.answer_print_requested.emit(entry, self.answer.bureau)
        )
        self.answer.read_requested.connect(self.read_answer)
        self.name_screen.submitted.connect(self.submit)
        self.ticket.done.connect(self.reset)

        self._listen_for_scans()
        with use_language(self.flow.visit.language):
            self.welcome.add_search()
        self.overlay = IdleOverlay(self)
        self.idle = IdleWatcher(self, self.idle_seconds * 1000, self.idle_warning_seconds)
        self.idle.tick.connect(self._idle_tick)
        self.idle.expired.connect(self.reset)
        self.overlay.more_time.connect(self._more_time)
        self.overlay.start_over.connect(self.reset)
        for screen in self.screens.values():
            # Grabbing the touch gesture costs ~15 ms the first time: not before the first frame.
            screen.enable_touch_scrolling()
        self._apply_theme()
        self._retranslate()

    # -- wiring -------------------------------------------------------------------------------
    def attach(self, ctx: ServiceContext) -> None:
        """The database is ready: build the rest of the kiosk and load the services offered."""
        self.ctx = ctx
        self.build_screens()
        self.reload_services()

    def reload_services(self, on_loaded: Callable[[], None] | None = None) -> None:
        if self.ctx is None:
            return
        ctx = self.ctx

        from kiosk.services import checkin

        def loaded(services) -> None:
            self.build_screens()
            self.services.set_services(services)
            self._retranslate()
            if on_loaded:
                on_loaded()

        self.runner.submit(lambda: checkin.list_services(ctx), loaded, self._background_error)

    # -- visitor actions ----------------------------------------------------------------------
    def choose_language(self, code: str) -> None:
        self.build_screens()
        self.flow.choose_language(code)
        self._show_step()

    def choose_service(self, code: str) -> None:
        self.flow.choose_service(code)
        self.name_screen.reset()
        self._show_step()

    def submit(self, first_name: str | None) -> None:
        if self.ctx is None or self.flow.visit.service_code is None:
            return
        from kiosk.domain.errors import InvalidInput
        from kiosk.services import checkin

        visit = self.flow.visit
        ctx, code = self.ctx, visit.service_code
        self.name_screen.set_busy(True)
        self.name_screen.show_error("")

        def issued(result) -> None:
            if self.flow.visit is not visit:
                return  # the visit ended (idle reset) while the ticket was being made
            self.name_screen.set_busy(False)
            self.flow.ticket_issued(result)
            self.name_screen.reset()
            self.ticket.show_result(result, self.ticket_screen_seconds)
            self._show_step()
            self.ticket_timer.start()
            self.ticket_issued.emit(result)

        def failed(exc: Exception) -> None:
            if self.flow.visit is not visit:
                return
            self.name_screen.set_busy(False)
            with use_language(self.flow.visit.language):
                self.name_screen.show_error(user_message(exc))
            if isinstance(exc, InvalidInput):
                self.name_screen.field.setFocus()

        language, accommodation = visit.language, self.name_screen.wants_accommodation()
        self.runner.submit(
            lambda: checkin.check_in(ctx, code, first_name, language=language, accommodation=accommodation),
            issued,
            failed,
        )

    # -- city information -------------------------------------------------------------------------
    def search_from_welcome(self) -> None:
        """Search needs no language first: the kiosk's language, and words of any language found."""
        self.choose_language(self.flow.visit.language)
        self.choose_lookup()

    def choose_lookup(self) -> None:
        self.flow.go(Step.LOOKUP)
        self.lookup.reset()
        self._show_step()

    def search_information(self, text: str) -> None:
        from kiosk.services import lookup

        ctx, visit, folder = self.ctx, self.flow.visit, self.catalogue_dir

        def found(result) -> None:
            if (
                self.flow.visit is visit
                and self.flow.step == Step.LOOKUP
                and self.lookup.field.text() == text
            ):
                self._catalogue = result.catalogue
                with use_language(visit.language):
                    self.lookup.show_results(text, result.entries)

        self.runner.submit(lambda: lookup.search(ctx, text, folder), found, self._background_error)

    def browse_information(self, kind: str) -> None:
        from kiosk.services import lookup

        ctx, visit, folder = self.ctx, self.flow.visit, self.catalogue_dir

        def found(result) -> None:
            if self.flow.visit is visit and self.flow.step == Step.LOOKUP:
                self._catalogue = result.catalogue
                with use_language(visit.language):
                    self.lookup.show_results("", result.entries, browsing=kind)

        self.runner.submit(lambda: lookup.browse(ctx, kind, folder), found, self._background_error)

    def show_answer(self, entry) -> None:
        catalogue = self._catalogue
        bureau = catalogue.bureaus.get(entry.bureau) if catalogue is not None and entry.bureau else None
        self.flow.go(Step.ANSWER)
        self.answer.print_available = self.printing_available
        self.answer.speech_available = self.reader.available
        with use_language(self.flow.visit.language):
            self.answer.show_entry(entry, bureau)
        self._show_step()

    def report_from_answer(self, code: str) -> None:
        from kiosk.services import requests

        ctx, visit = self.ctx, self.flow.visit

        def loaded(offered) -> None:
            if self.flow.visit is not visit:
                return
            with use_language(visit.language):
                self.report.set_offered(offered)
            self.choose_report_service(code)

        self.runner.submit(lambda: requests.offered(ctx), loaded, self._background_error)

    def read_answer(self) -> None:
        """Read the answer aloud, turning speech on for the visit if it was off."""
        if not self.reader.available:
            return
        if not self.flow.visit.speech:
            self.toggle_speech()
        else:
            with use_language(self.flow.visit.language):
                self.reader.read_screen(self.answer, self.flow.visit.language)

    # -- reports and requests ---------------------------------------------------------------------
    def choose_report(self) -> None:
        from kiosk.services import requests

        self.flow.go(Step.REPORT)
        self.report.reset()
        self._show_step()
        if self.ctx is None:
            return
        ctx, visit = self.ctx, self.flow.visit

        def loaded(offered) -> None:
            if self.flow.visit is visit and self.flow.step == Step.REPORT:
                with use_language(visit.language):
                    self.report.set_offered(offered)
                target = self.report.first_focus()
                if target is not None:
                    target.setFocus()

        self.runner.submit(lambda: requests.offered(ctx), loaded, self._background_error)

    def choose_report_service(self, code: str) -> None:
        offered = next((o for o in self.report.offered or [] if o.service.code == code), None)
        if offered is None:
            return
        self.flow.go(Step.REPORT_FORM)
        with use_language(self.flow.visit.language):
            self.report_form.set_offered(offered)
        self._show_step()

    def review_report(self) -> None:
        draft = self.report_form.draft(self._now(), self._zone())
        self.flow.go(Step.REPORT_REVIEW)
        with use_language(self.flow.visit.language):
            self.report_review.reset()
            self.report_review.show_draft(self.report_form.offered, draft, self.report_form.boxes)
        self._pending_draft = draft
        self._show_step()

    def send_report(self) -> None:
        if self.ctx is None:
            return
        from kiosk.domain.requests import InvalidAnswers
        from kiosk.services import requests

        ctx, visit, draft = self.ctx, self.flow.visit, self._pending_draft
        self.report_review.set_busy(True)

        def filed(request) -> None:
            if self.flow.visit is not visit:
                return
            self.report_review.set_busy(False)
            self.flow.request_filed(request)
            with use_language(visit.language):
                self.report_done.show_request(request)
            self._show_step()
            self.room_timer.start(self.ticket_screen_seconds * 1000 * 2)
            self.request_filed.emit(request)

        def failed(exc: Exception) -> None:
            if self.flow.visit is not visit:
                return
            self.report_review.set_busy(False)
            with use_language(visit.language):
                if isinstance(exc, InvalidAnswers):
                    # Back to the questions, each problem next to its answer; nothing typed is lost.
                    self.flow.go(Step.REPORT_FORM)
                    self._show_step()
                    self.report_form.show_problems({code: _(msgid) for code, msgid in exc.problems.items()})
                else:
                    self.report_review.show_error(user_message(exc))

        self.runner.submit(
            lambda: requests.submit(ctx, draft, visit.language, self.building_address), filed, failed
        )

    def choose_request_status(self) -> None:
        self.flow.go(Step.REQUEST_STATUS)
        self.request_status.reset()
        self._show_step()

    def check_request(self, text: str) -> None:
        """A reference typed on the status screen, or scanned anywhere on the kiosk."""
        if self.ctx is None:
            return
        from kiosk.services import requests

        self.build_screens()
        ctx, visit = self.ctx, self.flow.visit
        if self.flow.step != Step.REQUEST_STATUS:
            self.flow.go(Step.REQUEST_STATUS)
            self.request_status.reset()
            self._show_step()

        def found(request) -> None:
            if self.flow.visit is visit:
                with use_language(visit.language):
                    self.request_status.show_request(request, ctx.timezone)

        def failed(exc: Exception) -> None:
            if self.flow.visit is visit:
                with use_language(visit.language):
                    self.request_status.show_error(user_message(exc))

        self.runner.submit(lambda: requests.lookup(ctx, text), found, failed)

    def _now(self):
        from datetime import UTC, datetime

        return self.ctx.now() if self.ctx is not None else datetime.now(UTC)

    def _zone(self):
        from zoneinfo import ZoneInfo

        return self.ctx.timezone if self.ctx is not None else ZoneInfo("UTC")

    def _scanned(self, payload: str) -> None:
        from kiosk.domain.requests import QR_PREFIX as REQUEST_PREFIX

        if payload.upper().startswith(REQUEST_PREFIX):
            self.check_request(payload)
        elif self.feedback.claims(payload):
            self.feedback.scanned(payload)
        else:
            self.check_in_room(payload)

    # -- discussion rooms -------------------------------------------------------------------------
    def _listen_for_scans(self) -> None:
        """A receipt's QR code held under the scanner: a booking checks in, a request shows its status."""
        from kiosk.domain.requests import QR_PREFIX as REQUEST_PREFIX
        from kiosk.domain.rooms import QR_PREFIX
        from kiosk.ui.widgets.scanner import ScanListener

        self.scanner = ScanListener((QR_PREFIX, REQUEST_PREFIX, *self.feedback.scan_prefixes()), self)
        self.scanner.scanned.connect(self._scanned)
        if self.windowHandle() is not None:
            self.scanner.watch(self.windowHandle())

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.scanner is not None and self.scanner.window is not self.windowHandle():
            self.scanner.watch(self.windowHandle())

    def choose_rooms(self) -> None:
        self.flow.choose_rooms()
        self.rooms.reset()
        self._show_step()
        self.load_rooms()

    def load_rooms(self, error: str = "") -> None:
        if self.ctx is None:
            return
        from kiosk.services import rooms

        ctx, visit = self.ctx, self.flow.visit

        def loaded(days) -> None:
            if self.flow.visit is not visit or self.flow.step != Step.ROOMS:
                return
            with use_language(visit.language):
                self.rooms.set_days(days, ctx.timezone)
                self.rooms.show_error(error)
            target = self.rooms.first_focus()
            if target is not None:
                target.setFocus()

        self.runner.submit(lambda: rooms.today(ctx), loaded, self._background_error)

    def book_room(self, room_code: str, starts_at) -> None:
        if self.ctx is None:
            return
        from kiosk.services import rooms

        ctx, visit = self.ctx, self.flow.visit

        def book():
            booking = rooms.book(ctx, room_code, starts_at, source="kiosk")
            # The visitor is here: a room starting now, or within the check-in window, is checked in.
            soon = starts_at - ctx.now() <= timedelta(minutes=ctx.room_hours.check_in_early_minutes)
            return rooms.check_in(ctx, booking.code) if soon else booking

        def failed(exc: Exception) -> None:
            if self.flow.visit is not visit:
                return
            with use_language(visit.language):
                message = user_message(exc)
            self.load_rooms(error=message)  # what is free has changed: show it again

        def booked(booking) -> None:
            self._show_booking(visit, booking)
            if self.flow.visit is visit:
                self.room_booking_made.emit(booking, self.room_booked.room_name)

        self.runner.submit(book, booked, failed)

    def choose_room_check_in(self) -> None:
        self.flow.choose_room_check_in()
        self.room_check_in.reset()
        self._show_step()

    def check_in_room(self, code_text: str) -> None:
        """The code typed on the check-in screen, or scanned anywhere on the kiosk."""
        if self.ctx is None:
            return
        from kiosk.services import rooms

        self.build_screens()
        ctx, visit = self.ctx, self.flow.visit

        def failed(exc: Exception) -> None:
            if self.flow.visit is not visit:
                return
            if self.flow.step != Step.ROOM_CHECK_IN:
                self.flow.choose_room_check_in()
                self.room_check_in.reset()
                self._show_step()
            with use_language(visit.language):
                self.room_check_in.show_error(user_message(exc))

        self.runner.submit(
            lambda: rooms.check_in(ctx, code_text), lambda b: self._show_booking(visit, b), failed
        )

    def _show_booking(self, visit, booking) -> None:
        if self.flow.visit is not visit:
            return
        room = next((d.room.name for d in (self.rooms.days or []) if d.room.code == booking.room_code), None)
        self.flow.room_booked(booking)
        self.room_booked.show_booking(
            booking, room or "", self.ctx.timezone, self.ctx.room_hours.grace_minutes
        )
        self._show_step()
        self.room_timer.start(self.ticket_screen_seconds * 1000)
        if room is None:
            self._name_room(visit, booking)

    def _name_room(self, visit, booking) -> None:
        """A scanned check-in comes without the room list loaded: fetch the room's name."""
        from kiosk.services import rooms

        ctx = self.ctx

        def named(found) -> None:
            if self.flow.visit is visit and found is not None:
                with use_language(visit.language):
                    self.room_booked.show_booking(
                        booking, found.name, ctx.timezone, ctx.room_hours.grace_minutes
                    )

        self.runner.submit(
            lambda: next((r for r in rooms.list_rooms(ctx, True) if r.code == booking.room_code), None), named
        )

    def _room_timeout(self) -> None:
        if self.flow.step in (Step.ROOM_BOOKED, Step.REPORT_DONE):
            self.reset()

    def move_focus(self, forward: bool) -> None:
        self.focusNextPrevChild(forward)

    def keypad_back(self) -> None:
        """The keypad's back key: one step back, or finish on the ticket and the warning."""
        if self.overlay is not None and self.overlay.isVisible():
            self._more_time()
        elif self.flow.step in (Step.TICKET, Step.ROOM_BOOKED, Step.REPORT_DONE):
            self.reset()
        elif self.flow.step != Step.WELCOME:
            self.go_back()

    def go_back(self) -> None:
        self.flow.back()
        self._show_step()

    def visit_language(self) -> str:
        return self.flow.visit.language

    def toggle_speech(self) -> None:
        self.build_screens()
        self.flow.visit.speech = not self.flow.visit.speech
        self.reader.enabled = self.flow.visit.speech
        if not self.flow.visit.speech:
            self.reader.stop()
        self._show_step(announce=True)

    def toggle_chinese_voice(self) -> None:
        self.flow.toggle_chinese_voice()
        self._apply_voice()
        self._show_step(announce=True)  # heard at once in the voice chosen

    def _apply_voice(self) -> None:
        if self.reader.speaker is not None:
            self.reader.speaker.chinese = self.flow.visit.chinese_voice

    def keypad_star(self) -> None:
        """The keypad's star: turns speech on, and when it is on, says the screen again."""
        if not self.reader.available:
            return
        if self.flow.visit.speech:
            self.reader.read_screen(self.screens[self.flow.step], self.flow.visit.language)
        else:
            self.toggle_speech()

    def keypad_help(self) -> None:
        """The keypad's #: say which key does what (turning speech on if it was off)."""
        if not self.reader.available:
            return
        if not self.flow.visit.speech:
            self.toggle_speech()
        with use_language(self.flow.visit.language):
            self.reader.say(
                _(
                    "Keypad: 2 and 8 move, 5 selects, 0 goes back, star repeats, plus and minus change "
                    "the volume, 7 and 9 change the speed."
                ),
                self.flow.visit.language,
            )

    def change_voice(self, volume: int = 0, rate: int = 0) -> None:
        speaker = self.reader.speaker
        if speaker is None or not self.flow.visit.speech:
            return
        speaker.volume = max(10, min(100, speaker.volume + volume))
        speaker.rate_wpm = max(80, min(300, speaker.rate_wpm + rate))
        with use_language(self.flow.visit.language):
            if volume:
                text = _("Volume {percent} percent", percent=speaker.volume)
            else:
                text = _("Speed {rate} words a minute", rate=speaker.rate_wpm)
            self.reader.say(text, self.flow.visit.language)

    def toggle_high_contrast(self) -> None:
        self.build_screens()
        self.flow.toggle_high_contrast()
        self._apply_theme()
        self._show_step()

    def toggle_large_print(self) -> None:
        self.build_screens()
        self.flow.toggle_large_print()
        self._apply_theme()
        self._show_step()

    def reset(self) -> None:
        """End the visit: clear every field and choice and return to the welcome screen."""
        self.ticket_timer.stop()
        self.room_timer.stop()
        if self.idle is not None:
            self.idle.disarm()
            self.overlay.hide()
        self.reader.stop()
        self.reader.enabled = False
        if self.reader.speaker is not None:
            # The next visitor starts from the standard voice.
            self.reader.speaker.volume, self.reader.speaker.rate_wpm = 50, 160
        self.flow.reset()
        self._apply_voice()
        for screen in self.screens.values():
            screen.reset()
        self._apply_theme()
        self._show_step()

    # -- internals ----------------------------------------------------------------------------
    def _apply_theme(self) -> None:
        large = self.flow.visit.large_print
        self.setStyleSheet(Theme(large_print=large, high_contrast=self.flow.visit.high_contrast).stylesheet())
        self.large_print_button.setChecked(large)
        self.high_contrast_button.setChecked(self.flow.visit.high_contrast)
        # Large print puts the two display switches on a row of their own, under the building name.
        self.speech_button.setChecked(self.flow.visit.speech)
        switches = (
            self.speech_button,
            self.chinese_voice_button,
            self.high_contrast_button,
            self.large_print_button,
        )
        for widget in (self.building, *switches):
            self.header.removeWidget(widget)
        if large:
            # The building on its own line, the display switches on the next one.
            self.header.addWidget(self.building, 0, 0, 1, len(switches) + 1)
            for column, widget in enumerate(switches, start=1):
                self.header.addWidget(widget, 1, column)
        else:
            self.header.addWidget(self.building, 0, 0)
            for column, widget in enumerate(switches, start=1):
                self.header.addWidget(widget, 0, column)
        self.header.setColumnStretch(0, 1)
        # In large print pages are often taller than the display: keep the scroll bar in place so the
        # page width never changes under the visitor's finger (and never leaves the bar over content).
        bar = Qt.ScrollBarPolicy.ScrollBarAlwaysOn if large else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        for screen in self.screens.values():
            screen.scroll.setVerticalScrollBarPolicy(bar)
            screen.apply_large_print(large)
        if self.overlay is not None:
            self.overlay.apply_large_print(large)

    def _retranslate(self) -> None:
        with use_language(self.flow.visit.language):
            set_text(
                self.large_print_button,
                _("Large print: on") if self.flow.visit.large_print else _("Large print: off"),
                _("Makes all text twice as large"),
            )
            set_text(
                self.high_contrast_button,
                _("High contrast: on") if self.flow.visit.high_contrast else _("High contrast: off"),
                _("Light text on a dark background"),
            )
            set_text(
                self.chinese_voice_button,
                _("Voice: Mandarin") if self.flow.visit.chinese_voice == "cmn" else _("Voice: Cantonese"),
                _("Switches spoken Chinese between Cantonese and Mandarin"),
            )
            self.chinese_voice_button.setVisible(
                self.reader.available
                and self.flow.visit.language == "zh_Hant"
                and self.flow.step != Step.WELCOME
            )
            set_text(
                self.speech_button,
                _("Read aloud: on") if self.flow.visit.speech else _("Read aloud: off"),
                _("Reads the screen and the selected button aloud. On the keypad, star repeats."),
            )
            set_text(self.back_button, _("Back"))
            set_text(self.start_over_button, _("Start over"), _("Clears everything and returns to the start"))
            for screen in self.screens.values():
                screen.retranslate()
            if self.overlay is not None:
                self.overlay.retranslate()

    def _show_step(self, announce: bool = False) -> None:
        step = self.flow.step
        screen = self.screens[step]
        self._retranslate()
        changed = self.stack.currentWidget() is not screen
        self.stack.setCurrentWidget(screen)
        in_visit = self.flow.in_visit
        self.back_button.setVisible(step in STEPS_WITH_BACK)
        self.start_over_button.setVisible(step in STEPS_WITH_BACK)
        if self.idle is None:
            pass
        elif in_visit or self.flow.display_changed:
            self.idle.arm()
        else:
            self.idle.disarm()
        target = screen.first_focus()
        # The screen is read whole when it opens; reading the focused button then would cut it off.
        self.reader.enabled = False
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reader.enabled = self.flow.visit.speech
        if changed or announce:
            with use_language(self.flow.visit.language):
                self.reader.read_screen(screen, self.flow.visit.language)

    def _idle_tick(self, seconds: int) -> None:
        first = not self.overlay.isVisible()
        with use_language(self.flow.visit.language):
            self.overlay.show_countdown(seconds)
            if first:
                self.reader.read_screen(self.overlay, self.flow.visit.language)

    def _more_time(self) -> None:
        self.overlay.hide()
        self.idle.more_time()
        target = self.screens[self.flow.step].first_focus()
        if target is not None:
            target.setFocus()

    def _ticket_tick(self) -> None:
        left = self.ticket.seconds_left - 1
        if left <= 0 or self.flow.step != Step.TICKET:
            self.reset()
            return
        with use_language(self.flow.visit.language):
            self.ticket.set_seconds_left(left)

    def backend_unavailable(self) -> None:
        """The database cannot be reached: say so calmly instead of waiting forever."""
        self.build_screens()
        if not self.services.services:
            with use_language(self.flow.visit.language):
                self.services.set_unavailable(True)

    def _background_error(self, exc: Exception) -> None:
        log.error("Kiosk background task failed: %s", type(exc).__name__)
        self.backend_unavailable()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and self.flow.step in STEPS_WITH_BACK:
            self.go_back()
            return
        focused = self.focusWidget()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(focused, QAbstractButton):
            # Enter selects the focused button, as a keypad's select key does (Qt uses Space).
            focused.click()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.overlay is not None and self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())
