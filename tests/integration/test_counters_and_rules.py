"""Counters, priority rules and wait estimates on a real database: SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import event

from kiosk.domain.errors import QueueEmpty
from kiosk.domain.queue import CounterOnBreak, QueueRules, in_queue_order
from kiosk.domain.tickets import TicketStatus
from kiosk.services import checkin, counters, estimates, queue


def fill(ctx, clock) -> None:
    """Visitors of every kind, several arriving at the same moment (ties are broken by id)."""
    kinds = [
        ("information", "kiosk", False),
        ("permits", "appointment", False),
        ("information", "kiosk", True),
        ("accommodation", "kiosk", False),  # a priority service
        ("payments", "appointment", True),
        ("information", "desk", False),
        ("permits", "kiosk", True),
    ]
    for i, (code, channel, accommodation) in enumerate(kinds):
        checkin.check_in(ctx, code, channel=channel, accommodation=accommodation)
        if i % 2:
            clock.advance(minutes=1)


def test_the_database_orders_and_claims_as_the_domain_does(backend, clock):
    ctx = backend.ctx
    fill(ctx, clock)
    for appointments, accessibility in product((False, True), repeat=2):
        counters.set_rule(ctx, "appointments_first", appointments)
        counters.set_rule(ctx, "accessibility_priority", accessibility)
        rules = QueueRules(appointments, accessibility)
        with ctx.uow() as uow:
            stored = uow.tickets.waiting(rules)
        expected = [t.id for t in in_queue_order(stored, rules)]
        assert [t.id for t in stored] == expected, rules
        assert [e.ticket.id for e in queue.snapshot(ctx).waiting] == expected, rules
        first = queue.call_next(ctx, "1")
        assert first.id == expected[0], rules
        queue.requeue(ctx, first.id)
    called = []
    for _ in expected:  # both rules on: the claims follow the whole order
        ticket = queue.call_next(ctx, "2")
        called.append(ticket.id)
        queue.finish(ctx, ticket.id)
    assert called == expected


def test_counters_services_breaks_and_serving_at_once(backend, clock):
    ctx = backend.ctx
    assert counters.ensure_counters(ctx, ["1", "2", "3"]) == 3
    assert counters.ensure_counters(ctx, ["9"]) == 0
    info = checkin.check_in(ctx, "information").ticket
    clock.advance(minutes=1)
    permit = checkin.check_in(ctx, "permits").ticket
    counters.set_services(ctx, "2", ["permits"])
    assert [c.services for c in counters.list_counters(ctx)] == [(), ("permits",), ()]
    assert queue.call_next(ctx, "2").id == permit.id
    queue.finish(ctx, permit.id)
    with pytest.raises(QueueEmpty):
        queue.call_next(ctx, "2")

    counters.start_break(ctx, "1")
    with pytest.raises(CounterOnBreak):
        queue.call_next(ctx, "1")
    assert [c.on_break for c in queue.snapshot(ctx).counters] == [True, False, False]
    counters.end_break(ctx, "1")
    assert queue.call_next(ctx, "1").id == info.id

    quick = queue.serve_now(ctx, "3", "payments")
    stored = next(t for t in queue.snapshot(ctx).at_counters if t.id == quick.id)
    assert (stored.status, stored.counter, stored.channel, stored.estimated_wait_seconds) == (
        TicketStatus.SERVING,
        "3",
        "desk",
        None,
    )
    with ctx.uow() as uow:
        actions = [
            e.action for e in uow.audit.between(clock.now() - timedelta(hours=1), clock.now() + timedelta(1))
        ]
    for action in ("counter.services", "counter.break_start", "counter.break_end", "queue.serve_now"):
        assert action in actions


def test_calling_next_costs_no_more_round_trips_than_before(backend):
    """Counter state, rules and "is this counter still busy" are read in one query; on PostgreSQL the
    ticket is claimed and called in one UPDATE and the audit entry, the change marker and its NOTIFY
    go in one more statement: three in all, as the bare SQL a call needs. SQLite claims, then saves."""
    ctx = backend.ctx
    counters.set_services(ctx, "1", ["information", "permits"])
    counters.set_rule(ctx, "appointments_first", True)
    checkin.check_in(ctx, "information")
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(backend.engine, "before_cursor_execute", seen)
    try:
        queue.call_next(ctx, "1")
    finally:
        event.remove(backend.engine, "before_cursor_execute", seen)
    work = [s for s in statements if not s.lstrip().upper().startswith("BEGIN") and s.strip() != "select 1"]
    claims = [
        s for s in work if "FROM tickets" in s and "queue_rules" not in s and "SKIP LOCKED" in s.upper()
    ]
    if backend.engine.dialect.name == "postgresql":
        assert len(claims) == 1 and claims[0].lstrip().upper().startswith(("UPDATE", "WITH")), statements
        assert len(work) == 3, statements
    else:
        assert len(work) <= 5, statements


def test_estimates_are_kept_and_measured_against_the_calls(backend, clock):
    ctx = backend.ctx
    start = clock.now()
    first = checkin.check_in(ctx, "information")
    second = checkin.check_in(ctx, "information")
    assert (first.ticket.estimated_wait_seconds, second.ticket.estimated_wait_seconds) == (0, 360)
    clock.advance(minutes=1)
    queue.finish(ctx, queue.call_next(ctx, "1").id)
    clock.advance(minutes=9)
    second_call = queue.call_next(ctx, "1")
    # A recall is not more waiting: the error is measured to the first call.
    clock.advance(minutes=3)
    queue.recall(ctx, second_call.id)
    result = estimates.estimate_accuracy(ctx, start, clock.now())
    assert result.count == 2
    assert result.mean_error == timedelta(minutes=(1 + 4) / 2)
    assert result.p90_absolute_error == timedelta(minutes=4)
    assert result.share_within_5_minutes == 1.0
