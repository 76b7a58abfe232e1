"""Discussion rooms on SQLite and PostgreSQL: booking, no double booking, check-in, moves, the release job."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.domain.rooms import (
    BookingClosed,
    BookingNotFound,
    BookingStatus,
    CheckInTooEarly,
    Room,
    RoomUnavailable,
    SlotTaken,
)
from kiosk.services import rooms
from tests.integration.workers import book_when_told

# The fake clock starts at 9:00 in Portland (17:00 UTC): the day's slots run 8:00-17:00 local.
NINE_THIRTY = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
TEN = NINE_THIRTY + timedelta(minutes=30)


def url_of(backend) -> str:
    return backend.engine.url.render_as_string(hide_password=False)


def room_day(ctx, code: str):
    return next(day for day in rooms.today(ctx) if day.room.code == code)


def test_the_building_starts_with_its_rooms_and_their_free_slots(backend):
    days = rooms.today(backend.ctx)
    assert [(d.room.name, d.room.capacity) for d in days] == [
        ("Discussion Room 1", 4),
        ("Discussion Room 2", 6),
    ]
    free = days[0].free
    # It is 9:00: the 9:00-9:30 slot is still bookable, up to 16:30-17:00.
    assert free[0].starts_at == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert free[-1].ends_at == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    assert len(free) == 16
    assert days[0].now is None and days[0].next is None


def test_a_booked_slot_is_no_longer_free_and_cannot_be_booked_again(backend):
    booking = rooms.book(backend.ctx, "room-1", NINE_THIRTY, slots=2, name="Ana")
    assert (booking.status, booking.name, booking.ends_at) == (
        BookingStatus.BOOKED,
        "Ana",
        TEN + timedelta(minutes=30),
    )
    assert len(booking.code) == 4
    day = room_day(backend.ctx, "room-1")
    assert NINE_THIRTY not in {s.starts_at for s in day.free} and TEN not in {s.starts_at for s in day.free}
    assert day.next == booking
    with pytest.raises(SlotTaken):
        rooms.book(backend.ctx, "room-1", TEN)  # overlaps the second slot
    rooms.book(backend.ctx, "room-2", TEN)  # another room is another matter


def test_slots_outside_the_day_or_already_over_are_refused(backend, clock):
    with pytest.raises(SlotTaken):
        rooms.book(backend.ctx, "room-1", NINE_THIRTY + timedelta(minutes=7))  # not a slot boundary
    with pytest.raises(SlotTaken):
        rooms.book(backend.ctx, "room-1", datetime(2026, 11, 26, 1, 0, tzinfo=UTC))  # 17:00, closed
    clock.advance(minutes=20)  # 9:20: the 9:00 slot has 10 minutes left
    with pytest.raises(SlotTaken):
        rooms.book(backend.ctx, "room-1", datetime(2026, 11, 25, 17, 0, tzinfo=UTC))
    with pytest.raises(RoomUnavailable):
        rooms.book(backend.ctx, "no-such-room", NINE_THIRTY)


def test_check_in_by_typed_code_or_scanned_qr(backend, clock):
    booking = rooms.book(backend.ctx, "room-1", TEN)
    with pytest.raises(CheckInTooEarly) as early:
        rooms.check_in(backend.ctx, booking.code)  # 9:00 for a 10:00 booking
    assert early.value.params == {"code": booking.code, "time": "10:00", "earliest": "09:45"}
    clock.advance(minutes=50)
    checked = rooms.check_in(backend.ctx, f"  kiosk-room:{booking.code.lower()}\n")
    assert checked.status == BookingStatus.CHECKED_IN
    assert (
        rooms.check_in(backend.ctx, booking.code).status == BookingStatus.CHECKED_IN
    )  # scanning twice is fine
    clock.advance(minutes=15)  # 10:05
    assert room_day(backend.ctx, "room-1").now.code == booking.code
    with pytest.raises(BookingNotFound):
        rooms.check_in(backend.ctx, "ZZZZ")


def test_a_booking_not_checked_in_in_time_is_released_and_its_slot_free_again(backend, clock):
    booking = rooms.book(backend.ctx, "room-1", NINE_THIRTY)
    clock.advance(minutes=39)  # 9:39, within the 10 minutes' grace
    assert NINE_THIRTY not in {s.starts_at for s in room_day(backend.ctx, "room-1").free}
    assert rooms.release_overdue(backend.ctx) == 0
    clock.advance(minutes=1)  # 9:40: grace over
    # Free for others at once, even before the release job runs...
    assert NINE_THIRTY in {s.starts_at for s in room_day(backend.ctx, "room-1").free}
    with pytest.raises(BookingClosed):
        rooms.check_in(backend.ctx, booking.code)
    # ...and the job marks it released.
    assert rooms.release_overdue(backend.ctx) == 1
    assert room_day(backend.ctx, "room-1").bookings[0].status == BookingStatus.RELEASED
    assert rooms.book(backend.ctx, "room-1", NINE_THIRTY).code != booking.code


def test_a_walk_in_can_take_an_overdue_booking_s_slot_before_the_job_ran(backend, clock):
    rooms.book(backend.ctx, "room-1", NINE_THIRTY)
    clock.advance(minutes=40)
    taken = rooms.book(backend.ctx, "room-1", NINE_THIRTY)
    statuses = sorted(b.status for b in room_day(backend.ctx, "room-1").bookings)
    assert statuses == [BookingStatus.BOOKED, BookingStatus.RELEASED]
    assert room_day(backend.ctx, "room-1").now == taken


def test_reception_moves_cancels_and_releases(backend, clock):
    booking = rooms.book(backend.ctx, "room-1", NINE_THIRTY, slots=2, source="reception")
    moved = rooms.move(backend.ctx, booking.id, "room-2", TEN)
    assert (moved.room_code, moved.starts_at, moved.ends_at, moved.code) == (
        "room-2",
        TEN,
        TEN + timedelta(hours=1),
        booking.code,
    )
    rooms.book(backend.ctx, "room-1", NINE_THIRTY, slots=2)  # the old slots are free
    other = rooms.book(backend.ctx, "room-2", TEN + timedelta(hours=1))
    with pytest.raises(SlotTaken):
        rooms.move(backend.ctx, moved.id, "room-2", TEN + timedelta(minutes=30))  # would overlap `other`
    assert rooms.cancel(backend.ctx, other.id).status == BookingStatus.CANCELLED
    rooms.move(backend.ctx, moved.id, "room-2", TEN + timedelta(minutes=30))  # now it fits
    clock.advance(minutes=90)  # 10:30, its start
    rooms.check_in(backend.ctx, booking.code)
    clock.advance(minutes=20)
    released = rooms.release(backend.ctx, booking.id)  # the conversation ended early
    assert released.status == BookingStatus.RELEASED
    assert TEN + timedelta(hours=1) in {s.starts_at for s in room_day(backend.ctx, "room-2").free}
    with pytest.raises(BookingClosed):
        rooms.cancel(backend.ctx, booking.id)


def test_rooms_are_settings_an_admin_changes(backend):
    rooms.put_room(backend.ctx, Room("room-3", "Family Room", 8, ("wheelchair",), sort_order=3))
    rooms.put_room(backend.ctx, Room("room-1", "Discussion Room 1", 4, (), sort_order=1, active=False))
    assert [d.room.code for d in rooms.today(backend.ctx)] == ["room-2", "room-3"]
    with pytest.raises(RoomUnavailable):
        rooms.book(backend.ctx, "room-1", NINE_THIRTY)
    assert rooms.ensure_rooms(backend.ctx) == 0  # the defaults never come back over an admin's changes


@pytest.mark.timeout(60)
def test_stations_in_threads_booking_one_slot_get_exactly_one_booking(backend):
    go = threading.Event()
    now_iso = backend.ctx.now().isoformat()
    with ThreadPoolExecutor(6) as pool:
        futures = [
            pool.submit(book_when_told, url_of(backend), now_iso, "room-1", TEN.isoformat(), go)
            for _ in range(6)
        ]
        go.set()
        codes = [f.result() for f in futures]
    assert sum(code is not None for code in codes) == 1
    assert len([b for b in room_day(backend.ctx, "room-1").bookings]) == 1


@pytest.mark.timeout(120)
def test_stations_in_processes_booking_overlapping_slots_get_exactly_one_booking(backend):
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        go = manager.Event()
        now_iso = backend.ctx.now().isoformat()
        # Two-slot bookings starting at 9:30 and 10:00 overlap at 10:00: one of them only may win.
        jobs = [
            (url_of(backend), now_iso, "room-1", start.isoformat(), go, 2) for start in (NINE_THIRTY, TEN) * 3
        ]
        with spawn.Pool(len(jobs)) as pool:
            pending = pool.starmap_async(book_when_told, jobs)
            go.set()
            codes = pending.get(90)
    assert sum(code is not None for code in codes) == 1
    assert len(room_day(backend.ctx, "room-1").bookings) == 1
