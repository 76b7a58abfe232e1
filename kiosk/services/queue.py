"""Reception runs the waiting queue: call, recall, serve, no-show, transfer, walk-ins, serve at once."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from kiosk.domain.errors import DomainError, NotFound, QueueEmpty, ServiceUnavailable
from kiosk.domain.queue import (
    NO_RULES,
    CallState,
    Counter,
    CounterClosed,
    CounterOnBreak,
    QueueRules,
    queue_key,
)
from kiosk.domain.services import QueueService
from kiosk.domain.text import N_
from kiosk.domain.tickets import Ticket, format_number
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
    rules: QueueRules = NO_RULES
    counters: list[Counter] = field(default_factory=list)  # the counters table, in display order
    # The wait someone joining each service's line now would be told.
    new_arrival_waits: dict[str, timedelta] = field(default_factory=dict)


def change_marker(ctx: ServiceContext) -> int:
    """Cheap: stations poll this and reload only when it moved."""
    with ctx.uow() as uow:
        return uow.changes.current()


def snapshot(ctx: ServiceContext) -> QueueSnapshot:
    now = ctx.now()
    with ctx.uow() as uow:
        version = uow.changes.current()
        at_counters = uow.tickets.at_counters()
        inputs = current_estimate_inputs(uow, now, at_counters)
        waiting = uow.tickets.waiting(inputs.rules)
        services = {s.code: s for s in uow.services.all()}
        counters = uow.counters.all()
        day_start = now - timedelta(hours=24)
        served_today = sum(1 for t in uow.tickets.finished_since(day_start) if t.service_date == ctx.today())
    waits = inputs.waits(waiting)
    entries = [
        WaitingEntry(ticket=t, position=i + 1, estimated_wait=wait)
        for i, (t, wait) in enumerate(zip(waiting, waits, strict=True))
    ]
    arrivals = {}
    for code, service in services.items():
        if service.active:
            # A newcomer with no rule in their favour, behind everyone who came at the same moment.
            newcomer = Ticket("", 0, code, ctx.today(), now, now, priority=service.priority, id=sys.maxsize)
            ahead = [t for t in waiting if queue_key(t, inputs.rules) < queue_key(newcomer, inputs.rules)]
            arrivals[code] = inputs.waits([*ahead, newcomer])[-1]
    return QueueSnapshot(
        version,
        entries,
        at_counters,
        services,
        served_today,
        rules=inputs.rules,
        counters=counters,
        new_arrival_waits=arrivals,
    )


def call_next(ctx: ServiceContext, counter: str) -> Ticket:
    """Give ``counter`` the first waiting ticket of a service it serves, in order under the rules.

    Two counters never get the same ticket. A counter on a break (or closed) calls nobody.
    """
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        state = _ready(uow, counter)
        served = state.counter.services if state.counter is not None else ()
        ticket = uow.tickets.claim_and_call(counter, now, state.rules, served)
        if ticket is None:
            raise QueueEmpty()
        audit.record(uow, ctx, "queue.call", ticket.number, f"counter {counter}")
        uow.changes.bump()
        uow.commit()
    return ticket


def _ready(uow: UnitOfWork, counter: str) -> CallState:
    """The counter's state, when it may take a visitor: free, open and not on a break."""
    state = uow.counters.call_state(counter)
    if state.busy_number:
        raise CounterBusy(counter=counter, number=state.busy_number)
    if state.counter is not None:
        if not state.counter.active:
            raise CounterClosed(counter=counter)
        if state.counter.on_break:
            raise CounterOnBreak(counter=counter)
    return state


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
        _changed(uow, ctx, name, ticket, result)
    return result


def _changed(uow: UnitOfWork, ctx: ServiceContext, name: str, ticket: Ticket, result: Ticket) -> None:
    audit.record(
        uow, ctx, f"queue.{name}", ticket.number, result.service_code if result is not ticket else ""
    )
    uow.changes.bump()
    uow.commit()


def recall(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    return _change(ctx, ticket_id, "recall", lambda _uow, t: t.recall(now))


def start_serving(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    return _change(ctx, ticket_id, "start_serving", lambda _uow, t: t.start_serving(now))


def finish(ctx: ServiceContext, ticket_id: int) -> Ticket:
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        # Ticket.finish and its write in one step: one statement on a shared server, not a read and a write.
        ticket = uow.tickets.finish(ticket_id, now)
        if ticket is None:
            raise NotFound()
        _changed(uow, ctx, "finish", ticket, ticket)
    return ticket


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


def serve_now(ctx: ServiceContext, counter: str, service_code: str) -> Ticket:
    """A quick question answered at the desk: a ticket made straight away being served at ``counter``,
    so the visit is counted without the visitor queueing."""
    now = ctx.now()
    service_date = ctx.today()
    with ctx.uow(write=True) as uow:
        _ready(uow, counter)
        service = uow.services.get(service_code)
        if service is None or not service.active:
            raise ServiceUnavailable()
        sequence = uow.tickets.allocate_sequence(service_date, service.code)
        ticket = Ticket(
            number=format_number(service.prefix, sequence),
            sequence=sequence,
            service_code=service.code,
            service_date=service_date,
            created_at=now,
            queued_at=now,
            priority=service.priority,
            channel="desk",
        )
        ticket.call(counter, now)
        ticket.start_serving(now)
        uow.tickets.add(ticket)
        audit.record(uow, ctx, "queue.serve_now", ticket.number, f"counter {counter}")
        uow.changes.bump()
        uow.commit()
    return ticket
