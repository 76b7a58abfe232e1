"""Station work run in threads or separate processes by the concurrency tests (importable for spawn)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from kiosk.domain.errors import QueueEmpty
from kiosk.services import checkin, queue
from kiosk.services.context import ServiceContext, SystemClock
from kiosk.storage.database import make_engine
from kiosk.storage.unit_of_work import SqlUnitOfWorkFactory


def context(url: str) -> tuple[ServiceContext, object]:
    engine = make_engine(url)
    return ServiceContext(
        SqlUnitOfWorkFactory(engine), SystemClock(), ZoneInfo("America/Los_Angeles")
    ), engine


def drain_queue(url: str, counter: str) -> list[int]:
    """A receptionist calling and serving until nobody waits; returns the ticket ids it called."""
    ctx, engine = context(url)
    called = []
    try:
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
