"""The now-serving display: who is called where, the last calls, the line, and what to say aloud."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.services import QueueService
from kiosk.domain.tickets import Ticket, TicketStatus
from kiosk.i18n import LANGUAGE_CODES, SOURCE_LANGUAGE, _, use_language
from kiosk.services import queue
from kiosk.services.context import ServiceContext

RECENT_CALLS = 6
# A call older than this is history, not news: the display neither lists it among the recent calls
# nor, after a restart, announces it.
RECENT_WINDOW = timedelta(hours=12)


@dataclass(frozen=True)
class Call:
    ticket_id: int
    number: str
    counter: str
    service_code: str
    language: str
    called_at: datetime
    status: TicketStatus
    recall_count: int = 0

    @property
    def key(self) -> tuple[int, datetime]:
        """A recall is a new call of the same ticket: it moves ``called_at``."""
        return (self.ticket_id, self.called_at)

    @classmethod
    def of(cls, ticket: Ticket) -> Call:
        return cls(
            ticket_id=ticket.id or 0,
            number=ticket.number,
            counter=ticket.counter or "",
            service_code=ticket.service_code,
            language=ticket.language,
            called_at=ticket.called_at,
            status=ticket.status,
            recall_count=ticket.recall_count,
        )


@dataclass(frozen=True)
class ServiceWait:
    service: QueueService
    waiting: int
    estimated_wait: timedelta  # for someone joining that line now


@dataclass(frozen=True)
class Calls:
    """Who is called where: what the display must show within a second of a call."""

    version: int
    now: datetime
    calling: list[Call]  # called and not yet at the counter, latest call first
    recent: list[Call]  # the last calls whatever became of them, latest first

    def keys(self) -> set[tuple[int, datetime]]:
        return {call.key for call in (*self.calling, *self.recent)}


@dataclass(frozen=True)
class Overview:
    """The line and the wait by service: slower to work out, and nobody minds it a second late."""

    waiting: int
    waits: list[ServiceWait]


def current_calls(ctx: ServiceContext, recent: int = RECENT_CALLS) -> Calls:
    """Three small queries, so that a call reaches the screen at once even while the queue is long
    and the wait estimates are being worked out."""
    now = ctx.now()
    with ctx.uow() as uow:
        version = uow.changes.current()
        at_counters = uow.tickets.at_counters()
        latest = uow.tickets.recent_calls(now - RECENT_WINDOW, recent)
    calling = [Call.of(t) for t in at_counters if t.status == TicketStatus.CALLED and t.called_at]
    calling.sort(key=lambda call: (call.called_at, call.ticket_id), reverse=True)
    return Calls(version=version, now=now, calling=calling, recent=[Call.of(t) for t in latest])


def overview(ctx: ServiceContext) -> Overview:
    snap = queue.snapshot(ctx)
    in_line: dict[str, int] = {}
    for entry in snap.waiting:
        in_line[entry.ticket.service_code] = in_line.get(entry.ticket.service_code, 0) + 1
    waits = [
        ServiceWait(service=snap.services[code], waiting=in_line.get(code, 0), estimated_wait=wait)
        for code, wait in snap.new_arrival_waits.items()
        if code in snap.services
    ]
    waits.sort(key=lambda w: (w.service.sort_order, w.service.code))
    return Overview(waiting=len(snap.waiting), waits=waits)


def new_calls(before: Calls | None, after: Calls) -> list[Call]:
    """Calls and recalls to announce, oldest first: still waiting for their visitor, and not known
    ``before``. The first state a display sees announces nothing (those calls were made already)."""
    if before is None:
        return []
    known = before.keys()
    fresh = {
        call.key: call
        for call in (*after.calling, *after.recent)
        if call.status == TicketStatus.CALLED and call.key not in known
    }
    return sorted(fresh.values(), key=lambda call: (call.called_at, call.ticket_id))


def spoken_number(number: str) -> str:
    """'A012' -> 'A12'. Read aloud by espeak-ng as "A twelve" in each of our languages: with a space
    ('A 12'), English reads the letter as the article "a"; with the zeros, some voices say them."""
    letters = "".join(ch for ch in number if not ch.isdigit())
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"{letters}{int(digits)}" if digits else letters


def announcement_text(call: Call, language: str) -> str:
    with use_language(language):
        if call.counter.isdigit():
            return _(
                "Ticket {number}, counter {counter}", number=spoken_number(call.number), counter=call.counter
            )
        return _("Ticket {number}, {place}", number=spoken_number(call.number), place=call.counter)


def announcement(call: Call) -> list[tuple[str, str]]:
    """(text, language) to say: in English, then again in the visitor's language when it differs."""
    phrases = [(announcement_text(call, SOURCE_LANGUAGE), SOURCE_LANGUAGE)]
    if call.language != SOURCE_LANGUAGE and call.language in LANGUAGE_CODES:
        phrases.append((announcement_text(call, call.language), call.language))
    return phrases
