"""Discussion rooms: slots of a day, bookings, and the rules for taking, using and freeing them.

A booking holds whole slots (30 minutes by default) of one room. Two bookings never hold the same slot:
storage enforces it with one row per held slot under a unique key, so two stations booking the same
slot at the same moment get one booking and one "just taken" answer, on SQLite and PostgreSQL alike.

A booking not checked in within the grace period after it starts is released: it stops holding its
slots for anyone who asks, at once, whether or not the release job has run yet.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kiosk.domain.errors import DomainError
from kiosk.domain.text import N_

# Room features a visitor may need, named in every language (the keys are stored with the room).
FEATURES: dict[str, str] = {
    "wheelchair": N_("Wheelchair accessible"),
    "hearing_loop": N_("Hearing loop"),
    "video_relay": N_("Video relay for sign language"),
    "quiet": N_("Quiet, away from the lobby"),
}
# Codes are read aloud and typed: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 4
QR_PREFIX = "KIOSK-ROOM:"


class SlotTaken(DomainError):
    message = N_("That time has just been taken. Please choose another.")


class BookingNotFound(DomainError):
    message = N_("No booking for today has the code {code}.")


class BookingClosed(DomainError):
    message = N_("Booking {code} can no longer be changed.")


class CheckInTooEarly(DomainError):
    message = N_("Booking {code} starts at {time}. Please check in from {earliest}.")


class RoomUnavailable(DomainError):
    message = N_("That room cannot be booked.")


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    RELEASED = "released"  # not checked in in time, or freed early by reception
    CANCELLED = "cancelled"


HOLDING = frozenset({BookingStatus.BOOKED, BookingStatus.CHECKED_IN})


@dataclass(frozen=True)
class Room:
    code: str
    name: str
    capacity: int
    features: tuple[str, ...] = ()
    sort_order: int = 0
    active: bool = True


@dataclass(frozen=True)
class RoomHours:
    """When rooms can be booked: the building's opening hours, cut in slots."""

    opens: time = time(8, 0)
    closes: time = time(17, 0)
    slot_minutes: int = 30
    grace_minutes: int = 10
    check_in_early_minutes: int = 15

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.grace_minutes)


@dataclass
class Booking:
    room_code: str
    code: str
    service_date: date
    starts_at: datetime
    ends_at: datetime
    status: BookingStatus = BookingStatus.BOOKED
    name: str | None = None
    source: str = "kiosk"  # kiosk or reception
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    checked_in_at: datetime | None = None
    closed_at: datetime | None = None
    id: int | None = None

    @property
    def qr_payload(self) -> str:
        return f"{QR_PREFIX}{self.code}"


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


def day_slots(day: date, hours: RoomHours, zone: ZoneInfo) -> list[Slot]:
    """The day's slots in UTC, from opening to closing in the building's time zone."""
    start = datetime.combine(day, hours.opens, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day, hours.closes, tzinfo=zone).astimezone(UTC)
    slots = []
    while start + hours.slot <= end:
        slots.append(Slot(start, start + hours.slot))
        start += hours.slot
    return slots


def slot_starts(starts_at: datetime, ends_at: datetime, hours: RoomHours) -> list[datetime]:
    """The slot starts a booking holds."""
    out, at = [], starts_at
    while at < ends_at:
        out.append(at)
        at += hours.slot
    return out


def is_overdue(booking: Booking, now: datetime, hours: RoomHours) -> bool:
    """Booked, never checked in, and the grace period is over: from the start, or from the booking's
    making for a walk-in who takes a slot already under way."""
    since = max(booking.starts_at, booking.created_at)
    return booking.status == BookingStatus.BOOKED and now >= since + hours.grace


def holds(booking: Booking, now: datetime, hours: RoomHours) -> bool:
    """Whether the booking keeps its slots from others right now."""
    return booking.status in HOLDING and not is_overdue(booking, now, hours) and booking.ends_at > now


def free_slots(
    bookings: list[Booking], day: date, now: datetime, hours: RoomHours, zone: ZoneInfo
) -> list[Slot]:
    """The room's slots still to come (the current one too, while it has time left) that nobody holds."""
    held = {
        start
        for booking in bookings
        if holds(booking, now, hours)
        for start in slot_starts(booking.starts_at, booking.ends_at, hours)
    }
    # A slot with less than half of it left is not offered: nobody can use it well.
    return [
        slot
        for slot in day_slots(day, hours, zone)
        if slot.ends_at - now > hours.slot / 2 and slot.starts_at not in held
    ]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a visitor typed or a scanner sent -> a booking code ('kiosk-room:k7rm ' -> 'K7RM')."""
    text = text.strip().upper()
    if text.startswith(QR_PREFIX):
        text = text[len(QR_PREFIX) :]
    return "".join(ch for ch in text if ch.isalnum())


def check_in(
    booking: Booking, now: datetime, hours: RoomHours, time_text: str = "", earliest_text: str = ""
) -> Booking:
    if booking.status == BookingStatus.CHECKED_IN:
        return booking  # scanning twice is not an error
    if booking.status != BookingStatus.BOOKED or is_overdue(booking, now, hours) or now >= booking.ends_at:
        raise BookingClosed(code=booking.code)
    if now < booking.starts_at - timedelta(minutes=hours.check_in_early_minutes):
        raise CheckInTooEarly(code=booking.code, time=time_text, earliest=earliest_text)
    return replace(booking, status=BookingStatus.CHECKED_IN, checked_in_at=now)


def cancel(booking: Booking, now: datetime) -> Booking:
    if booking.status != BookingStatus.BOOKED:
        raise BookingClosed(code=booking.code)
    return replace(booking, status=BookingStatus.CANCELLED, closed_at=now)


def release(booking: Booking, now: datetime) -> Booking:
    """Free the room: a no-show, or a conversation that ended early."""
    if booking.status not in HOLDING:
        raise BookingClosed(code=booking.code)
    return replace(booking, status=BookingStatus.RELEASED, closed_at=now)
