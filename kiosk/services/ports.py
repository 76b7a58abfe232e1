"""What the services need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from kiosk.domain.rooms import Booking, Room
from kiosk.domain.services import QueueService
from kiosk.domain.tickets import Ticket


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class Speaker(Protocol):
    """Reads text aloud. Implementations never block the caller, raise, or hang."""

    volume: int  # 0..100
    rate_wpm: int
    chinese: str  # how Chinese is spoken: "yue" (Cantonese) or "cmn" (Mandarin)

    def say(self, text: str, language: str) -> int:
        """Speak instead of whatever is being said; returns the utterance's number."""
        ...

    def stop(self) -> None: ...


class PrinterError(Exception):
    """A printer could not take a job. The message is for staff (the log); a visitor is never shown it."""


class Printer(Protocol):
    """Prints finished documents (PDF). Blocks until the job is handed over: call it on a worker."""

    name: str

    def print_pdf(self, pdf: bytes, *, page_size_mm: tuple[float, float], title: str) -> object:
        """Print every page at ``page_size_mm`` (width, height); PrinterError when it cannot."""
        ...


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> Ticket:
        """Store a new ticket and return it with its id."""
        ...

    def get(self, ticket_id: int) -> Ticket | None: ...

    def save(self, ticket: Ticket) -> None:
        """Write back a ticket's changed state."""
        ...

    def allocate_sequence(self, service_date: date, service_code: str) -> int:
        """The next number of the day for a service; never the same twice, even across stations."""
        ...

    def waiting(self) -> list[Ticket]:
        """Every waiting ticket, in queue order."""
        ...

    def claim_next_waiting(self) -> Ticket | None:
        """The first waiting ticket, locked so that no other station can take it in its transaction."""
        ...

    def at_counters(self) -> list[Ticket]:
        """Tickets called or being served, most recently called first."""
        ...

    def at_counter(self, counter: str) -> list[Ticket]: ...

    def recent_service_durations(self, since: datetime) -> list[tuple[str, timedelta]]:
        """(service code, time at the counter) of tickets finished since ``since``."""
        ...

    def counters_active_since(self, since: datetime) -> int: ...

    def finished_since(self, since: datetime) -> list[Ticket]: ...


class ServiceRepository(Protocol):
    def all(self) -> list[QueueService]: ...

    def get(self, code: str) -> QueueService | None: ...

    def add(self, service: QueueService) -> None: ...


class RoomRepository(Protocol):
    def all(self) -> list[Room]: ...

    def get(self, code: str) -> Room | None: ...

    def put(self, room: Room) -> None:
        """Add a room or change it (name, capacity, features, order, whether it can be booked)."""
        ...

    def bookings_on(self, day: date) -> list[Booking]:
        """Every booking of the day, any status, by start time."""
        ...

    def booking(self, booking_id: int) -> Booking | None:
        """A booking, locked for this transaction where the database can."""
        ...

    def booking_by_code(self, day: date, code: str) -> Booking | None: ...

    def add_booking(self, booking: Booking, slot_starts: list[datetime]) -> Booking:
        """Store a booking holding these slots; raises SlotTaken when another booking holds one."""
        ...

    def save_booking(self, booking: Booking, slot_starts: list[datetime] | None = None) -> None:
        """Write back a booking; it then holds exactly ``slot_starts`` (none when not given)."""
        ...


class ChangeMarker(Protocol):
    """A number that grows whenever the queue changes, cheap to read from any station."""

    def bump(self) -> None: ...

    def current(self) -> int: ...


class UnitOfWork(Protocol):
    tickets: TicketRepository
    services: ServiceRepository
    changes: ChangeMarker
    rooms: RoomRepository
    room_changes: ChangeMarker

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None:
        """Make the work durable; what a visitor is told succeeded must survive a power cut."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = False) -> UnitOfWork:
        """A fresh unit of work. ``write`` asks for the write lock up front (SQLite)."""
        ...
