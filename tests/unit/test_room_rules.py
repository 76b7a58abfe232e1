"""Room booking rules, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain import rooms
from kiosk.domain.rooms import Booking, BookingClosed, BookingStatus, CheckInTooEarly, RoomHours

ZONE = ZoneInfo("America/Los_Angeles")
HOURS = RoomHours()
DAY = date(2026, 11, 25)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def booking(start: datetime, minutes: int = 30, made: datetime | None = None, **kw) -> Booking:
    return Booking(
        "room-1", "K7RM", DAY, start, start + timedelta(minutes=minutes), created_at=made or at(8), **kw
    )


def test_the_day_is_cut_in_slots_in_the_building_s_time_zone():
    slots = rooms.day_slots(DAY, HOURS, ZONE)
    assert len(slots) == 18
    assert (slots[0].starts_at, slots[-1].ends_at) == (at(8), at(17))
    # The day daylight saving time ends still runs 8:00 to 17:00 local.
    fall_back = rooms.day_slots(date(2026, 11, 1), HOURS, ZONE)
    assert fall_back[0].starts_at.astimezone(ZONE).time() == time(8)
    assert len(fall_back) == 18


def test_free_slots_skip_held_ones_and_the_slot_almost_over():
    held = booking(at(10), minutes=60)
    free = rooms.free_slots([held], DAY, at(9, 10), HOURS, ZONE)
    starts = [s.starts_at for s in free]
    assert at(9) in starts  # 20 of its 30 minutes left
    assert at(10) not in starts and at(10, 30) not in starts and at(11) in starts
    assert at(9) not in [s.starts_at for s in rooms.free_slots([], DAY, at(9, 16), HOURS, ZONE)]


def test_cancelled_released_and_overdue_bookings_hold_nothing():
    for status in (BookingStatus.CANCELLED, BookingStatus.RELEASED):
        assert not rooms.holds(booking(at(10), status=status), at(9), HOURS)
    assert rooms.holds(booking(at(10)), at(10, 9), HOURS)
    assert not rooms.holds(booking(at(10)), at(10, 10), HOURS)  # grace over, never checked in
    assert rooms.holds(booking(at(10), status=BookingStatus.CHECKED_IN), at(10, 10), HOURS)
    # A walk-in taking a slot under way has its grace from when it booked.
    walk_in = booking(at(10), made=at(10, 12))
    assert rooms.holds(walk_in, at(10, 20), HOURS) and not rooms.is_overdue(walk_in, at(10, 21), HOURS)


def test_check_in_window_and_transitions():
    b = booking(at(10))
    with pytest.raises(CheckInTooEarly):
        rooms.check_in(b, at(9, 44), HOURS)
    checked = rooms.check_in(b, at(9, 45), HOURS)
    assert checked.status == BookingStatus.CHECKED_IN and checked.checked_in_at == at(9, 45)
    assert rooms.check_in(checked, at(10, 20), HOURS) is checked
    with pytest.raises(BookingClosed):
        rooms.check_in(b, at(10, 10), HOURS)  # too late: released
    with pytest.raises(BookingClosed):
        rooms.cancel(checked, at(10, 5))  # in use: release it instead
    assert rooms.release(checked, at(10, 20)).status == BookingStatus.RELEASED
    assert rooms.cancel(b, at(9)).status == BookingStatus.CANCELLED


def test_codes_are_easy_to_read_and_scanned_payloads_are_understood():
    codes = {rooms.new_code() for _ in range(200)}
    assert all(len(c) == 4 and set(c) <= set(rooms.CODE_ALPHABET) for c in codes)
    assert not set("0O1IL2Z5S8B") & set(rooms.CODE_ALPHABET)
    assert rooms.normalise_code("KIOSK-ROOM:K7RM\r\n") == "K7RM"
    assert rooms.normalise_code(" k7-rm ") == "K7RM"
    assert booking(at(10)).qr_payload == "KIOSK-ROOM:K7RM"
