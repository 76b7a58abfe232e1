"""The queue through the services on a real database: SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from kiosk.domain.errors import QueueEmpty
from kiosk.domain.tickets import TicketStatus
from kiosk.services import checkin, queue
from kiosk.services.queue import CounterBusy


def test_numbers_per_service_restart_at_local_midnight(backend, clock):
    ctx = backend.ctx
    numbers = [
        checkin.check_in(ctx, code).ticket.number for code in ("information", "information", "permits")
    ]
    assert numbers == ["A001", "A002", "B001"]
    clock.advance(hours=14, minutes=59)  # 23:59 in Portland
    assert checkin.check_in(ctx, "information").ticket.number == "A003"
    clock.advance(minutes=2)  # 00:01 the next day
    ticket = checkin.check_in(ctx, "information").ticket
    assert ticket.number == "A001" and ticket.service_date.isoformat() == "2026-11-26"


def test_a_number_is_never_issued_twice_by_the_database(backend, clock):
    """The unique index is the last guard, whatever the code above it does."""
    from kiosk.storage.models import TicketRow

    ctx = backend.ctx
    first = checkin.check_in(ctx, "information").ticket
    with ctx.uow(write=True) as uow, pytest.raises(IntegrityError):
        uow.session.add(
            TicketRow(
                number="A001",
                sequence=1,
                service_code="information",
                service_date=first.service_date,
                status="waiting",
                priority=0,
                created_at=clock.now(),
                queued_at=clock.now(),
                recall_count=0,
            )
        )
        uow.session.flush()


def test_times_come_back_as_aware_utc(backend, clock):
    ticket = checkin.check_in(backend.ctx, "payments").ticket
    stored = queue.snapshot(backend.ctx).waiting[0].ticket
    assert stored.created_at == clock.now() and stored.created_at.utcoffset().total_seconds() == 0
    assert stored.id == ticket.id


def test_a_whole_morning(backend, clock):
    ctx = backend.ctx
    ana = checkin.check_in(ctx, "information", "Ana").ticket
    clock.advance(minutes=1)
    bo = checkin.check_in(ctx, "permits", "Bo").ticket
    clock.advance(minutes=1)
    cy = checkin.check_in(ctx, "accommodation").ticket  # priority service goes first

    assert queue.call_next(ctx, "1").id == cy.id
    with pytest.raises(CounterBusy):
        queue.call_next(ctx, "1")
    assert queue.call_next(ctx, "2").id == ana.id
    clock.advance(minutes=2)
    queue.recall(ctx, ana.id)
    queue.start_serving(ctx, ana.id)
    clock.advance(minutes=6)
    continuation = queue.transfer(ctx, ana.id, "payments")
    assert continuation.number == "A001" and continuation.transferred_from_id == ana.id
    queue.no_show(ctx, cy.id)
    waiting = [e.ticket.number for e in queue.snapshot(ctx).waiting]
    assert waiting == ["A001", "B001"]  # Ana arrived before Bo and keeps her place
    assert queue.call_next(ctx, "1").id == continuation.id
    clock.advance(minutes=4)
    queue.finish(ctx, continuation.id)
    assert queue.call_next(ctx, "2").id == bo.id
    queue.requeue(ctx, bo.id)
    queue.cancel(ctx, bo.id)
    with pytest.raises(QueueEmpty):
        queue.call_next(ctx, "3")
    snap = queue.snapshot(ctx)
    assert snap.waiting == [] and snap.at_counters == [] and snap.served_today == 1


def test_wait_estimates_learn_from_recent_visits(backend, clock):
    ctx = backend.ctx
    for _ in range(3):
        ticket = checkin.check_in(ctx, "payments").ticket
        queue.call_next(ctx, "1")
        queue.start_serving(ctx, ticket.id)
        clock.advance(minutes=2)
        queue.finish(ctx, ticket.id)
    checkin.check_in(ctx, "payments")
    second = checkin.check_in(ctx, "payments")
    assert second.estimated_wait.total_seconds() == 120  # learnt 2 minutes, not the configured 5


def test_every_change_moves_the_marker(backend):
    ctx = backend.ctx
    seen = [queue.change_marker(ctx)]
    ticket = checkin.check_in(ctx, "information").ticket
    seen.append(queue.change_marker(ctx))
    queue.call_next(ctx, "1")
    seen.append(queue.change_marker(ctx))
    queue.finish(ctx, ticket.id)
    seen.append(queue.change_marker(ctx))
    assert seen == sorted(set(seen))
    assert queue.snapshot(ctx).version == seen[-1]


def test_failed_actions_leave_no_trace(backend):
    ctx = backend.ctx
    ticket = checkin.check_in(ctx, "information").ticket
    version = queue.change_marker(ctx)
    with pytest.raises(Exception):  # noqa: B017 - any refusal must roll back
        queue.finish(ctx, ticket.id)
    assert queue.change_marker(ctx) == version
    assert queue.snapshot(ctx).waiting[0].ticket.status == TicketStatus.WAITING
