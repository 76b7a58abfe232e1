"""Repositories: domain objects in, domain objects out."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import Text, bindparam, case, cast, delete, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.domain.feedback import AlreadyRated, Feedback
from kiosk.domain.queue import NO_RULES, RULE_NAMES, CallState, Counter, QueueRules
from kiosk.domain.requests import RequestState, ServiceRequest, SyncStatus
from kiosk.domain.rooms import Booking, BookingStatus, Room, SlotTaken
from kiosk.domain.services import QueueService
from kiosk.domain.staff import AuditEntry, Role, StaffUser
from kiosk.domain.stations import PrinterState
from kiosk.domain.tickets import AT_COUNTER, Ticket, TicketStatus
from kiosk.domain.visitors import BadgeTaken, Visit, VisitSource
from kiosk.storage.driver import DriverStatement
from kiosk.storage.models import (
    AuditRow,
    BookingRow,
    ChangeCounterRow,
    CounterRow,
    FeedbackRow,
    FeedbackTokenRow,
    QueueRuleRow,
    QueueServiceRow,
    RemoteServiceRow,
    RoomRow,
    RoomSlotRow,
    ServiceRequestRow,
    StaffUserRow,
    StationPrinterRow,
    SyncStateRow,
    TicketRow,
    TicketSequenceRow,
    VisitRow,
)
from kiosk.storage.notify import NOTIFY_BUMP, NOTIFY_NEW, channel

_TICKET_FIELDS = [f.name for f in fields(Ticket)]
QUEUE_CHANGES = "queue"


def _to_ticket(row: TicketRow) -> Ticket:
    values = {name: getattr(row, name) for name in _TICKET_FIELDS}
    values["status"] = TicketStatus(row.status)
    return Ticket(**values)


def _ticket_of(row) -> Ticket:
    """A ticket from a Core result row holding the ticket columns (an ORM row is _to_ticket's)."""
    return _ticket_of_values(dict(row._mapping))


def _ticket_of_values(values: dict) -> Ticket:
    values["status"] = TicketStatus(values["status"])
    return Ticket(**values)


def _copy_into(row: TicketRow, ticket: Ticket) -> None:
    for name in _TICKET_FIELDS:
        if name != "id":
            value = getattr(ticket, name)
            setattr(row, name, value.value if isinstance(value, TicketStatus) else value)


def _queue_order(rules: QueueRules = NO_RULES, tickets=TicketRow):
    """The SQL twin of kiosk.domain.queue.queue_key: rule boosts, service priority, arrival, id."""
    boosts = []
    if rules.appointments_first:
        boosts.append(case((tickets.channel == "appointment", 1), else_=0))
    if rules.accessibility_priority:
        boosts.append(case((tickets.accommodation.is_(True), 1), else_=0))
    boost = [sum(boosts[1:], boosts[0]).desc()] if boosts else []
    return (*boost, tickets.priority.desc(), tickets.queued_at, tickets.id)


# The call-next path runs Core statements built once: SQLAlchemy then finds each one's compiled form
# in its cache from the statement alone, where a statement built per call is analysed again each time.
_TICKETS = TicketRow.__table__
_TICKET_COLUMNS = [_TICKETS.c[name] for name in _TICKET_FIELDS]


def _constant(value: str | int):
    """A constant written into the SQL rather than bound: PostgreSQL plans a prepared statement
    once for any parameter values after a few runs, and a plan for ``status = $1 ... LIMIT $2`` may
    not be the one for the waiting tickets' first row (the claim took twice the bare SQL's time)."""
    return literal_column(repr(value) if isinstance(value, str) else str(int(value)))


_WAITING = _constant(TicketStatus.WAITING.value)
_AT_COUNTER = [_constant(s.value) for s in sorted(AT_COUNTER)]
_ONE = _constant(1)
_GET_TICKET = select(*_TICKET_COLUMNS).where(_TICKETS.c.id == bindparam("ticket_id"))
_GET_TICKET_LOCKED = _GET_TICKET.with_for_update()
_SAVE_TICKET = (
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("ticket_id"))
    .values({name: bindparam(name) for name in _TICKET_FIELDS if name != "id"})
)


@functools.cache
def _first_waiting(rules: QueueRules, services: bool, top_priority: bool, lock: bool):
    """The id of the first waiting ticket in queue order under ``rules``; of the services in the
    ``services`` parameter when ``services``. ``top_priority``: looked for among the tickets of the
    line's highest priority alone (only right without rule boosts). The id alone: the database may
    sort every waiting ticket to find it, and narrow rows sort in half the time of whole tickets."""
    c = _TICKETS.c
    statement = select(c.id).where(c.status == _WAITING)
    if services:
        statement = statement.where(c.service_code.in_(bindparam("services", expanding=True)))
    if top_priority:
        # Without rule boosts, the first ticket has the line's highest priority: looked up in that
        # priority alone, ix_tickets_queue yields it in arrival order, where the mixed-direction
        # ORDER BY sorts every waiting ticket on each call (8 ms with 15,000 waiting).
        top = select(func.max(c.priority)).where(c.status == _WAITING)
        if services:
            top = top.where(c.service_code.in_(bindparam("services", expanding=True)))
        statement = statement.where(c.priority == top.scalar_subquery()).order_by(c.queued_at, c.id)
    else:
        statement = statement.order_by(*_queue_order(rules, c))
    statement = statement.limit(_ONE)
    if lock:
        # Each console skips rows another console is claiming instead of queueing behind it.
        statement = statement.with_for_update(skip_locked=True)
    return statement


@functools.cache
def _claim_query(rules: QueueRules, services: bool, top_priority: bool, lock: bool):
    """The first waiting ticket (see _first_waiting), whole."""
    statement = select(*_TICKET_COLUMNS).where(
        _TICKETS.c.id == _first_waiting(rules, services, top_priority, lock).scalar_subquery()
    )
    # Locked again (it is this transaction's already): FOR UPDATE reads the row as it was locked,
    # where a plain read could return an older version from the statement's snapshot.
    return statement.with_for_update() if lock else statement


def _written_by_domain(values: dict, action: Callable[[Ticket], object]) -> Ticket:
    """The ticket ``action`` (a domain transition) makes of the row's ticket as it was, checked
    against what the statement wrote: the one-statement writes below set values in SQL, and the
    domain stays the judge of them (a transition it refuses raises its own error)."""
    before = {name: values[name] for name in _TICKET_FIELDS}
    ticket = _ticket_of_values(dict(before))
    action(ticket)
    # The statement returns only the columns it sets; every other column is as it was.
    written = _ticket_of_values({name: values.get(_AFTER + name, before[name]) for name in _TICKET_FIELDS})
    if ticket != written:
        # Leave nothing of it (the transaction rolls back) rather than a row the domain would
        # not have written.
        raise RuntimeError(f"ticket {ticket.number} was written otherwise than the domain changes it")
    return ticket


_AFTER = "after_"


def _update_returning_before_and_after(before, values: dict):
    """UPDATE the ticket ``before`` (a subquery of the row as it was) to ``values``, returning that row
    whole and the columns written as they are now: not every column again, as each column returned is
    described and converted on every call, on the console's own time."""
    after = (_TICKETS.c[name].label(_AFTER + name) for name in values)
    statement = update(_TICKETS).where(_TICKETS.c.id == before.c.id).values(values)
    return statement.returning(*before.c, *after)


@functools.cache
def _claim_and_call(rules: QueueRules, services: bool, top_priority: bool):
    """PostgreSQL: claim the first waiting ticket and write it called, in one statement returning the
    ticket as it was and as it is (see _written_by_domain)."""
    claimed = _claim_query(rules, services, top_priority, lock=True).subquery("claimed")
    now = bindparam("now", type_=_TICKETS.c.called_at.type)
    values = {
        "status": _constant(TicketStatus.CALLED.value),
        "counter": bindparam("counter_name"),
        "called_at": now,
        "first_called_at": now,
    }
    return _update_returning_before_and_after(claimed, values)


def _finish_statement():
    """PostgreSQL: Ticket.finish written in one statement, returning the ticket as it was and as it is
    (see _written_by_domain)."""
    before = _GET_TICKET_LOCKED.subquery("before")
    now = bindparam("now", type_=_TICKETS.c.finished_at.type)
    values = {
        "status": _constant(TicketStatus.DONE.value),
        "serving_at": func.coalesce(before.c.serving_at, before.c.called_at, now),
        "finished_at": now,
    }
    return _update_returning_before_and_after(before, values)


_FINISH = DriverStatement(_finish_statement())


@functools.cache
def _claim_and_call_on_driver(rules: QueueRules, top_priority: bool) -> DriverStatement:
    """_claim_and_call for a counter serving every service, the lobby's usual case."""
    return DriverStatement(_claim_and_call(rules, False, top_priority))


class SqlTicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, ticket: Ticket) -> Ticket:
        row = TicketRow()
        _copy_into(row, ticket)
        self.session.add(row)
        self.session.flush()
        ticket.id = row.id
        return ticket

    def get(self, ticket_id: int) -> Ticket | None:
        statement = _GET_TICKET_LOCKED if self._is_postgres() else _GET_TICKET
        row = self.session.connection().execute(statement, {"ticket_id": ticket_id}).first()
        return _ticket_of(row) if row else None

    def save(self, ticket: Ticket) -> None:
        # A Core UPDATE rather than the ORM's flush: the flush's bookkeeping was most of a console's
        # own time per call (tests/benchmarks/queue.py, 8 consoles on one machine).
        values = {name: getattr(ticket, name) for name in _TICKET_FIELDS}
        values["status"] = ticket.status.value
        values["ticket_id"] = values.pop("id")
        result = self.session.connection().execute(_SAVE_TICKET, values)
        if result.rowcount == 0:
            raise LookupError(f"ticket {ticket.id} vanished")
        # A row this session already holds would be stale: let it be read again if it is needed.
        held = self.session.identity_map.get(self.session.identity_key(TicketRow, ticket.id))
        if held is not None:
            self.session.expire(held)

    def allocate_sequence(self, service_date: date, service_code: str) -> int:
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = TicketSequenceRow.__table__
        statement = (
            insert(table)
            .values(service_date=service_date, service_code=service_code, last_sequence=1)
            .on_conflict_do_update(
                index_elements=[table.c.service_date, table.c.service_code],
                set_={"last_sequence": table.c.last_sequence + 1},
            )
            .returning(table.c.last_sequence)
        )
        return int(self.session.execute(statement).scalar_one())

    def waiting(self, rules: QueueRules = NO_RULES) -> list[Ticket]:
        rows = self.session.scalars(
            select(TicketRow)
            .where(TicketRow.status == TicketStatus.WAITING.value)
            .order_by(*_queue_order(rules))
        )
        return [_to_ticket(r) for r in rows]

    def claim_next_waiting(
        self, rules: QueueRules = NO_RULES, services: tuple[str, ...] = ()
    ) -> Ticket | None:
        lock = self._is_postgres()
        row = self._first(lambda top: _claim_query(rules, bool(services), top, lock), rules, services)
        return _ticket_of(row) if row else None

    def claim_and_call(
        self, counter: str, now: datetime, rules: QueueRules = NO_RULES, services: tuple[str, ...] = ()
    ) -> Ticket | None:
        if not self._is_postgres():
            # The write lock is the transaction's since BEGIN IMMEDIATE, and the database is in this
            # process: claiming, then writing what the domain made of it, costs no round trip.
            ticket = self.claim_next_waiting(rules, services)
            if ticket is not None:
                ticket.call(counter, now)
                self.save(ticket)
            return ticket
        params = {"counter_name": counter, "now": now}
        if services:
            # A list of services is rendered into the statement per call: SQLAlchemy runs it.
            row = self._first(lambda top: _claim_and_call(rules, True, top), rules, services, params)
            values = dict(row._mapping) if row else None
        else:
            values = self._first_on_driver(lambda top: _claim_and_call_on_driver(rules, top), rules, params)
        return _written_by_domain(values, lambda t: t.call(counter, now)) if values else None

    def finish(self, ticket_id: int, now: datetime) -> Ticket | None:
        if not self._is_postgres():
            ticket = self.get(ticket_id)
            if ticket is not None:
                ticket.finish(now)
                self.save(ticket)
            return ticket
        values = _FINISH.first(self.session, {"ticket_id": ticket_id, "now": now})
        return _written_by_domain(values, lambda t: t.finish(now)) if values else None

    def _first_on_driver(self, statement, rules: QueueRules, params: dict) -> dict | None:
        """_first for a DriverStatement, a dict of the row's columns."""
        if not any(rules.as_dict().values()):
            values = statement(True).first(self.session, params)
            if values is not None:
                return values
        return statement(False).first(self.session, params)

    def _first(self, statement, rules: QueueRules, services: tuple[str, ...], params: dict | None = None):
        """The first row of ``statement(top_priority)``, the claim query or a statement around it."""
        params = {**(params or {}), **({"services": list(services)} if services else {})}
        connection = self.session.connection()
        if not any(rules.as_dict().values()):
            row = connection.execute(statement(True), params).first()
            if row is not None:
                return row
        # Rule boosts in force, or every ticket of the top priority is being claimed elsewhere.
        return connection.execute(statement(False), params).first()

    def at_counters(self) -> list[Ticket]:
        rows = self.session.scalars(
            select(TicketRow)
            .where(TicketRow.status.in_([s.value for s in AT_COUNTER]))
            .order_by(TicketRow.called_at.desc(), TicketRow.id.desc())
        )
        return [_to_ticket(r) for r in rows]

    def at_counter(self, counter: str) -> list[Ticket]:
        rows = self.session.scalars(
            select(TicketRow)
            .where(TicketRow.status.in_([s.value for s in AT_COUNTER]), TicketRow.counter == counter)
            .order_by(TicketRow.called_at.desc())
        )
        return [_to_ticket(r) for r in rows]

    def recent_service_durations(self, since: datetime) -> list[tuple[str, timedelta]]:
        rows = self.session.execute(
            select(TicketRow.service_code, TicketRow.serving_at, TicketRow.finished_at).where(
                TicketRow.status == TicketStatus.DONE.value,
                TicketRow.finished_at >= since,
                TicketRow.serving_at.is_not(None),
                # Quick questions served at the desk at once never waited: they would make the
                # line look faster than it is.
                TicketRow.estimated_wait_seconds.is_not(None),
            )
        )
        return [(code, finished - started) for code, started, finished in rows]

    def counters_active_since(self, since: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count(func.distinct(TicketRow.counter))).where(
                    TicketRow.counter.is_not(None), TicketRow.called_at >= since
                )
            )
            or 0
        )

    def finished_since(self, since: datetime) -> list[Ticket]:
        rows = self.session.scalars(
            select(TicketRow).where(
                TicketRow.status == TicketStatus.DONE.value, TicketRow.finished_at >= since
            )
        )
        return [_to_ticket(r) for r in rows]

    def recent_calls(self, since: datetime, limit: int) -> list[Ticket]:
        rows = self.session.scalars(
            select(TicketRow)
            .where(TicketRow.called_at >= since)
            .order_by(TicketRow.called_at.desc(), TicketRow.id.desc())
            .limit(limit)
        )
        return [_to_ticket(r) for r in rows]

    def _is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"


def _to_service(row: QueueServiceRow) -> QueueService:
    return QueueService(
        code=row.code,
        prefix=row.prefix,
        names=dict(row.names or {}),
        descriptions=dict(row.descriptions or {}),
        sort_order=row.sort_order,
        priority=row.priority,
        average_minutes=row.average_minutes,
        active=row.active,
    )


class SqlServiceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[QueueService]:
        return [_to_service(r) for r in self.session.scalars(select(QueueServiceRow))]

    def get(self, code: str) -> QueueService | None:
        row = self.session.get(QueueServiceRow, code)
        return _to_service(row) if row else None

    def add(self, service: QueueService) -> None:
        self.session.add(
            QueueServiceRow(
                code=service.code,
                prefix=service.prefix,
                names=dict(service.names),
                descriptions=dict(service.descriptions),
                sort_order=service.sort_order,
                priority=service.priority,
                average_minutes=service.average_minutes,
                active=service.active,
            )
        )
        self.session.flush()


_COUNTERS = ChangeCounterRow.__table__
_AUDIT = AuditRow.__table__
_ADD_AUDIT = _AUDIT.insert()
_AUDIT_FIELDS = ("at", "actor", "station", "action", "subject", "detail")


def _log_and_bump_statement():
    """PostgreSQL: an audit entry, a change counter's bump and the bump's NOTIFY in one statement;
    no row back means that counter does not exist yet."""
    logged = insert(_AUDIT).values({name: bindparam(name) for name in _AUDIT_FIELDS}).cte("logged")
    bumped = (
        update(_COUNTERS)
        .where(_COUNTERS.c.name == bindparam("marker"))
        .values(version=_COUNTERS.c.version + 1)
        .returning(_COUNTERS.c.version)
        .cte("bumped")
    )
    notify = func.pg_notify(bindparam("channel"), cast(bumped.c.version, Text))
    return select(notify).select_from(bumped).add_cte(logged)


_LOG_AND_BUMP = DriverStatement(_log_and_bump_statement())
_BUMP = (
    update(_COUNTERS).where(_COUNTERS.c.name == bindparam("marker")).values(version=_COUNTERS.c.version + 1)
)


class PendingWrites:
    """A unit of work's audit entries and change-counter bumps, written together just before it
    commits: on PostgreSQL the entry, the bump and its NOTIFY are one round trip, where each was one
    of its own on the call-next path. Reading either table writes them first, so that the work still
    sees its own writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.audit: list[dict] = []
        self.bumps: list[str] = []

    def write(self) -> None:
        if not self.audit and not self.bumps:
            return
        audit, bumps = self.audit, self.bumps
        self.audit, self.bumps = [], []
        if len(audit) == 1 and bumps and self.session.get_bind().dialect.name == "postgresql":
            name = bumps.pop(0)
            params = {**audit.pop(), "marker": name, "channel": channel(name)}
            if _LOG_AND_BUMP.first(self.session, params) is None:
                _first_bump(self.session, name)
        if audit:
            self.session.connection().execute(_ADD_AUDIT, audit)
        for name in bumps:
            _bump(self.session, name)


def _bump(session: Session, name: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # One round trip for the bump and its NOTIFY; PostgreSQL delivers the notification at
        # commit, so a listening display never hears of a change it cannot read yet.
        found = session.connection().execute(NOTIFY_BUMP, {"name": name, "channel": channel(name)}).first()
    else:
        found = session.connection().execute(_BUMP, {"marker": name}).rowcount
    if not found:
        _first_bump(session, name)


def _first_bump(session: Session, name: str) -> None:
    session.add(ChangeCounterRow(name=name, version=1))
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(NOTIFY_NEW, {"channel": channel(name)})


class SqlChangeMarker:
    def __init__(
        self, session: Session, name: str = QUEUE_CHANGES, pending: PendingWrites | None = None
    ) -> None:
        self.session = session
        self.name = name
        # Without pending writes to join, each bump is written at once.
        self.pending = pending

    def bump(self) -> None:
        if self.pending is None:
            _bump(self.session, self.name)
        else:
            self.pending.bumps.append(self.name)

    def current(self) -> int:
        if self.pending is not None:
            self.pending.write()
        value = self.session.scalar(
            select(ChangeCounterRow.version).where(ChangeCounterRow.name == self.name)
        )
        return int(value or 0)


ROOM_CHANGES = "rooms"
REQUEST_CHANGES = "requests"
VISITOR_CHANGES = "visitors"
_BOOKING_FIELDS = [f.name for f in fields(Booking)]


def _to_room(row: RoomRow) -> Room:
    return Room(
        code=row.code,
        name=row.name,
        capacity=row.capacity,
        features=tuple(row.features or ()),
        sort_order=row.sort_order,
        active=row.active,
    )


def _to_booking(row: BookingRow) -> Booking:
    values = {name: getattr(row, name) for name in _BOOKING_FIELDS}
    values["status"] = BookingStatus(row.status)
    return Booking(**values)


class SqlRoomRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Room]:
        rows = self.session.scalars(select(RoomRow).order_by(RoomRow.sort_order, RoomRow.code))
        return [_to_room(row) for row in rows]

    def get(self, code: str) -> Room | None:
        row = self.session.get(RoomRow, code)
        return _to_room(row) if row else None

    def put(self, room: Room) -> None:
        row = self.session.get(RoomRow, room.code) or RoomRow(code=room.code)
        row.name, row.capacity, row.features = room.name, room.capacity, list(room.features)
        row.sort_order, row.active = room.sort_order, room.active
        self.session.add(row)
        self.session.flush()

    def bookings_on(self, day: date) -> list[Booking]:
        rows = self.session.scalars(
            select(BookingRow)
            .where(BookingRow.service_date == day)
            .order_by(BookingRow.starts_at, BookingRow.id)
        )
        return [_to_booking(row) for row in rows]

    def booking(self, booking_id: int) -> Booking | None:
        row = self.session.get(BookingRow, booking_id, with_for_update=self._lock())
        return _to_booking(row) if row else None

    def booking_by_code(self, day: date, code: str) -> Booking | None:
        query = select(BookingRow).where(BookingRow.service_date == day, BookingRow.code == code)
        if self._lock():
            query = query.with_for_update()
        row = self.session.scalar(query)
        return _to_booking(row) if row else None

    def add_booking(self, booking: Booking, slot_starts: list[datetime]) -> Booking:
        """Store the booking and the slots it holds; SlotTaken when another booking holds one."""
        row = BookingRow(**{name: getattr(booking, name) for name in _BOOKING_FIELDS if name != "id"})
        row.status = booking.status.value
        self.session.add(row)
        self.session.flush()
        booking.id = row.id
        self._hold(booking, slot_starts)
        return booking

    def save_booking(self, booking: Booking, slot_starts: list[datetime] | None = None) -> None:
        """Write back a booking; with slot_starts, it holds exactly those slots afterwards."""
        row = self.session.get(BookingRow, booking.id)
        if row is None:
            raise LookupError(f"booking {booking.id} vanished")
        for name in _BOOKING_FIELDS:
            if name != "id":
                value = getattr(booking, name)
                setattr(row, name, value.value if isinstance(value, BookingStatus) else value)
        self.session.execute(delete(RoomSlotRow).where(RoomSlotRow.booking_id == booking.id))
        self.session.flush()
        if slot_starts:
            self._hold(booking, slot_starts)

    def _hold(self, booking: Booking, slot_starts: list[datetime]) -> None:
        try:
            # A savepoint: a slot taken by another station must not end the whole transaction.
            with self.session.begin_nested():
                self.session.add_all(
                    RoomSlotRow(room_code=booking.room_code, starts_at=start, booking_id=booking.id)
                    for start in slot_starts
                )
                self.session.flush()
        except IntegrityError as exc:
            raise SlotTaken() from exc

    def _lock(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"


_REQUEST_FIELDS = [f.name for f in fields(ServiceRequest)]


def _to_request(row: ServiceRequestRow) -> ServiceRequest:
    values = {name: getattr(row, name) for name in _REQUEST_FIELDS}
    values["state"] = RequestState(row.state)
    values["attributes"] = dict(row.attributes or {})
    return ServiceRequest(**values)


class SqlRequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: ServiceRequest) -> ServiceRequest:
        row = ServiceRequestRow()
        self._copy(row, request)
        self.session.add(row)
        self.session.flush()
        request.id = row.id
        return request

    def save(self, request: ServiceRequest) -> None:
        # No flush here: a batch of saves goes out together (at the commit, or before the next query).
        row = self.session.get(ServiceRequestRow, request.id)
        if row is None:
            raise LookupError(f"request {request.id} vanished")
        self._copy(row, request)

    def get(self, request_id: int) -> ServiceRequest | None:
        row = self.session.get(ServiceRequestRow, request_id, with_for_update=self._lock())
        return _to_request(row) if row else None

    def save_many(self, requests: list[ServiceRequest]) -> None:
        """Write back a batch in one executemany UPDATE (the sync's claims and outcomes): the ORM's
        per-row bookkeeping was most of the cost of delivering a request."""
        if not requests:
            return
        table = ServiceRequestRow.__table__
        columns = [name for name in _REQUEST_FIELDS if name != "id"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"v_{name}") for name in columns})
        )
        rows = []
        for request in requests:
            values = {f"v_{name}": getattr(request, name) for name in columns}
            values["v_state"] = request.state.value
            values["row_id"] = request.id
            rows.append(values)
        self.session.execute(statement, rows)
        # Rows this session already holds would be stale: let them be read again.
        self.session.expire_all()

    def get_many(self, request_ids: list[int]) -> dict[int, ServiceRequest]:
        """Several requests in one query, locked for this transaction where the database can."""
        query = select(ServiceRequestRow).where(ServiceRequestRow.id.in_(request_ids))
        if self._lock():
            query = query.with_for_update()
        return {row.id: _to_request(row) for row in self.session.scalars(query)}

    def by_reference(self, reference: str) -> ServiceRequest | None:
        row = self.session.scalar(select(ServiceRequestRow).where(ServiceRequestRow.reference == reference))
        return _to_request(row) if row else None

    def claim_due(self, now: datetime, limit: int) -> list[ServiceRequest]:
        """Queued requests due now that no other worker holds, locked for this transaction."""
        query = (
            select(ServiceRequestRow)
            .where(
                ServiceRequestRow.state == RequestState.QUEUED.value,
                (ServiceRequestRow.next_attempt_at.is_(None)) | (ServiceRequestRow.next_attempt_at <= now),
                (ServiceRequestRow.lease_until.is_(None)) | (ServiceRequestRow.lease_until <= now),
            )
            .order_by(ServiceRequestRow.created_at, ServiceRequestRow.id)
            .limit(limit)
        )
        if self._lock():
            query = query.with_for_update(skip_locked=True)
        return [_to_request(row) for row in self.session.scalars(query)]

    def awaiting_token(self, limit: int = 50) -> list[ServiceRequest]:
        query = (
            select(ServiceRequestRow)
            .where(ServiceRequestRow.state == RequestState.SENT.value, ServiceRequestRow.remote_id.is_(None))
            .order_by(ServiceRequestRow.id)
            .limit(limit)
        )
        return [_to_request(row) for row in self.session.scalars(query)]

    def in_state(self, states: list[RequestState], limit: int = 200) -> list[ServiceRequest]:
        query = (
            select(ServiceRequestRow)
            .where(ServiceRequestRow.state.in_([s.value for s in states]))
            .order_by(ServiceRequestRow.created_at.desc(), ServiceRequestRow.id.desc())
            .limit(limit)
        )
        return [_to_request(row) for row in self.session.scalars(query)]

    def counts(self) -> dict[RequestState, int]:
        rows = self.session.execute(
            select(ServiceRequestRow.state, func.count()).group_by(ServiceRequestRow.state)
        )
        return {RequestState(state): count for state, count in rows}

    def next_due_at(self) -> datetime | None:
        return self.session.scalar(
            select(func.min(ServiceRequestRow.next_attempt_at)).where(
                ServiceRequestRow.state == RequestState.QUEUED.value
            )
        )

    # -- the central service's catalogue, kept for offline use ------------------------------------
    def catalogue(self) -> list[tuple[dict, dict | None]]:
        rows = self.session.scalars(select(RemoteServiceRow).order_by(RemoteServiceRow.sort_order))
        return [
            (dict(row.data), dict(row.definition) if row.definition is not None else None) for row in rows
        ]

    def replace_catalogue(self, entries: list[tuple[dict, dict | None]], now: datetime) -> None:
        self.session.execute(delete(RemoteServiceRow))
        for order, (data, definition) in enumerate(entries):
            self.session.add(
                RemoteServiceRow(
                    code=data["code"], data=data, definition=definition, sort_order=order, fetched_at=now
                )
            )
        self.session.flush()

    # -- how delivery is going ----------------------------------------------------------------------
    def sync_status(self) -> SyncStatus:
        row = self.session.get(SyncStateRow, 1, with_for_update=self._lock())
        if row is None:
            return SyncStatus()
        return SyncStatus(**{f.name: getattr(row, f.name) for f in fields(SyncStatus)})

    def save_sync_status(self, status: SyncStatus) -> None:
        row = self.session.get(SyncStateRow, 1)
        if row is None:
            row = SyncStateRow(id=1)
            self.session.add(row)
        for item in fields(SyncStatus):
            setattr(row, item.name, getattr(status, item.name))
        self.session.flush()

    def _copy(self, row: ServiceRequestRow, request: ServiceRequest) -> None:
        for name in _REQUEST_FIELDS:
            if name != "id":
                value = getattr(request, name)
                setattr(row, name, value.value if isinstance(value, RequestState) else value)

    def _lock(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"


class SqlStationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def printer(self, station: str) -> PrinterState | None:
        row = self.session.get(StationPrinterRow, station)
        return _to_printer(row) if row else None

    def put_printer(self, state: PrinterState) -> None:
        row = self.session.get(StationPrinterRow, state.station) or StationPrinterRow(station=state.station)
        row.ok, row.message, row.since, row.checked_at = (
            state.ok,
            state.message,
            state.since,
            state.checked_at,
        )
        self.session.add(row)
        self.session.flush()

    def printers(self) -> list[PrinterState]:
        rows = self.session.scalars(select(StationPrinterRow).order_by(StationPrinterRow.station))
        return [_to_printer(row) for row in rows]


def _to_printer(row: StationPrinterRow) -> PrinterState:
    return PrinterState(row.station, row.ok, row.message, row.since, row.checked_at)


_STAFF_FIELDS = [f.name for f in fields(StaffUser)]


def _to_staff(row: StaffUserRow) -> StaffUser:
    values = {name: getattr(row, name) for name in _STAFF_FIELDS}
    values["role"] = Role(row.role)
    return StaffUser(**values)


class SqlStaffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, username: str, lock: bool = False) -> StaffUserRow | None:
        statement = select(StaffUserRow).where(StaffUserRow.username == username)
        if lock and self.session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update()
        return self.session.scalars(statement).first()

    def get(self, username: str) -> StaffUser | None:
        row = self._row(username, lock=True)
        return _to_staff(row) if row else None

    def add(self, user: StaffUser) -> StaffUser:
        row = StaffUserRow()
        for name in _STAFF_FIELDS:
            if name != "id":
                value = getattr(user, name)
                setattr(row, name, value.value if isinstance(value, Role) else value)
        self.session.add(row)
        self.session.flush()
        user.id = row.id
        return user

    def save(self, user: StaffUser) -> None:
        row = self._row(user.username)
        if row is None:
            raise LookupError(f"staff user {user.username} vanished")
        for name in _STAFF_FIELDS:
            if name not in ("id", "username"):
                value = getattr(user, name)
                setattr(row, name, value.value if isinstance(value, Role) else value)
        self.session.flush()

    def all(self) -> list[StaffUser]:
        return [
            _to_staff(r) for r in self.session.scalars(select(StaffUserRow).order_by(StaffUserRow.username))
        ]


class SqlAuditLog:
    def __init__(self, session: Session, pending: PendingWrites | None = None) -> None:
        self.session = session
        # Without pending writes to join, each entry is written at once.
        self.pending = pending

    def add(self, entry: AuditEntry) -> None:
        values = {name: getattr(entry, name) for name in _AUDIT_FIELDS}
        if self.pending is None:
            self.session.connection().execute(_ADD_AUDIT, values)
        else:
            self.pending.audit.append(values)

    def between(self, start: datetime, end: datetime, limit: int = 1000) -> list[AuditEntry]:
        if self.pending is not None:
            self.pending.write()
        rows = self.session.scalars(
            select(AuditRow)
            .where(AuditRow.at >= start, AuditRow.at < end)
            .order_by(AuditRow.at.desc(), AuditRow.id.desc())
            .limit(limit)
        )
        return [
            AuditEntry(
                at=r.at,
                actor=r.actor,
                station=r.station,
                action=r.action,
                subject=r.subject,
                detail=r.detail,
                id=r.id,
            )
            for r in rows
        ]

    def delete_before(self, cutoff: datetime) -> int:
        if self.pending is not None:
            self.pending.write()
        return self.session.execute(delete(AuditRow).where(AuditRow.at < cutoff)).rowcount or 0


_FEEDBACK_FIELDS = [f.name for f in fields(Feedback)]


def _to_feedback(row: FeedbackRow) -> Feedback:
    return Feedback(**{name: getattr(row, name) for name in _FEEDBACK_FIELDS})


class SqlFeedbackRepository:
    """Ratings of visits, the tokens of the tickets' feedback links, and finding the visit rated."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, feedback: Feedback) -> Feedback:
        """AlreadyRated when the visit has a rating (also when another kiosk stored it a moment ago)."""
        row = FeedbackRow(**{name: getattr(feedback, name) for name in _FEEDBACK_FIELDS if name != "id"})
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError as exc:
            raise AlreadyRated() from exc
        feedback.id = row.id
        return feedback

    def for_ticket(self, ticket_id: int) -> Feedback | None:
        row = self.session.scalar(select(FeedbackRow).where(FeedbackRow.ticket_id == ticket_id))
        return _to_feedback(row) if row else None

    def for_visits_on(self, first: date, last: date) -> list[Feedback]:
        """Ratings of the visits that began from ``first`` to ``last`` (local service dates)."""
        rows = self.session.scalars(
            select(FeedbackRow)
            .join(TicketRow, TicketRow.id == FeedbackRow.ticket_id)
            .where(TicketRow.service_date >= first, TicketRow.service_date <= last)
            .order_by(FeedbackRow.created_at, FeedbackRow.id)
        )
        return [_to_feedback(row) for row in rows]

    def issued(self, service_date: date, number: str) -> Ticket | None:
        """The ticket issued with ``number`` that day (a visit's first ticket, not a transfer's)."""
        row = self.session.scalar(
            select(TicketRow)
            .where(
                TicketRow.service_date == service_date,
                TicketRow.number == number,
                TicketRow.transferred_from_id.is_(None),
            )
            .order_by(TicketRow.id.desc())
            .limit(1)
        )
        return _to_ticket(row) if row else None

    def visit(self, first_ticket_id: int) -> list[Ticket]:
        """The visit's tickets: the one issued, then each transfer's continuation in order."""
        chain: list[Ticket] = []
        row = self.session.get(TicketRow, first_ticket_id)
        while row is not None and len(chain) < 50:
            chain.append(_to_ticket(row))
            row = self.session.scalar(
                select(TicketRow)
                .where(TicketRow.transferred_from_id == row.id)
                .order_by(TicketRow.id)
                .limit(1)
            )
        return chain

    def token_for(self, ticket_id: int) -> str | None:
        return self.session.scalar(
            select(FeedbackTokenRow.token).where(FeedbackTokenRow.ticket_id == ticket_id)
        )

    def add_token(self, ticket_id: int, token: str, now: datetime) -> None:
        self.session.add(FeedbackTokenRow(token=token, ticket_id=ticket_id, created_at=now))
        self.session.flush()

    def ticket_for_token(self, token: str) -> int | None:
        return self.session.scalar(select(FeedbackTokenRow.ticket_id).where(FeedbackTokenRow.token == token))


class SqlReportRepository:
    """Read-only figures' raw material for a range of local service dates."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def tickets_on(self, first: date, last: date) -> list[Ticket]:
        rows = self.session.scalars(
            select(TicketRow)
            .where(TicketRow.service_date >= first, TicketRow.service_date <= last)
            .order_by(TicketRow.id)
        )
        return [_to_ticket(row) for row in rows]

    def requests_between(self, start: datetime, end: datetime) -> list[tuple[str, str, datetime]]:
        """(service code, service name, made at) of the reports and requests made at the kiosks."""
        rows = self.session.execute(
            select(
                ServiceRequestRow.service_code, ServiceRequestRow.service_name, ServiceRequestRow.created_at
            )
            .where(ServiceRequestRow.created_at >= start, ServiceRequestRow.created_at < end)
            .order_by(ServiceRequestRow.id)
        )
        return [(code, name, at) for code, name, at in rows]

    def bookings_on(self, first: date, last: date) -> list[Booking]:
        rows = self.session.scalars(
            select(BookingRow)
            .where(BookingRow.service_date >= first, BookingRow.service_date <= last)
            .order_by(BookingRow.starts_at, BookingRow.id)
        )
        return [_to_booking(row) for row in rows]


_VISIT_FIELDS = [f.name for f in fields(Visit)]


def _to_visit(row: VisitRow) -> Visit:
    values = {name: getattr(row, name) for name in _VISIT_FIELDS}
    values["source"] = VisitSource(row.source)
    return Visit(**values)


class SqlVisitRepository:
    """The visitor log. A badge number is worn by one visitor inside at a time: a partial unique index."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, visit: Visit) -> Visit:
        """Store a new visit; BadgeTaken when a visitor inside wears its badge (also one a moment ago)."""
        row = VisitRow(**{name: getattr(visit, name) for name in _VISIT_FIELDS if name != "id"})
        row.source = visit.source.value
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError as exc:
            raise BadgeTaken(badge=visit.badge) from exc
        visit.id = row.id
        return visit

    def save(self, visit: Visit) -> None:
        row = self.session.get(VisitRow, visit.id)
        if row is None:
            raise LookupError(f"visit {visit.id} vanished")
        for name in _VISIT_FIELDS:
            if name != "id":
                value = getattr(visit, name)
                setattr(row, name, value.value if isinstance(value, VisitSource) else value)
        self.session.flush()

    def _one(self, statement) -> Visit | None:
        if self.session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = self.session.scalar(statement)
        return _to_visit(row) if row else None

    def get(self, visit_id: int) -> Visit | None:
        return self._one(select(VisitRow).where(VisitRow.id == visit_id))

    def by_token(self, token: str) -> Visit | None:
        return self._one(select(VisitRow).where(VisitRow.token == token))

    def inside_by_badge(self, badge: str) -> Visit | None:
        return self._one(select(VisitRow).where(VisitRow.badge == badge, VisitRow.signed_out_at.is_(None)))

    def in_building(self) -> list[Visit]:
        rows = self.session.scalars(
            select(VisitRow)
            .where(VisitRow.signed_out_at.is_(None))
            .order_by(VisitRow.signed_in_at, VisitRow.id)
        )
        return [_to_visit(row) for row in rows]

    def last_sequence(self, service_date: date) -> int:
        value = self.session.scalar(
            select(func.max(VisitRow.sequence)).where(VisitRow.service_date == service_date)
        )
        return int(value or 0)

    def badges_inside(self) -> set[str]:
        return set(self.session.scalars(select(VisitRow.badge).where(VisitRow.signed_out_at.is_(None))))

    def signed_in_between(self, start: datetime, end: datetime) -> list[Visit]:
        rows = self.session.scalars(
            select(VisitRow)
            .where(VisitRow.signed_in_at >= start, VisitRow.signed_in_at < end)
            .order_by(VisitRow.signed_in_at, VisitRow.id)
        )
        return [_to_visit(row) for row in rows]

    def anonymise_signed_out_before(self, cutoff: datetime, dry_run: bool = False) -> int:
        """Blank who and why of visits that ended before ``cutoff``; counts stay. Returns how many."""
        condition = (
            VisitRow.signed_out_at.is_not(None),
            VisitRow.signed_out_at < cutoff,
            (VisitRow.name != "") | (VisitRow.organisation != "") | (VisitRow.purpose != ""),
        )
        if dry_run:
            return int(self.session.scalar(select(func.count()).select_from(VisitRow).where(*condition)) or 0)
        result = self.session.execute(
            update(VisitRow).where(*condition).values(name="", organisation="", purpose="")
        )
        return result.rowcount or 0


def _to_counter(row: CounterRow) -> Counter:
    return Counter(
        name=row.name,
        services=tuple(row.services or ()),
        break_since=row.break_since,
        active=row.active,
        sort_order=row.sort_order,
    )


def _call_state_statement():
    counter = bindparam("counter")
    busy = (
        select(TicketRow.number)
        .where(TicketRow.counter == counter, TicketRow.status.in_(_AT_COUNTER))
        .order_by(TicketRow.called_at.desc())
        .limit(_ONE)
        .scalar_subquery()
    )
    rules = [
        select(QueueRuleRow.enabled).where(QueueRuleRow.name == _constant(rule)).scalar_subquery().label(rule)
        for rule in RULE_NAMES
    ]
    counters = CounterRow.__table__
    one = select(_ONE.label("one")).subquery()
    return (
        select(busy.label("busy"), *rules, *counters.c)
        .select_from(one)
        .outerjoin(counters, counters.c.name == counter)
    )


_CALL_STATE_ON_DRIVER = DriverStatement(_call_state_statement())


class SqlCounterRepository:
    """Counters, the priority rules, and what the wait estimates need from the tickets."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Counter]:
        rows = self.session.scalars(select(CounterRow).order_by(CounterRow.sort_order, CounterRow.name))
        return [_to_counter(row) for row in rows]

    def get(self, name: str) -> Counter | None:
        row = self.session.get(CounterRow, name, with_for_update=self._lock())
        return _to_counter(row) if row else None

    def put(self, counter: Counter) -> None:
        row = self.session.get(CounterRow, counter.name) or CounterRow(name=counter.name)
        row.services = list(counter.services)
        row.break_since, row.active, row.sort_order = counter.break_since, counter.active, counter.sort_order
        self.session.add(row)
        self.session.flush()

    def rules(self) -> QueueRules:
        rows = self.session.execute(select(QueueRuleRow.name, QueueRuleRow.enabled)).all()
        return QueueRules.of({name: enabled for name, enabled in rows})

    def set_rule(self, name: str, enabled: bool, now: datetime) -> None:
        row = self.session.get(QueueRuleRow, name) or QueueRuleRow(name=name)
        row.enabled, row.changed_at = enabled, now
        self.session.add(row)
        self.session.flush()

    def call_state(self, name: str) -> CallState:
        """The ticket still at the counter, the counter and the rules in one round trip: calling the
        next visitor is the busiest path of the lobby, and each query is a trip to a shared server."""
        params = {"counter": name}
        if self._lock():
            values = _CALL_STATE_ON_DRIVER.first(self.session, params)
        else:
            values = dict(
                self.session.connection().execute(_CALL_STATE_ON_DRIVER.statement, params).one()._mapping
            )
        row = SimpleNamespace(**values)
        return CallState(
            busy_number=row.busy,
            counter=_to_counter(row) if row.name is not None else None,
            rules=QueueRules.of({rule: bool(values[rule]) for rule in RULE_NAMES}),
        )

    def active_since(self, since: datetime) -> set[str]:
        """Counters that called a visitor since ``since``."""
        rows = self.session.scalars(
            select(TicketRow.counter)
            .where(TicketRow.counter.is_not(None), TicketRow.called_at >= since)
            .distinct()
        )
        return set(rows)

    def estimate_outcomes(self, start: datetime, end: datetime) -> list[tuple[timedelta, timedelta]]:
        """(wait told, wait had) of the tickets that joined the line in [start, end) and were called.

        A transfer's continuation is left out: its visitor was told a wait for their first service.
        """
        rows = self.session.execute(
            select(TicketRow.estimated_wait_seconds, TicketRow.queued_at, TicketRow.first_called_at).where(
                TicketRow.queued_at >= start,
                TicketRow.queued_at < end,
                TicketRow.estimated_wait_seconds.is_not(None),
                TicketRow.first_called_at.is_not(None),
                TicketRow.transferred_from_id.is_(None),
            )
        )
        return [(timedelta(seconds=told), called - queued) for told, queued, called in rows]

    def _lock(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"
