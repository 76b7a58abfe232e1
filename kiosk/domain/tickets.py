"""Queue tickets: numbering, life cycle and the rules for changing state."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime

from kiosk.domain.errors import InvalidInput, InvalidTransition
from kiosk.domain.text import N_

FIRST_NAME_MAX = 40


class TicketStatus(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def label(self) -> str:
        """The untranslated label (a msgid)."""
        return STATUS_LABELS[self]


OPEN_STATUSES = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING})
AT_COUNTER = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})

STATUS_LABELS = {
    TicketStatus.WAITING: N_("Waiting"),
    TicketStatus.CALLED: N_("Called"),
    TicketStatus.SERVING: N_("Being served"),
    TicketStatus.DONE: N_("Served"),
    TicketStatus.NO_SHOW: N_("No-show"),
    TicketStatus.TRANSFERRED: N_("Transferred"),
    TicketStatus.CANCELLED: N_("Cancelled"),
}

# Which states each action may start from. Anything else is refused with InvalidTransition.
_ALLOWED = {
    "call": {TicketStatus.WAITING},
    "recall": {TicketStatus.CALLED},
    "start": {TicketStatus.CALLED},
    "finish": {TicketStatus.CALLED, TicketStatus.SERVING},
    "no_show": {TicketStatus.CALLED},
    "requeue": {TicketStatus.CALLED, TicketStatus.SERVING},
    "transfer": {TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING},
    "cancel": {TicketStatus.WAITING, TicketStatus.CALLED},
}


def format_number(prefix: str, sequence: int) -> str:
    """A012: the service's letter and a three-digit day sequence (more digits after 999)."""
    return f"{prefix}{sequence:03d}"


def spoken_number(number: str) -> str:
    """'A012' -> 'A 12': how a person says the number aloud."""
    letters = "".join(ch for ch in number if not ch.isdigit())
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"{letters} {int(digits)}" if digits else letters


def clean_first_name(raw: str | None) -> str | None:
    """What a visitor typed as a first name, made safe to store and show, or None.

    Control and format characters (NUL, bidi overrides) are dropped rather than refused, so a
    visitor never loses a ticket over an invisible character; over-long names are refused.
    """
    if raw is None:
        return None
    text = unicodedata.normalize("NFC", raw)
    text = "".join(
        " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    text = " ".join(text.split())
    if not text:
        return None
    if len(text) > FIRST_NAME_MAX:
        raise InvalidInput(N_("Please use at most {count} characters for your name."), count=FIRST_NAME_MAX)
    return text


@dataclass
class Ticket:
    number: str
    sequence: int
    service_code: str
    service_date: date
    created_at: datetime
    queued_at: datetime
    status: TicketStatus = TicketStatus.WAITING
    first_name: str | None = None
    priority: int = 0
    counter: str | None = None
    called_at: datetime | None = None
    serving_at: datetime | None = None
    finished_at: datetime | None = None
    recall_count: int = 0
    transferred_from_id: int | None = None
    # The language the visitor used at check-in: the display announces the call in it too.
    language: str = "en"
    # How the visit began: "kiosk", "desk" (a walk-in entered by reception) or "appointment".
    channel: str = "kiosk"
    # The visitor asked for an accommodation (accessibility priority, an interpreter, a seat).
    accommodation: bool = False
    # The wait the visitor was told at check-in, kept to measure the estimates against what happened.
    # None: the ticket never waited in line (served at the desk at once).
    estimated_wait_seconds: int | None = None
    # When the visitor was first called. A recall moves called_at (the display announces the ticket
    # again) but not this: the wait the visitor had ends here, in the reports and the estimates' error.
    first_called_at: datetime | None = None
    id: int | None = None

    def _check(self, action: str) -> None:
        if self.status not in _ALLOWED[action]:
            raise InvalidTransition(number=self.number)

    def call(self, counter: str, now: datetime) -> None:
        self._check("call")
        self.status = TicketStatus.CALLED
        self.counter = counter
        self.called_at = now
        self.first_called_at = now

    def recall(self, now: datetime) -> None:
        self._check("recall")
        self.recall_count += 1
        self.called_at = now

    def start_serving(self, now: datetime) -> None:
        self._check("start")
        self.status = TicketStatus.SERVING
        self.serving_at = now

    def finish(self, now: datetime) -> None:
        self._check("finish")
        if self.serving_at is None:
            self.serving_at = self.called_at or now
        self.status = TicketStatus.DONE
        self.finished_at = now

    def mark_no_show(self, now: datetime) -> None:
        self._check("no_show")
        self.status = TicketStatus.NO_SHOW
        self.finished_at = now

    def requeue(self) -> None:
        """Back to waiting in the same place in line (called by mistake, or visitor stepped away)."""
        self._check("requeue")
        self.status = TicketStatus.WAITING
        self.counter = None
        self.called_at = None
        # Called by mistake or stepped away: waiting again, until the next call.
        self.first_called_at = None
        self.serving_at = None

    def cancel(self, now: datetime) -> None:
        self._check("cancel")
        self.status = TicketStatus.CANCELLED
        self.finished_at = now

    def transfer(self, service_code: str, now: datetime) -> Ticket:
        """Close this ticket as transferred and return its continuation in the other service.

        The visitor keeps the number in their hand and their place by original arrival time, so a
        transfer never sends someone to the back of the line.
        """
        self._check("transfer")
        if service_code == self.service_code:
            raise InvalidTransition(N_("Ticket {number} is already in that service."), number=self.number)
        self.status = TicketStatus.TRANSFERRED
        self.finished_at = now
        return replace(
            self,
            id=None,
            service_code=service_code,
            status=TicketStatus.WAITING,
            created_at=now,
            counter=None,
            called_at=None,
            serving_at=None,
            finished_at=None,
            recall_count=0,
            transferred_from_id=self.id,
        )
