from datetime import UTC, date, datetime, timedelta

from kiosk.domain.queue import (
    estimate_wait,
    in_queue_order,
    position_in_line,
    queue_key,
    typical_service_minutes,
)
from kiosk.domain.tickets import Ticket

T0 = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def ticket(id_, minutes_after, priority=0, service="information") -> Ticket:
    at = T0 + timedelta(minutes=minutes_after)
    return Ticket(
        number=f"A{id_:03d}",
        sequence=id_,
        service_code=service,
        service_date=date(2026, 11, 25),
        created_at=at,
        queued_at=at,
        priority=priority,
        id=id_,
    )


def test_first_come_first_served_within_a_priority():
    tickets = [ticket(3, 5), ticket(1, 0), ticket(2, 2)]
    assert [t.id for t in in_queue_order(tickets)] == [1, 2, 3]


def test_higher_priority_goes_first_then_arrival():
    tickets = [ticket(1, 0), ticket(2, 1, priority=1), ticket(3, 2, priority=1)]
    assert [t.id for t in in_queue_order(tickets)] == [2, 3, 1]


def test_exact_ties_are_broken_by_id():
    assert queue_key(ticket(1, 0)) < queue_key(ticket(2, 0))


def test_position_counts_who_is_ahead():
    waiting = [ticket(1, 0), ticket(2, 1), ticket(3, 2)]
    assert [position_in_line(t, waiting) for t in waiting] == [1, 2, 3]


def test_no_one_ahead_means_no_wait():
    assert estimate_wait([], {"information": 6}, 1) == timedelta(0)


def test_wait_adds_the_service_time_of_everyone_ahead_shared_by_counters():
    ahead = [ticket(1, 0, service="permits"), ticket(2, 1, service="payments"), ticket(3, 2)]
    typical = {"permits": 15, "payments": 5, "information": 6}
    assert estimate_wait(ahead, typical, 1) == timedelta(minutes=26)
    assert estimate_wait(ahead, typical, 2) == timedelta(minutes=13)
    assert estimate_wait(ahead, typical, 3) == timedelta(minutes=9)  # 8.67 rounds up


def test_zero_counters_is_treated_as_one():
    assert estimate_wait([ticket(1, 0)], {"information": 6}, 0) == timedelta(minutes=6)


def test_typical_time_uses_the_median_of_recent_visits_once_there_are_enough():
    samples = [("permits", timedelta(minutes=m)) for m in (10, 12, 30)] + [("payments", timedelta(minutes=2))]
    typical = typical_service_minutes(samples, {"permits": 15, "payments": 5})
    assert typical["permits"] == 12
    assert typical["payments"] == 5  # one sample is not enough to trust


def test_outliers_are_clipped():
    samples = [("information", timedelta(hours=5))] * 3
    assert typical_service_minutes(samples, {})["information"] == 60
    samples = [("information", timedelta(seconds=3))] * 3
    assert typical_service_minutes(samples, {})["information"] == 1
