"""Which kiosk screen follows which: plain Python, tested without widgets."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from kiosk.i18n import LANGUAGE_CODES


class Step(enum.StrEnum):
    WELCOME = "welcome"
    SERVICES = "services"
    NAME = "name"
    TICKET = "ticket"
    ROOMS = "rooms"
    ROOM_CHECK_IN = "room-check-in"
    ROOM_BOOKED = "room-booked"
    REPORT = "report"
    REPORT_FORM = "report-form"
    REPORT_REVIEW = "report-review"
    REPORT_DONE = "report-done"
    REQUEST_STATUS = "request-status"
    LOOKUP = "lookup"
    ANSWER = "answer"
    FEEDBACK = "feedback"
    FEEDBACK_RATE = "feedback-rate"
    FEEDBACK_THANKS = "feedback-thanks"
    VISITOR_SIGN_IN = "visitor-sign-in"
    VISITOR_SIGNED_IN = "visitor-signed-in"


@dataclass
class Visit:
    """Everything one visitor chose or typed; dropped whole when the visit ends."""

    language: str
    large_print: bool = False
    high_contrast: bool = False
    speech: bool = False
    chinese_voice: str = "yue"  # "yue" Cantonese or "cmn" Mandarin, when Chinese is read aloud
    service_code: str | None = None
    first_name: str | None = None
    result: object | None = None
    booking: object | None = None
    request: object | None = None  # a report or request filed in this visit
    feedback_visit: object | None = None  # the visit being rated (its first ticket), never a name
    visitor: object | None = None  # signed in at the security desk's log from this kiosk


@dataclass
class KioskFlow:
    default_language: str = "en"
    default_chinese_voice: str = "yue"
    step: Step = Step.WELCOME
    visit: Visit = field(init=False)

    def __post_init__(self) -> None:
        self.visit = Visit(language=self.default_language, chinese_voice=self.default_chinese_voice)

    def choose_language(self, code: str) -> None:
        if code not in LANGUAGE_CODES:
            raise ValueError(code)
        self.visit.language = code
        self.step = Step.SERVICES

    def toggle_large_print(self) -> bool:
        self.visit.large_print = not self.visit.large_print
        return self.visit.large_print

    def toggle_chinese_voice(self) -> str:
        self.visit.chinese_voice = "cmn" if self.visit.chinese_voice == "yue" else "yue"
        return self.visit.chinese_voice

    def toggle_high_contrast(self) -> bool:
        self.visit.high_contrast = not self.visit.high_contrast
        return self.visit.high_contrast

    @property
    def display_changed(self) -> bool:
        """The visitor changed how the kiosk looks: that too is cleared when they leave."""
        return (
            self.visit.large_print
            or self.visit.high_contrast
            or self.visit.speech
            or self.visit.chinese_voice != self.default_chinese_voice
        )

    def choose_service(self, code: str) -> None:
        self.visit.service_code = code
        self.step = Step.NAME

    def ticket_issued(self, result: object) -> None:
        self.visit.result = result
        # The ticket carries what staff need; the typed name is not kept in the session.
        self.visit.first_name = None
        self.step = Step.TICKET

    def choose_rooms(self) -> None:
        self.step = Step.ROOMS

    def choose_room_check_in(self) -> None:
        self.step = Step.ROOM_CHECK_IN

    def room_booked(self, booking: object) -> None:
        """A room booked, or a booking checked in: the code is on screen until the visit ends."""
        self.visit.booking = booking
        self.step = Step.ROOM_BOOKED

    def go(self, step: Step) -> None:
        """The report and request steps, which carry nothing but the step itself."""
        self.step = step

    def visitor_signed_in(self, visit: object) -> None:
        """Signed in at the kiosk: the badge number stays on screen until the visit ends."""
        self.visit.visitor = visit
        self.step = Step.VISITOR_SIGNED_IN

    def request_filed(self, request: object) -> None:
        self.visit.request = request
        self.step = Step.REPORT_DONE

    def back(self) -> None:
        previous = {
            Step.ROOMS: Step.SERVICES,
            Step.ROOM_CHECK_IN: Step.SERVICES,
            Step.REPORT: Step.SERVICES,
            Step.REQUEST_STATUS: Step.SERVICES,
            Step.REPORT_FORM: Step.REPORT,
            Step.REPORT_REVIEW: Step.REPORT_FORM,
            Step.LOOKUP: Step.SERVICES,
            Step.ANSWER: Step.LOOKUP,
            Step.FEEDBACK_RATE: Step.FEEDBACK,
            Step.VISITOR_SIGN_IN: Step.SERVICES,
        }
        if self.step in previous:
            self.step = previous[self.step]
        elif self.step in (
            Step.ROOM_BOOKED,
            Step.REPORT_DONE,
            Step.FEEDBACK,
            Step.FEEDBACK_THANKS,
            Step.VISITOR_SIGNED_IN,
        ):
            self.reset()
        elif self.step == Step.NAME:
            self.visit.first_name = None
            self.step = Step.SERVICES
        elif self.step == Step.SERVICES:
            self.visit.service_code = None
            self.step = Step.WELCOME
        elif self.step == Step.TICKET:
            self.reset()

    def reset(self) -> None:
        """End the visit: nothing the visitor chose or typed survives."""
        self.visit = Visit(language=self.default_language, chinese_voice=self.default_chinese_voice)
        self.step = Step.WELCOME

    @property
    def in_visit(self) -> bool:
        return self.step != Step.WELCOME
