"""Reception runs the waiting queue: call, recall, serve, no-show, transfer, walk-ins."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from kiosk.domain.errors import DomainError, NotFound, QueueEmpty, ServiceUnavailable
from kiosk.domain.queue import estimate_wait
from kiosk.domain.services import QueueService
from kiosk.domain.text import N_
from kiosk.domain.tickets import Ticket
from kiosk.services import audit
from kiosk.services.context import ServiceContext
from kiosk.services.estimates import current_estimate_inputs
from kiosk.services.ports import UnitOfWork


class CounterBusy(DomainError):
    message = N_("Counter {counter} is still with ticket {number}. Mark it served or no-show first.")


@dataclass(frozen=True)
class WaitingEntry:
    ticket: Ticket
    position: int
    estimated_wait: timedelta


@dataclass(frozen=True)
class QueueSnapshot:
    version: int
    waiting: list[WaitingEntry]
    at_counters: list[Ticket]
    services: dict[str, QueueService]
    served_today: int


def change_marker(ctx: ServiceContext) -> int:
    """Cheap: stations poll this and reload only when it moved."""
    with ctx.uow() as uow:
        return uow.changes.current()


def snapshot(ctx: ServiceContext) -> QueueSnapshot:
    now = ctx.now()
    with ctx.uow() as uow:
        version = uow.changes.current()
        waiting = uow.tickets.waiting()
        at_counters = uow.tickets.at_counters()
        services = {s.code: s for s in uow.services.all()}
        typical, counters = current_estimate_inputs(uow, now)
        day_start = now - timedelta(hours=24)
        served_today = sum(1 for t in uow.tickets.finished_since(day_start) if t.service_date == ctx.today())
    entries = [
        WaitingEntry(ticket=t, position=i + 1, estimated_wait=estimate_wait(waiting[:i], typical, counters))
        for i, t in enumerate(waiting)
    ]
    return QueueSnapshot(version, entries, at_counters, services, served_today)


def call_next(ctx: ServiceContext, counter: str) -> Ticket:
    """Give the first waiting ticket to ``counter``. Two counters never get the same ticket."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        busy = uow.tickets.at_counter(counter)
        if busy:
            raise CounterBusy(counter=counter, number=busy[0].number)
        ticket = uow.tickets.claim_next_waiting()
        if ticket is None:
            raise QueueEmpty()
        ticket.call(counter, now)
        uow.tickets.save(ticket)
        audit.record(uow, ctx, "queue.call", ticket.number, f"counter {counter}")
        uow.changes.bump()
        uow.commit()
    return ticket


def _change(
    ctx: ServiceContext,
    ticket_id: int,
    name: str,
    action: Callable[[UnitOfWork, Ticket], Ticket | None],
) -> Ticket:
    with ctx.uow(write=True) as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound()
        result = action(uow, ticket) or ticket
        uow.tickets.save(ticket)
        audit.record(
            uow, ctx, f"queue.{name}", ticket.number, result.service_code if result is not ticket else ""
        )
        uow.changes.bump()
        uow.commit()
    return result


def recall(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    return _change(ctx, ticket_id, "recall", lambda _uow, t: t.recall(now))


def start_serving(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    return _change(ctx, ticket_id, "start_serving", lambda _uow, t: t.start_serving(now))


def finish(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    return _change(ctx, ticket_id, "finish", lambda _uow, t: t.finish(now))


def no_show(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    return _change(ctx, ticket_id, "no_show", lambda _uow, t: t.mark_no_show(now))


def requeue(ctx: ServiceContext, ticket_id: int) -> Ticket:
    return _change(ctx, ticket_id, "requeue", lambda _uow, t: t.requeue())


def cancel(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    return _change(ctx, ticket_id, "cancel", lambda _uow, t: t.cancel(now))


def transfer(ctx: ServiceContext, ticket_id: int, service_code: str) -> Ticket:
    """Send a visitor to another service; returns the continuation ticket, waiting there."""
    now = ctx.now()

    def move(uow: UnitOfWork, ticket: Ticket) -> Ticket:
        target = uow.services.get(service_code)
        if target is None or not target.active:
            raise ServiceUnavailable()
        continuation = ticket.transfer(target.code, now)
        continuation.priority = max(ticket.priority, target.priority)
        return uow.tickets.add(continuation)

    return _change(ctx, ticket_id, "transfer", move)
