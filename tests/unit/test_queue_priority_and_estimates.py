"""Priority rules, counters, breaks, serving at once, and wait estimates measured against what
happened: the domain alone and the services on in-memory fakes, with a fake clock."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.errors import QueueEmpty
from kiosk.domain.queue import (
    CounterOnBreak,
    OpenCounter,
    QueueRules,
    accuracy_of,
    estimate_waits,
    in_queue_order,
)
from kiosk.domain.services import QueueService
from kiosk.domain.tickets import Ticket, TicketStatus
from kiosk.services import checkin, counters, estimates, queue
from kiosk.services.context import ServiceContext
from kiosk.services.queue import CounterBusy
from kiosk.services.setup import ensure_queue_services
from tests.fakes import FakeUnitOfWorkFactory

T0 = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
SERVICES = [
    QueueService("information", "A", {"en": "Information"}, sort_order=1, average_minutes=6),
    QueueService("permits", "B", {"en": "Permits"}, sort_order=2, average_minutes=15),
    QueueService("payments", "C", {"en": "Payments"}, sort_order=3, average_minutes=4),
    QueueService("accommodation", "E", {"en": "Accommodation"}, sort_order=4, priority=1, average_minutes=10),
]


def ticket(id_, minutes_after=0, service="information", priority=0, channel="kiosk", accommodation=False):
    at = T0 + timedelta(minutes=minutes_after)
    return Ticket(
        number=f"X{id_:03d}",
        sequence=id_,
        service_code=service,
        service_date=date(2026, 11, 25),
        created_at=at,
        queued_at=at,
        priority=priority,
        channel=channel,
        accommodation=accommodation,
        id=id_,
    )


@pytest.fixture
def ctx(clock):
    context = ServiceContext(FakeUnitOfWorkFactory(), clock, ZoneInfo("America/Los_Angeles"), actor="rosa")
    ensure_queue_services(context, SERVICES)
    counters.ensure_counters(context, ["1", "2"])
    return context


# -- the order under the rules ---------------------------------------------------------------------
MIXED = [
    ticket(1, 0),
    ticket(2, 1, channel="appointment"),
    ticket(3, 2, accommodation=True),
    ticket(4, 3, priority=1),
    ticket(5, 4, channel="appointment", accommodation=True),
]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (QueueRules(), [4, 1, 2, 3, 5]),  # service priority, then arrival
        (QueueRules(appointments_first=True), [2, 5, 4, 1, 3]),
        (QueueRules(accessibility_priority=True), [3, 5, 4, 1, 2]),
        # Both rules for one visitor count twice; one rule beats service priority.
        (QueueRules(appointments_first=True, accessibility_priority=True), [5, 2, 3, 4, 1]),
    ],
)
def test_rule_boosts_then_service_priority_then_arrival(rules, expected):
    assert [t.id for t in in_queue_order(MIXED, rules)] == expected


def test_rules_move_who_is_called_next(ctx, clock):
    walk_in = checkin.check_in(ctx, "information").ticket
    clock.advance(minutes=1)
    booked = checkin.check_in(ctx, "information", channel="appointment").ticket
    clock.advance(minutes=1)
    assisted = checkin.check_in(ctx, "information", accommodation=True).ticket
    assert [e.ticket.id for e in queue.snapshot(ctx).waiting] == [walk_in.id, booked.id, assisted.id]

    counters.set_rule(ctx, "accessibility_priority", True)
    snap = queue.snapshot(ctx)
    assert snap.rules == QueueRules(accessibility_priority=True)
    assert [e.ticket.id for e in snap.waiting] == [assisted.id, walk_in.id, booked.id]
    counters.set_rule(ctx, "appointments_first", True)
    assert queue.call_next(ctx, "1").id == booked.id  # arrived before the accommodation request
    assert queue.call_next(ctx, "2").id == assisted.id
    actions = [(e.action, e.subject, e.detail) for e in ctx.uow.store.audit]
    assert ("rules.set", "accessibility_priority", "on") in actions
    assert ("rules.set", "appointments_first", "on") in actions


def test_an_accommodation_asked_at_check_in_is_kept_and_its_place_reflects_the_rule(ctx, clock):
    counters.set_rule(ctx, "accessibility_priority", True)
    checkin.check_in(ctx, "information")
    clock.advance(minutes=1)
    result = checkin.check_in(ctx, "information", accommodation=True)
    assert result.ticket.accommodation is True
    assert result.position == 1
    assert result.estimated_wait == timedelta(0)


# -- counters ---------------------------------------------------------------------------------------
def test_counters_are_seeded_from_the_setting_once(ctx):
    assert [c.name for c in counters.list_counters(ctx)] == ["1", "2"]
    assert counters.ensure_counters(ctx, ["1", "2", "3", "4"]) == 0
    assert [c.name for c in counters.list_counters(ctx)] == ["1", "2"]


def test_a_counter_calls_only_the_services_it_serves(ctx, clock):
    info = checkin.check_in(ctx, "information").ticket
    clock.advance(minutes=1)
    permit = checkin.check_in(ctx, "permits").ticket
    counters.set_services(ctx, "2", ["permits", "payments"])
    assert queue.call_next(ctx, "2").id == permit.id
    queue.finish(ctx, permit.id)
    with pytest.raises(QueueEmpty):
        queue.call_next(ctx, "2")
    assert queue.call_next(ctx, "1").id == info.id  # serves every service
    assert ("counter.services", "2", "permits,payments") in [
        (e.action, e.subject, e.detail) for e in ctx.uow.store.audit
    ]


def test_a_counter_on_a_break_cannot_call_and_is_not_counted_open(ctx, clock):
    checkin.check_in(ctx, "information")
    counters.start_break(ctx, "1")
    with pytest.raises(CounterOnBreak) as refused:
        queue.call_next(ctx, "1")
    assert str(refused.value) == "Counter 1 is on a break. End the break to call visitors."
    assert queue.snapshot(ctx).waiting[0].ticket.status == TicketStatus.WAITING
    counters.end_break(ctx, "1")
    called = queue.call_next(ctx, "1")
    with pytest.raises(CounterBusy):
        counters.start_break(ctx, "1")  # finish with the visitor first
    queue.finish(ctx, called.id)
    counters.start_break(ctx, "1")
    actions = [e.action for e in ctx.uow.store.audit]
    assert actions.count("counter.break_start") == 2 and actions.count("counter.break_end") == 1


def test_serving_at_the_desk_at_once(ctx, clock):
    checkin.check_in(ctx, "information")
    quick = queue.serve_now(ctx, "2", "payments")
    assert (quick.number, quick.status, quick.counter, quick.channel) == (
        "C001",
        TicketStatus.SERVING,
        "2",
        "desk",
    )
    assert quick.estimated_wait_seconds is None
    snap = queue.snapshot(ctx)
    assert [t.number for t in snap.at_counters] == ["C001"]
    assert [e.ticket.number for e in snap.waiting] == ["A001"]  # the line did not move
    with pytest.raises(CounterBusy):
        queue.call_next(ctx, "2")
    clock.advance(minutes=1)
    queue.finish(ctx, quick.id)
    assert queue.snapshot(ctx).served_today == 1
    entry = ctx.uow.store.audit[-2]
    assert (entry.action, entry.subject, entry.detail, entry.actor) == (
        "queue.serve_now",
        "C001",
        "counter 2",
        "rosa",
    )


def test_staff_actions_never_write_a_visitor_name_into_the_audit_log(ctx, clock):
    checkin.check_in(ctx, "information", "Zelda", accommodation=True, channel="appointment")
    counters.set_rule(ctx, "appointments_first", True)
    counters.set_services(ctx, "1", ["information"])
    counters.start_break(ctx, "2")
    counters.end_break(ctx, "2")
    queue.call_next(ctx, "1")
    queue.serve_now(ctx, "2", "permits")
    assert ctx.uow.store.audit
    assert not any("Zelda" in f"{e.subject} {e.detail}" for e in ctx.uow.store.audit)


# -- estimates ---------------------------------------------------------------------------------------
def test_a_counter_serving_only_one_service_shortens_only_that_line():
    line = [ticket(1, 0, "permits"), ticket(2, 1, "information"), ticket(3, 2, "information")]
    typical = {"permits": 15, "information": 6}
    everyone = [OpenCounter("1")]
    assert estimate_waits(line, typical, everyone) == [
        timedelta(0),
        timedelta(minutes=15),
        timedelta(minutes=21),
    ]
    # A second counter that serves information only takes the information visitors at once.
    split = [OpenCounter("1"), OpenCounter("2", frozenset({"information"}))]
    assert estimate_waits(line, typical, split) == [timedelta(0), timedelta(0), timedelta(minutes=6)]


def test_a_busy_counter_is_free_when_its_visitor_should_be_done(clock):
    line = [ticket(1, 0, "information")]
    assert estimate_waits(line, {"information": 6}, [OpenCounter("1", free_in_minutes=4.5)]) == [
        timedelta(minutes=5)
    ]


def test_a_service_no_open_counter_serves_gets_a_counter_of_its_own():
    line = [ticket(1, 0, "permits"), ticket(2, 1, "information")]
    only_permits = [OpenCounter("1", frozenset({"permits"}))]
    assert estimate_waits(line, {"permits": 15, "information": 6}, only_permits) == [
        timedelta(0),
        timedelta(0),
    ]


def test_check_in_estimates_per_service_from_open_counters_and_stores_the_estimate(ctx, clock):
    for _ in range(3):  # counter 1 serves payments in 2 minutes: it is staffed and the time is learnt
        paid = checkin.check_in(ctx, "payments").ticket
        queue.call_next(ctx, "1")
        queue.start_serving(ctx, paid.id)
        clock.advance(minutes=2)
        queue.finish(ctx, paid.id)
    counters.set_services(ctx, "2", ["permits"])
    queue.serve_now(ctx, "2", "permits")  # counter 2 is staffed too, with a visitor for 15 minutes
    clock.advance(minutes=5)
    first = checkin.check_in(ctx, "permits")
    second = checkin.check_in(ctx, "payments")
    third = checkin.check_in(ctx, "permits")
    # Counter 2 (permits only) is free in 10 minutes; counter 1 (everything) is free now.
    assert first.estimated_wait == timedelta(0)
    # Counter 1 takes the first permit for 15 minutes; counter 2 does not serve payments.
    assert second.estimated_wait == timedelta(minutes=15)
    assert third.estimated_wait == timedelta(minutes=10)  # counter 2 frees up first, for this permit
    assert first.ticket.estimated_wait_seconds == 0 and third.ticket.estimated_wait_seconds == 600
    # Someone coming for information now: after the first permit (15) and the payment (2, learnt).
    assert queue.snapshot(ctx).new_arrival_waits["information"] == timedelta(minutes=17)

    counters.start_break(ctx, "1")
    # Only counter 2 is open now, and it serves permits only: payments gets a counter of its own.
    assert [e.estimated_wait for e in queue.snapshot(ctx).waiting] == [
        timedelta(minutes=10),
        timedelta(0),
        timedelta(minutes=25),
    ]


def test_quick_questions_do_not_teach_the_estimate_that_visits_are_short(ctx, clock):
    for _ in range(3):
        quick = queue.serve_now(ctx, "1", "permits")
        clock.advance(seconds=40)
        queue.finish(ctx, quick.id)
    checkin.check_in(ctx, "permits")
    assert checkin.check_in(ctx, "permits").estimated_wait == timedelta(minutes=15)


def test_accuracy_figures():
    minutes = [timedelta(minutes=m) for m in range(11)]
    # told 10 minutes each time; waited 0..10 minutes
    result = accuracy_of((minutes[10], actual) for actual in minutes)
    assert result.count == 11
    assert result.median_absolute_error == timedelta(minutes=5)
    assert result.mean_absolute_error == timedelta(minutes=5)
    assert result.p90_absolute_error == timedelta(minutes=9)  # nearest rank: the 10th of 11
    assert result.mean_error == timedelta(minutes=-5)  # shorter than told
    assert result.share_within_5_minutes == pytest.approx(6 / 11)
    assert accuracy_of([]).count == 0


def test_the_error_is_measured_when_the_ticket_is_called(ctx, clock):
    start = clock.now()
    told = checkin.check_in(ctx, "information")  # no wait
    second = checkin.check_in(ctx, "information")  # 6 minutes
    checkin.check_in(ctx, "permits")  # never called: not measured
    clock.advance(minutes=2)
    queue.call_next(ctx, "1")
    queue.finish(ctx, told.ticket.id)
    clock.advance(minutes=7)
    queue.call_next(ctx, "1")  # 9 minutes after second joined: 3 longer than told
    result = estimates.estimate_accuracy(ctx, start, clock.now())
    assert result.count == 2
    assert result.mean_error == timedelta(minutes=(2 + 3) / 2)
    assert result.median_absolute_error == timedelta(minutes=2.5)
    assert result.share_within_5_minutes == 1.0
    assert second.ticket.estimated_wait_seconds == 360
    assert estimates.accuracy_today(ctx).count == 2
    assert estimates.estimate_accuracy(ctx, clock.now(), clock.now() + timedelta(hours=1)).count == 0


def simulated_day(ctx, clock, seed: int) -> estimates.EstimateAccuracy:
    """A day at the desk: visitors arrive at random for seven hours, three counters (one serving
    permits and accommodation only) serve them in times that vary around each service's typical
    time, and counter 2 takes half an hour's break."""
    rng = random.Random(seed)
    start = clock.now()
    typical = {s.code: s.average_minutes for s in SERVICES}
    codes, weights = [s.code for s in SERVICES], [5, 2, 4, 1]
    names = ["1", "2", "3"]
    counters.set_services(ctx, "3", ["permits", "accommodation"])
    held: dict[str, tuple[int, datetime] | None] = dict.fromkeys(names)
    break_from, break_to = start + timedelta(hours=3), start + timedelta(hours=3, minutes=30)
    on_break = False
    next_arrival, closing = start, start + timedelta(hours=7)
    waiting = 0
    while clock.now() < closing or waiting or any(held.values()):
        now = clock.now()
        while now >= next_arrival and now < closing:
            checkin.check_in(ctx, rng.choices(codes, weights)[0], accommodation=rng.random() < 0.1)
            waiting += 1
            next_arrival += timedelta(minutes=rng.expovariate(1 / 3.2))
        for name in names:
            if held[name] and now >= held[name][1]:
                queue.finish(ctx, held[name][0])
                held[name] = None
        if not on_break and break_from <= now < break_to and held["2"] is None:
            counters.start_break(ctx, "2")
            on_break = True
        elif on_break and now >= break_to:
            counters.end_break(ctx, "2")
            on_break = False
        for name in names:
            if held[name] is None and waiting and not (on_break and name == "2"):
                try:
                    called = queue.call_next(ctx, name)
                except QueueEmpty:
                    continue
                waiting -= 1
                queue.start_serving(ctx, called.id)
                length = typical[called.service_code] * rng.lognormvariate(0, 0.45)
                held[name] = (called.id, now + timedelta(minutes=max(1.0, length)))
        clock.advance(minutes=1)
    return estimates.estimate_accuracy(ctx, start, clock.now())


def test_a_simulated_day_keeps_most_estimates_within_minutes(ctx, clock):
    result = simulated_day(ctx, clock, seed=7)
    print(
        f"simulated day: {result.count} visitors, median |error| {result.median_absolute_error},"
        f" p90 {result.p90_absolute_error}, mean |error| {result.mean_absolute_error},"
        f" bias {result.mean_error}, within 5 min {result.share_within_5_minutes:.0%}"
    )
    assert result.count > 80
    assert result.median_absolute_error < timedelta(minutes=6)
    assert abs(result.mean_error) < timedelta(minutes=6)


def test_every_rule_combination_gives_one_total_order():
    for appointments, accessibility in product((False, True), repeat=2):
        rules = QueueRules(appointments, accessibility)
        once = in_queue_order(MIXED, rules)
        assert in_queue_order(list(reversed(MIXED)), rules) == once
