"""Call-next and finish store in one statement each on PostgreSQL: what they store must be what the
domain's Ticket.call and Ticket.finish make of the ticket, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kiosk.domain.errors import InvalidTransition, NotFound
from kiosk.domain.queue import QueueRules
from kiosk.domain.staff import AuditEntry
from kiosk.domain.tickets import Ticket, TicketStatus
from kiosk.services import checkin, counters, queue


def _stored(ctx, ticket_id: int) -> Ticket:
    with ctx.uow() as uow:
        return uow.tickets.get(ticket_id)


def _audit_actions(ctx, clock) -> list[str]:
    with ctx.uow() as uow:
        entries = uow.audit.between(clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    return sorted(e.action for e in entries)


def test_a_call_stores_what_ticket_call_makes_of_the_waiting_ticket(backend, clock):
    ctx = backend.ctx
    waiting = checkin.check_in(ctx, "information").ticket
    before = _stored(ctx, waiting.id)
    clock.advance(minutes=3)

    called = queue.call_next(ctx, "2")

    expected = replace(before)
    expected.call("2", clock.now())
    assert called == expected
    assert _stored(ctx, waiting.id) == expected
    assert expected.status is TicketStatus.CALLED


def test_finishing_stores_what_ticket_finish_makes_of_it(backend, clock):
    ctx = backend.ctx
    checkin.check_in(ctx, "information")
    called = queue.call_next(ctx, "1")
    clock.advance(minutes=4)

    finished = queue.finish(ctx, called.id)

    expected = replace(called)
    expected.finish(clock.now())
    assert finished == expected
    assert _stored(ctx, called.id) == expected
    # Never started serving: the time at the counter counts from the call, as the domain says.
    assert expected.serving_at == called.called_at


def test_finishing_after_serving_keeps_the_serving_time(backend, clock):
    ctx = backend.ctx
    checkin.check_in(ctx, "information")
    called = queue.call_next(ctx, "1")
    clock.advance(minutes=1)
    serving = queue.start_serving(ctx, called.id)
    clock.advance(minutes=5)

    finished = queue.finish(ctx, called.id)

    assert finished.serving_at == serving.serving_at
    assert finished.finished_at == clock.now()
    assert _stored(ctx, called.id) == finished


def test_finishing_a_ticket_the_domain_refuses_to_finish_changes_nothing(backend, clock):
    ctx = backend.ctx
    waiting = checkin.check_in(ctx, "information").ticket
    before = _stored(ctx, waiting.id)
    actions = _audit_actions(ctx, clock)
    version = queue.change_marker(ctx)

    with pytest.raises(InvalidTransition):
        queue.finish(ctx, waiting.id)
    with pytest.raises(NotFound):
        queue.finish(ctx, waiting.id + 1000)

    assert _stored(ctx, waiting.id) == before
    assert _audit_actions(ctx, clock) == actions
    assert queue.change_marker(ctx) == version


def test_a_statement_writing_otherwise_than_the_domain_is_rolled_back(backend, clock, monkeypatch):
    """The one-statement writes check their result against the domain on every call; where the
    domain is not what the SQL was written for, nothing is stored."""
    ctx = backend.ctx
    checkin.check_in(ctx, "information")
    called = queue.call_next(ctx, "1")
    before = _stored(ctx, called.id)
    version = queue.change_marker(ctx)
    finish = Ticket.finish

    def finish_and_count(ticket: Ticket, now) -> None:
        finish(ticket, now)
        ticket.recall_count += 1

    monkeypatch.setattr(Ticket, "finish", finish_and_count)
    if backend.engine.dialect.name == "postgresql":
        with pytest.raises(RuntimeError, match="otherwise than the domain"):
            queue.finish(ctx, called.id)
        assert _stored(ctx, called.id) == before
        assert queue.change_marker(ctx) == version
    else:
        # In-process, the domain's own result is written.
        assert _stored(ctx, queue.finish(ctx, called.id).id).recall_count == 1


def test_the_claim_follows_the_domain_order_under_every_rule_set(backend, clock):
    """The one-statement claim takes the ticket the domain's queue order puts first, whatever rules
    and services are in force."""
    ctx = backend.ctx
    made = []
    for service, channel, accommodation in [
        ("information", "kiosk", False),
        ("permits", "appointment", False),
        ("information", "kiosk", True),
        ("permits", "kiosk", False),
        ("information", "appointment", True),
    ]:
        made.append(checkin.check_in(ctx, service).ticket)
        with ctx.uow(write=True) as uow:
            ticket = uow.tickets.get(made[-1].id)
            ticket.channel, ticket.accommodation = channel, accommodation
            uow.tickets.save(ticket)
            uow.commit()
        clock.advance(seconds=30)
    for rules in [QueueRules(), QueueRules(True, False), QueueRules(False, True), QueueRules(True, True)]:
        for served in [(), ("permits",)]:
            for name, enabled in rules.as_dict().items():
                counters.set_rule(ctx, name, enabled)
            counters.set_services(ctx, "1", list(served))
            with ctx.uow() as uow:
                first = next(
                    (t for t in uow.tickets.waiting(rules) if not served or t.service_code in served), None
                )
            called = queue.call_next(ctx, "1")
            assert first is not None and called.id == first.id, (rules, served)
            queue.requeue(ctx, called.id)


def test_audit_entries_and_bumps_land_with_the_commit_and_are_read_back_before(backend, clock):
    ctx = backend.ctx
    entry = AuditEntry(clock.now(), "ana", "desk 1", "queue.test", "A001", "")
    with ctx.uow(write=True) as uow:
        version = uow.changes.current()
        uow.audit.add(entry)
        uow.changes.bump()
        # Within the unit of work its own writes are seen.
        assert [e.action for e in uow.audit.between(clock.now(), clock.now() + timedelta(1))] == [
            "queue.test"
        ]
        assert uow.changes.current() == version + 1
        # ... and without its commit they never land.
    assert "queue.test" not in _audit_actions(ctx, clock)
    assert queue.change_marker(ctx) == version
    with ctx.uow(write=True) as uow:
        uow.audit.add(entry)
        uow.audit.add(replace(entry, action="queue.other"))
        uow.changes.bump()
        uow.room_changes.bump()
        uow.commit()
    assert {"queue.test", "queue.other"} <= set(_audit_actions(ctx, clock))
    assert queue.change_marker(ctx) == version + 1
