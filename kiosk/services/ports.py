"""What the services need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from kiosk.domain.feedback import Feedback
from kiosk.domain.queue import CallState, Counter, QueueRules
from kiosk.domain.requests import RequestState, ServiceRequest, SyncStatus
from kiosk.domain.rooms import Booking, Room
from kiosk.domain.services import QueueService
from kiosk.domain.staff import AuditEntry, StaffUser
from kiosk.domain.stations import PrinterState
from kiosk.domain.tickets import Ticket
from kiosk.domain.visitors import Visit


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


class Announcer(Protocol):
    """Calls a ticket in the waiting area: a chime, then each phrase in its language, one call after
    another (a call never cuts off the one before). Never blocks the caller, raises or hangs."""

    def announce(self, phrases: list[tuple[str, str]]) -> None:
        """Queue one call: ``phrases`` are (text, language) pairs, said in that order."""
        ...


class ChangeFeed(Protocol):
    """Tells promptly, from a thread of its own, that the queue changed at some station (PostgreSQL
    LISTEN/NOTIFY). Where there is none, stations poll the change marker instead."""

    @property
    def connected(self) -> bool:
        """False while notifications cannot arrive: poll meanwhile."""
        ...

    def start(self, on_change: Callable[[], None]) -> None:
        """Call ``on_change`` (on the feed's thread, quickly) at each change and at each reconnection."""
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

    def waiting(self, rules: QueueRules = ...) -> list[Ticket]:
        """Every waiting ticket, in queue order under ``rules``."""
        ...

    def claim_next_waiting(self, rules: QueueRules = ..., services: tuple[str, ...] = ()) -> Ticket | None:
        """The first waiting ticket (of ``services``; empty: any), in queue order under ``rules``,
        locked so that no other station can take it in its transaction."""
        ...

    def claim_and_call(
        self, counter: str, now: datetime, rules: QueueRules = ..., services: tuple[str, ...] = ()
    ) -> Ticket | None:
        """``claim_next_waiting``, then ``Ticket.call(counter, now)`` on it, stored: the ticket as called.
        One step, so that the database may do it in one statement."""
        ...

    def finish(self, ticket_id: int, now: datetime) -> Ticket | None:
        """``Ticket.finish(now)`` on the ticket (locked as ``get`` locks it), stored: the ticket as
        finished; None when there is no such ticket. Raises what Ticket.finish raises."""
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

    def recent_calls(self, since: datetime, limit: int) -> list[Ticket]:
        """Tickets called (or recalled) since ``since``, whatever became of them, latest call first."""
        ...


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


class RequestRepository(Protocol):
    """Service requests; a queued one is its own outbox entry, written in the same transaction."""

    def add(self, request: ServiceRequest) -> ServiceRequest: ...

    def save(self, request: ServiceRequest) -> None: ...

    def get(self, request_id: int) -> ServiceRequest | None:
        """Locked for this transaction where the database can."""
        ...

    def save_many(self, requests: list[ServiceRequest]) -> None:
        """Write back several at once (a batch claimed or settled)."""
        ...

    def get_many(self, request_ids: list[int]) -> dict[int, ServiceRequest]:
        """Several at once (a batch being settled), locked like ``get``."""
        ...

    def by_reference(self, reference: str) -> ServiceRequest | None: ...

    def claim_due(self, now: datetime, limit: int) -> list[ServiceRequest]:
        """Queued, due and held by no other worker; locked so that no other worker takes them."""
        ...

    def awaiting_token(self, limit: int = 50) -> list[ServiceRequest]:
        """Sent to a batch service: the server gave a token, not yet an id."""
        ...

    def in_state(self, states: list[RequestState], limit: int = 200) -> list[ServiceRequest]: ...

    def counts(self) -> dict[RequestState, int]: ...

    def next_due_at(self) -> datetime | None: ...

    def catalogue(self) -> list[tuple[dict, dict | None]]:
        """The central service's services and definitions as last fetched (JSON-ready dicts)."""
        ...

    def replace_catalogue(self, entries: list[tuple[dict, dict | None]], now: datetime) -> None: ...

    def sync_status(self) -> SyncStatus: ...

    def save_sync_status(self, status: SyncStatus) -> None: ...


class StationRepository(Protocol):
    def printer(self, station: str) -> PrinterState | None: ...

    def put_printer(self, state: PrinterState) -> None: ...

    def printers(self) -> list[PrinterState]: ...


class StaffRepository(Protocol):
    def get(self, username: str) -> StaffUser | None:
        """For update: sign-in counts attempts on the row it read."""

    def add(self, user: StaffUser) -> StaffUser: ...

    def save(self, user: StaffUser) -> None: ...

    def all(self) -> list[StaffUser]: ...


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> None: ...

    def between(self, start: datetime, end: datetime, limit: int = 1000) -> list[AuditEntry]: ...

    def delete_before(self, cutoff: datetime) -> int: ...


class FeedbackRepository(Protocol):
    def add(self, feedback: Feedback) -> Feedback:
        """Store a rating; AlreadyRated when the visit has one."""
        ...

    def for_ticket(self, ticket_id: int) -> Feedback | None: ...

    def for_visits_on(self, first: date, last: date) -> list[Feedback]: ...

    def issued(self, service_date: date, number: str) -> Ticket | None:
        """The visit's first ticket issued with that number that day."""
        ...

    def visit(self, first_ticket_id: int) -> list[Ticket]:
        """The visit's tickets, first to last (a transfer continues the visit)."""
        ...

    def token_for(self, ticket_id: int) -> str | None: ...

    def add_token(self, ticket_id: int, token: str, now: datetime) -> None: ...

    def ticket_for_token(self, token: str) -> int | None: ...


class ReportRepository(Protocol):
    def tickets_on(self, first: date, last: date) -> list[Ticket]: ...

    def requests_between(self, start: datetime, end: datetime) -> list[tuple[str, str, datetime]]: ...

    def bookings_on(self, first: date, last: date) -> list[Booking]: ...


class VisitRepository(Protocol):
    def add(self, visit: Visit) -> Visit:
        """Store a new visit; BadgeTaken when a visitor inside wears its badge number."""
        ...

    def save(self, visit: Visit) -> None: ...

    def get(self, visit_id: int) -> Visit | None: ...

    def by_token(self, token: str) -> Visit | None: ...

    def inside_by_badge(self, badge: str) -> Visit | None: ...

    def in_building(self) -> list[Visit]:
        """Every visit not signed out, first signed in first."""
        ...

    def last_sequence(self, service_date: date) -> int: ...

    def badges_inside(self) -> set[str]: ...

    def signed_in_between(self, start: datetime, end: datetime) -> list[Visit]: ...

    def anonymise_signed_out_before(self, cutoff: datetime, dry_run: bool = False) -> int: ...


class CounterRepository(Protocol):
    def all(self) -> list[Counter]: ...

    def get(self, name: str) -> Counter | None:
        """Locked for this transaction where the database can."""
        ...

    def put(self, counter: Counter) -> None: ...

    def rules(self) -> QueueRules: ...

    def set_rule(self, name: str, enabled: bool, now: datetime) -> None: ...

    def call_state(self, name: str) -> CallState:
        """The ticket at the counter, the counter and the rules, in one read."""
        ...

    def active_since(self, since: datetime) -> set[str]:
        """Names of the counters that called a visitor since ``since``."""
        ...

    def estimate_outcomes(self, start: datetime, end: datetime) -> list[tuple[timedelta, timedelta]]:
        """(wait told, wait had) of the tickets that joined the line in [start, end) and were called."""
        ...


class PersonalData(Protocol):
    """Counts (dry run) or removes expired personal data; each returns how many rows."""

    def ticket_names(self, through_day: date, dry_run: bool) -> int: ...

    def booking_names(self, through_day: date, dry_run: bool) -> int: ...

    def request_contacts(self, before: datetime, dry_run: bool) -> int: ...

    def feedback_comments(self, before: datetime, dry_run: bool) -> int: ...


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
    requests: RequestRepository
    request_changes: ChangeMarker
    stations: StationRepository
    staff: StaffRepository
    audit: AuditLog
    personal_data: PersonalData
    counters: CounterRepository
    visits: VisitRepository
    visitor_changes: ChangeMarker
    feedback: FeedbackRepository
    reports: ReportRepository

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


# -- the city's central 311 service (Open311 GeoReport v2) ----------------------------------------
@dataclass(frozen=True)
class RemoteService:
    """One entry of services.json."""

    code: str
    name: str
    description: str = ""
    metadata: bool = False  # a definition with attributes exists
    type: str = "realtime"  # realtime | batch | blackbox
    keywords: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True)
class AttributeValue:
    key: str
    name: str


@dataclass(frozen=True)
class ServiceAttribute:
    """One field of a service definition. ``variable`` False: information to show, not a field."""

    code: str
    datatype: str  # string | number | datetime | text | singlevaluelist | multivaluelist
    description: str
    required: bool = False
    variable: bool = True
    order: int = 0
    datatype_description: str = ""
    values: tuple[AttributeValue, ...] = ()


@dataclass(frozen=True)
class ServiceDefinition:
    service_code: str
    attributes: tuple[ServiceAttribute, ...] = ()


@dataclass(frozen=True)
class NewRequest:
    """What is POSTed to requests.json (the api key and jurisdiction are the client's own)."""

    service_code: str
    attributes: dict[str, str | list[str]] = field(default_factory=dict)  # lists: multivaluelist
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    device_id: str = ""


@dataclass(frozen=True)
class Created:
    """The answer to a create: an id, or for batch services a token to resolve later."""

    service_request_id: str | None = None
    token: str | None = None
    service_notice: str = ""


@dataclass(frozen=True)
class RemoteRequest:
    """A request as the server reports it (requests.json / requests/{id}.json)."""

    service_request_id: str
    status: str = ""  # open | closed (servers in the field send other words too)
    status_notes: str = ""
    service_code: str = ""
    description: str = ""
    agency_responsible: str = ""
    requested_datetime: datetime | None = None
    updated_datetime: datetime | None = None
    expected_datetime: datetime | None = None


class Open311Error(Exception):
    """Base of what the client raises; ``body`` keeps the server's answer for staff to read."""

    def __init__(self, message: str, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class Transient(Open311Error):
    """Try again later: 5xx, 429, a connection refused before anything was sent.
    ``retry_after`` (seconds) when the server said when."""

    def __init__(
        self, message: str, status: int | None = None, body: str = "", retry_after: float | None = None
    ):
        super().__init__(message, status, body)
        self.retry_after = retry_after


class Uncertain(Transient):
    """The request may have reached the server (timeout or connection lost after sending): look for it
    before sending it again."""


class Rejected(Open311Error):
    """A 4xx other than 403/429: the request as it stands will never be accepted; a person must look."""


class Forbidden(Open311Error):
    """403: the api key is missing or refused. Stop sending until an admin fixes the settings."""


class Open311Client(Protocol):
    """The central service. Every call has a timeout; errors are the Open311Error kinds above."""

    def services(self) -> list[RemoteService]: ...

    def definition(self, service_code: str) -> ServiceDefinition: ...

    def create(self, request: NewRequest) -> Created: ...

    def resolve_token(self, token: str) -> str | None:
        """The service_request_id a batch token became, or None while the server has not made it yet."""
        ...

    def find(
        self,
        *,
        ids: list[str] | None = None,
        service_code: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[RemoteRequest]:
        """requests.json with its filters (ids override the rest; start and end at most 90 days apart)."""
        ...

    def request(self, service_request_id: str) -> RemoteRequest | None: ...
