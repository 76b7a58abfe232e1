from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.errors import InvalidInput, InvalidTransition, QueueEmpty, ServiceUnavailable
from kiosk.domain.services import QueueService
from kiosk.domain.tickets import TicketStatus
from kiosk.services import checkin, queue
from kiosk.services.context import ServiceContext
from kiosk.services.queue import CounterBusy
from kiosk.services.setup import ensure_queue_services
from tests.fakes import FakeUnitOfWorkFactory

SERVICES = [
    QueueService("information", "A", {"en": "Information"}, sort_order=2, average_minutes=6),
    QueueService("permits", "B", {"en": "Permits"}, sort_order=1, average_minutes=15),
    QueueService("accommodation", "E", {"en": "Accommodation"}, sort_order=3, priority=1),
    QueueService("retired", "Z", {"en": "Retired"}, active=False),
]


@pytest.fixture
def ctx(clock):
    context = ServiceContext(FakeUnitOfWorkFactory(), clock, ZoneInfo("America/Los_Angeles"))
    ensure_queue_services(context, SERVICES)
    return context


def test_services_are_listed_in_display_order_without_inactive_ones(ctx):
    assert [s.code for s in checkin.list_services(ctx)] == ["permits", "information", "accommodation"]


def test_seeding_does_not_overwrite_or_duplicate(ctx):
    assert ensure_queue_services(ctx, SERVICES) == 0


def test_check_in_gives_numbers_per_service_and_place_in_line(ctx, clock):
    first = checkin.check_in(ctx, "information", " Ana ")
    clock.advance(minutes=1)
    second = checkin.check_in(ctx, "permits")
    clock.advance(minutes=1)
    third = checkin.check_in(ctx, "information")
    assert [r.ticket.number for r in (first, second, third)] == ["A001", "B001", "A002"]
    assert [r.position for r in (first, second, third)] == [1, 2, 3]
    assert first.ticket.first_name == "Ana"
    assert first.estimated_wait == timedelta(0)
    assert second.estimated_wait == timedelta(minutes=6)  # one information visitor ahead
    assert third.estimated_wait == timedelta(minutes=21)  # information + permits ahead


def test_numbers_start_again_on_the_next_local_day(ctx, clock):
    assert checkin.check_in(ctx, "information").ticket.number == "A001"
    clock.advance(hours=14)  # 9:00 -> 23:00 in Portland: same day
    assert checkin.check_in(ctx, "information").ticket.number == "A002"
    clock.advance(hours=2)  # past midnight in Portland
    result = checkin.check_in(ctx, "information")
    assert result.ticket.number == "A001"
    assert result.ticket.service_date.isoformat() == "2026-11-26"


def test_accommodation_visitors_go_first(ctx, clock):
    checkin.check_in(ctx, "information")
    clock.advance(minutes=1)
    priority = checkin.check_in(ctx, "accommodation")
    assert priority.position == 1
    assert queue.call_next(ctx, "1").number == priority.ticket.number


def test_unknown_or_inactive_service_is_refused_and_nothing_is_stored(ctx):
    for code in ("nope", "retired"):
        with pytest.raises(ServiceUnavailable):
            checkin.check_in(ctx, code)
    assert queue.snapshot(ctx).waiting == []


def test_over_long_name_is_refused_before_a_number_is_used(ctx):
    with pytest.raises(InvalidInput):
        checkin.check_in(ctx, "information", "x" * 200)
    assert checkin.check_in(ctx, "information").ticket.number == "A001"


def test_staff_call_serve_and_the_queue_moves(ctx, clock):
    a = checkin.check_in(ctx, "information").ticket
    b = checkin.check_in(ctx, "permits").ticket
    called = queue.call_next(ctx, "1")
    assert called.id == a.id and called.status == TicketStatus.CALLED
    second = queue.call_next(ctx, "2")
    assert second.id == b.id
    with pytest.raises(QueueEmpty):
        queue.call_next(ctx, "3")
    clock.advance(minutes=3)
    queue.start_serving(ctx, a.id)
    clock.advance(minutes=5)
    done = queue.finish(ctx, a.id)
    assert done.status == TicketStatus.DONE
    assert queue.no_show(ctx, b.id).status == TicketStatus.NO_SHOW
    snap = queue.snapshot(ctx)
    assert snap.waiting == [] and snap.at_counters == [] and snap.served_today == 1


def test_a_counter_must_finish_before_calling_again(ctx):
    checkin.check_in(ctx, "information")
    checkin.check_in(ctx, "information")
    first = queue.call_next(ctx, "1")
    with pytest.raises(CounterBusy) as busy:
        queue.call_next(ctx, "1")
    assert busy.value.params == {"counter": "1", "number": first.number}
    assert [e.ticket.number for e in queue.snapshot(ctx).waiting] == ["A002"]


def test_recall_counts_and_keeps_the_counter(ctx, clock):
    ticket = checkin.check_in(ctx, "information").ticket
    queue.call_next(ctx, "4")
    clock.advance(minutes=2)
    recalled = queue.recall(ctx, ticket.id)
    assert recalled.recall_count == 1 and recalled.counter == "4" and recalled.called_at == clock.now()


def test_transfer_keeps_the_number_and_the_place(ctx, clock):
    early = checkin.check_in(ctx, "information").ticket
    clock.advance(minutes=5)
    checkin.check_in(ctx, "permits")
    queue.call_next(ctx, "1")
    continuation = queue.transfer(ctx, early.id, "permits")
    assert continuation.number == "A001" and continuation.service_code == "permits"
    waiting = [e.ticket for e in queue.snapshot(ctx).waiting]
    assert [t.number for t in waiting] == ["A001", "B001"]  # arrived first, stays first
    with pytest.raises(InvalidTransition):
        queue.finish(ctx, early.id)  # the original ticket is closed


def test_failed_actions_change_nothing(ctx):
    ticket = checkin.check_in(ctx, "information").ticket
    version = queue.change_marker(ctx)
    with pytest.raises(InvalidTransition):
        queue.finish(ctx, ticket.id)
    with pytest.raises(ServiceUnavailable):
        queue.transfer(ctx, ticket.id, "retired")
    assert queue.change_marker(ctx) == version
    assert queue.snapshot(ctx).waiting[0].ticket.status == TicketStatus.WAITING


def test_every_change_moves_the_marker(ctx):
    versions = [queue.change_marker(ctx)]
    ticket = checkin.check_in(ctx, "information").ticket
    versions.append(queue.change_marker(ctx))
    queue.call_next(ctx, "1")
    versions.append(queue.change_marker(ctx))
    queue.requeue(ctx, ticket.id)
    versions.append(queue.change_marker(ctx))
    queue.cancel(ctx, ticket.id)
    versions.append(queue.change_marker(ctx))
    assert versions == sorted(set(versions))
