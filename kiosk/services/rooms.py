"""Discussion rooms: what is free today, booking, checking in, moving, cancelling, releasing.

Every change bumps the rooms change marker, so consoles and kiosks elsewhere see it at their next poll.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kiosk.domain import rooms as rules
from kiosk.domain.errors import InvalidInput
from kiosk.domain.rooms import (
    Booking,
    BookingNotFound,
    BookingStatus,
    Room,
    RoomUnavailable,
    Slot,
    SlotTaken,
)
from kiosk.domain.text import clean_text
from kiosk.domain.tickets import clean_first_name
from kiosk.services import audit
from kiosk.services.context import ServiceContext
from kiosk.services.ports import UnitOfWork

MAX_SLOTS = 4  # two hours at the default slot length
DEFAULT_ROOMS = (
    Room("room-1", "Discussion Room 1", 4, ("wheelchair", "hearing_loop"), sort_order=1),
    Room("room-2", "Discussion Room 2", 6, ("wheelchair", "video_relay", "quiet"), sort_order=2),
)


@dataclass(frozen=True)
class RoomDay:
    """One room today, as the kiosk offers it and the console shows it."""

    room: Room
    free: list[Slot]
    now: Booking | None  # the booking holding the room now, if any
    next: Booking | None  # the next booking still to start
    bookings: list[Booking]


def change_marker(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        return uow.room_changes.current()


def ensure_rooms(ctx: ServiceContext, rooms: tuple[Room, ...] = DEFAULT_ROOMS) -> int:
    """First run: the building's rooms, when none exist yet. An admin's changes are never overwritten."""
    with ctx.uow(write=True) as uow:
        if uow.rooms.all():
            return 0
        for room in rooms:
            uow.rooms.put(room)
        uow.room_changes.bump()
        uow.commit()
    return len(rooms)


def put_room(ctx: ServiceContext, room: Room) -> Room:
    """Add or change a room; returns it as stored."""
    # Admin-typed text is shown on every kiosk: cleaned like a visitor's (no controls, no lone surrogates).
    room = replace(room, code=clean_text(room.code), name=clean_text(room.name))
    if not room.code or not room.name or room.capacity < 1 or len(room.code) > 40 or len(room.name) > 80:
        raise InvalidInput()
    unknown = set(room.features) - set(rules.FEATURES)
    if unknown:
        raise InvalidInput()
    with ctx.uow(write=True) as uow:
        uow.rooms.put(room)
        audit.record(
            uow,
            ctx,
            "room.set",
            room.code,
            f"capacity {room.capacity}, active {room.active}, {','.join(room.features)}",
        )
        uow.room_changes.bump()
        uow.commit()
    return room


def list_rooms(ctx: ServiceContext, include_inactive: bool = False) -> list[Room]:
    with ctx.uow() as uow:
        return [room for room in uow.rooms.all() if room.active or include_inactive]


def today(ctx: ServiceContext) -> list[RoomDay]:
    now, day, hours = ctx.now(), ctx.today(), ctx.room_hours
    with ctx.uow() as uow:
        rooms = [room for room in uow.rooms.all() if room.active]
        bookings = uow.rooms.bookings_on(day)
    days = []
    for room in rooms:
        mine = [b for b in bookings if b.room_code == room.code]
        holding = [b for b in mine if rules.holds(b, now, hours)]
        current = next((b for b in holding if b.starts_at <= now), None)
        upcoming = next((b for b in holding if b.starts_at > now), None)
        days.append(
            RoomDay(room, rules.free_slots(mine, day, now, hours, ctx.timezone), current, upcoming, mine)
        )
    return days


def book(
    ctx: ServiceContext,
    room_code: str,
    starts_at: datetime,
    slots: int = 1,
    name: str | None = None,
    source: str = "kiosk",
) -> Booking:
    """Take ``slots`` slots of a room from ``starts_at``; SlotTaken when someone was quicker."""
    if not 1 <= slots <= MAX_SLOTS:
        raise InvalidInput()
    hours, now, day = ctx.room_hours, ctx.now(), ctx.today()
    offered = {slot.starts_at for slot in rules.day_slots(day, hours, ctx.timezone)}
    starts = [starts_at + hours.slot * i for i in range(slots)]
    if any(start not in offered for start in starts) or starts[-1] + hours.slot - now <= hours.slot / 2:
        raise SlotTaken()  # not a slot of today, or already over
    with ctx.uow(write=True) as uow:
        room = uow.rooms.get(room_code)
        if room is None or not room.active:
            raise RoomUnavailable()
        _release_overdue(uow, day, now, ctx)
        booking = Booking(
            room_code=room_code,
            code=_free_code(uow, day),
            service_date=day,
            starts_at=starts[0],
            ends_at=starts[-1] + hours.slot,
            name=clean_first_name(name),
            source=source,
            created_at=now,
        )
        uow.rooms.add_booking(booking, starts)
        uow.room_changes.bump()
        uow.commit()
    return booking


def check_in(ctx: ServiceContext, code_text: str, format_time=None) -> Booking:
    """A visitor arrives for their booking: the code typed, or scanned from the receipt's QR code."""
    code = rules.normalise_code(code_text)
    now, day, hours = ctx.now(), ctx.today(), ctx.room_hours
    with ctx.uow(write=True) as uow:
        booking = uow.rooms.booking_by_code(day, code) if code else None
        if booking is None:
            raise BookingNotFound(code=code or code_text.strip())
        show = format_time or (lambda at: at.astimezone(ctx.timezone).strftime("%H:%M"))
        earliest = booking.starts_at - timedelta(minutes=hours.check_in_early_minutes)
        checked = rules.check_in(booking, now, hours, show(booking.starts_at), show(earliest))
        if checked is not booking:
            uow.rooms.save_booking(checked, _held(checked, hours))
            uow.room_changes.bump()
            uow.commit()
    return checked


def move(ctx: ServiceContext, booking_id: int, room_code: str, starts_at: datetime) -> Booking:
    """Reception moves a booking to another time or room, keeping its length and its code."""
    hours, now, day = ctx.room_hours, ctx.now(), ctx.today()
    with ctx.uow(write=True) as uow:
        booking = _get(uow, booking_id)
        if booking.status != BookingStatus.BOOKED or rules.is_overdue(booking, now, hours):
            raise rules.BookingClosed(code=booking.code)
        room = uow.rooms.get(room_code)
        if room is None or not room.active:
            raise RoomUnavailable()
        length = booking.ends_at - booking.starts_at
        offered = {slot.starts_at for slot in rules.day_slots(day, hours, ctx.timezone)}
        moved = replace(booking, room_code=room_code, starts_at=starts_at, ends_at=starts_at + length)
        starts = rules.slot_starts(moved.starts_at, moved.ends_at, hours)
        if any(start not in offered for start in starts) or moved.ends_at - now <= hours.slot / 2:
            raise SlotTaken()
        _release_overdue(uow, day, now, ctx)
        uow.rooms.save_booking(moved, starts)
        uow.room_changes.bump()
        uow.commit()
    return moved


def cancel(ctx: ServiceContext, booking_id: int) -> Booking:
    return _close(ctx, booking_id, rules.cancel)


def release(ctx: ServiceContext, booking_id: int) -> Booking:
    return _close(ctx, booking_id, rules.release)


def release_overdue(ctx: ServiceContext) -> int:
    """The release job: bookings not checked in within the grace period give their slots back."""
    with ctx.uow(write=True) as uow:
        released = _release_overdue(uow, ctx.today(), ctx.now(), ctx)
        if released:
            uow.room_changes.bump()
            uow.commit()
    return released


def _close(ctx: ServiceContext, booking_id: int, rule) -> Booking:
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        closed = rule(_get(uow, booking_id), now)
        uow.rooms.save_booking(closed)
        uow.room_changes.bump()
        uow.commit()
    return closed


def _release_overdue(uow: UnitOfWork, day, now: datetime, ctx: ServiceContext) -> int:
    overdue = [b for b in uow.rooms.bookings_on(day) if rules.is_overdue(b, now, ctx.room_hours)]
    for booking in overdue:
        uow.rooms.save_booking(rules.release(booking, now))
    return len(overdue)


def _held(booking: Booking, hours) -> list[datetime]:
    return rules.slot_starts(booking.starts_at, booking.ends_at, hours)


def _get(uow: UnitOfWork, booking_id: int) -> Booking:
    booking = uow.rooms.booking(booking_id)
    if booking is None:
        raise BookingNotFound(code=str(booking_id))
    return booking


def _free_code(uow: UnitOfWork, day) -> str:
    for _ in range(50):
        code = rules.new_code()
        if uow.rooms.booking_by_code(day, code) is None:
            return code
    raise RuntimeError("no free booking code")  # 25**4 codes: only with a broken random source
