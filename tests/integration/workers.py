"""Station work run in threads or separate processes by the concurrency tests (importable for spawn)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.domain.errors import QueueEmpty
from kiosk.domain.rooms import SlotTaken
from kiosk.services import checkin, queue, rooms
from kiosk.services.context import ServiceContext, SystemClock
from kiosk.storage.database import make_engine
from kiosk.storage.unit_of_work import SqlUnitOfWorkFactory


def context(url: str) -> tuple[ServiceContext, object]:
    engine = make_engine(url)
    return ServiceContext(
        SqlUnitOfWorkFactory(engine), SystemClock(), ZoneInfo("America/Los_Angeles")
    ), engine


def drain_queue(url: str, counter: str, start=None) -> list[int]:
    """A receptionist calling and serving until nobody waits; returns the ticket ids it called.
    ``start``: a barrier the counters pass together, connected, so that none drains the line before
    the others have begun."""
    ctx, engine = context(url)
    called = []
    try:
        if start is not None:
            queue.change_marker(ctx)
            start.wait(60)
        while True:
            try:
                ticket = queue.call_next(ctx, counter)
            except QueueEmpty:
                return called
            called.append(ticket.id)
            queue.finish(ctx, ticket.id)
    finally:
        engine.dispose()


def check_in_many(url: str, codes: list[str]) -> list[str]:
    """A kiosk checking visitors in; returns the ticket numbers it handed out."""
    ctx, engine = context(url)
    try:
        return [checkin.check_in(ctx, code).ticket.number for code in codes]
    finally:
        engine.dispose()


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def book_when_told(url: str, now_iso: str, room: str, start_iso: str, go, slots: int = 1) -> str | None:
    """A station booking one slot the moment ``go`` is set; the booking code, or None if it lost."""
    engine = make_engine(url)
    ctx = ServiceContext(
        SqlUnitOfWorkFactory(engine),
        FixedClock(datetime.fromisoformat(now_iso)),
        ZoneInfo("America/Los_Angeles"),
    )
    try:
        go.wait(30)
        return rooms.book(ctx, room, datetime.fromisoformat(start_iso), slots=slots).code
    except SlotTaken:
        return None
    finally:
        engine.dispose()
