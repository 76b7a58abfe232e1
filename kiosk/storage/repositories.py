"""Repositories: domain objects in, domain objects out."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, case, delete, func, literal, select, update
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

_TICKET_FIELDS = [f.name for f in fields(Ticket)]
QUEUE_CHANGES = "queue"


def _to_ticket(row: TicketRow) -> Ticket:
    values = {name: getattr(row, name) for name in _TICKET_FIELDS}
    values["status"] = TicketStatus(row.status)
    return Ticket(**values)


def _copy_into(row: TicketRow, ticket: Ticket) -> None:
    for name in _TICKET_FIELDS:
        if name != "id":
            value = getattr(ticket, name)
            setattr(row, name, value.value if isinstance(value, TicketStatus) else value)


def _queue_order(rules: QueueRules = NO_RULES):
    """The SQL twin of kiosk.domain.queue.queue_key: rule boosts, service priority, arrival, id."""
    boosts = []
    if rules.appointments_first:
        boosts.append(case((TicketRow.channel == "appointment", 1), else_=0))
    if rules.accessibility_priority:
        boosts.append(case((TicketRow.accommodation.is_(True), 1), else_=0))
    boost = [sum(boosts[1:], boosts[0]).desc()] if boosts else []
    return (*boost, TicketRow.priority.desc(), TicketRow.queued_at, TicketRow.id)


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
        row = self.session.get(TicketRow, ticket_id, with_for_update=self._lock())
        self._claimed = row  # as in claim_next_waiting: the save that follows needs no second read
        return _to_ticket(row) if row else None

    def save(self, ticket: Ticket) -> None:
        # One UPDATE statement rather than the ORM's flush: the flush's bookkeeping was most of a
        # console's own time per call (tests/benchmarks/queue.py, 8 consoles on one machine).
        values = {name: getattr(ticket, name) for name in _TICKET_FIELDS if name != "id"}
        values["status"] = ticket.status.value
        table = TicketRow.__table__  # Core, not the ORM's bulk UPDATE: no session synchronisation
        result = self.session.execute(update(table).where(table.c.id == ticket.id).values(values))
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
        statement = select(TicketRow).where(TicketRow.status == TicketStatus.WAITING.value)
        if services:
            statement = statement.where(TicketRow.service_code.in_(services))
        row = None
        if not any(rules.as_dict().values()):
            # Without rule boosts, the first ticket has the line's highest priority: looked up in that
            # priority alone, ix_tickets_queue yields it in arrival order, where the mixed-direction
            # ORDER BY below sorts every waiting ticket on each call (8 ms with 15,000 waiting).
            top = select(func.max(TicketRow.priority)).where(TicketRow.status == TicketStatus.WAITING.value)
            if services:
                top = top.where(TicketRow.service_code.in_(services))
            first = statement.where(TicketRow.priority == top.scalar_subquery())
            row = self.session.scalars(
                self._claiming(first.order_by(TicketRow.queued_at, TicketRow.id))
            ).first()
        if row is None:
            # Rule boosts in force, or every ticket of the top priority is being claimed elsewhere.
            row = self.session.scalars(self._claiming(statement.order_by(*_queue_order(rules)))).first()
        # Held until the transaction ends: the session's identity map is weak, and without this the
        # save that follows every claim would read the row again (a round trip on the busiest path).
        self._claimed = row
        return _to_ticket(row) if row else None

    def _claiming(self, statement):
        statement = statement.limit(1)
        if self._is_postgres():
            # Each console skips rows another console is claiming instead of queueing behind it.
            statement = statement.with_for_update(skip_locked=True)
        return statement

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

    def _lock(self) -> bool:
        return self._is_postgres()


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


class SqlChangeMarker:
    def __init__(self, session: Session, name: str = QUEUE_CHANGES) -> None:
        self.session = session
        self.name = name

    def bump(self) -> None:
        if self.session.get_bind().dialect.name == "postgresql":
            from kiosk.storage.notify import NOTIFY_BUMP, NOTIFY_NEW, channel

            # One round trip for the bump and its NOTIFY; PostgreSQL delivers the notification at
            # commit, so a listening display never hears of a change it cannot read yet.
            params = {"name": self.name, "channel": channel(self.name)}
            if self.session.execute(NOTIFY_BUMP, params).first() is None:
                self.session.add(ChangeCounterRow(name=self.name, version=1))
                self.session.flush()
                self.session.execute(NOTIFY_NEW, params)
            return
        result = self.session.execute(
            update(ChangeCounterRow)
            .where(ChangeCounterRow.name == self.name)
            .values(version=ChangeCounterRow.version + 1)
        )
        if result.rowcount == 0:
            self.session.add(ChangeCounterRow(name=self.name, version=1))
            self.session.flush()

    def current(self) -> int:
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
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(
            AuditRow(
                at=entry.at,
                actor=entry.actor,
                station=entry.station,
                action=entry.action,
                subject=entry.subject,
                detail=entry.detail,
            )
        )
        self.session.flush()

    def between(self, start: datetime, end: datetime, limit: int = 1000) -> list[AuditEntry]:
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
        busy = (
            select(TicketRow.number)
            .where(TicketRow.counter == name, TicketRow.status.in_([s.value for s in AT_COUNTER]))
            .order_by(TicketRow.called_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        rules = [
            select(QueueRuleRow.enabled).where(QueueRuleRow.name == rule).scalar_subquery().label(rule)
            for rule in RULE_NAMES
        ]
        one = select(literal(1).label("one")).subquery()
        statement = (
            select(busy.label("busy"), *rules, CounterRow)
            .select_from(one)
            .outerjoin(CounterRow, CounterRow.name == name)
        )
        row = self.session.execute(statement).one()
        counter_row = row[len(RULE_NAMES) + 1]
        return CallState(
            busy_number=row[0],
            counter=_to_counter(counter_row) if counter_row is not None else None,
            rules=QueueRules.of({rule: bool(row[i + 1]) for i, rule in enumerate(RULE_NAMES)}),
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
            select(TicketRow.estimated_wait_seconds, TicketRow.queued_at, TicketRow.called_at).where(
                TicketRow.queued_at >= start,
                TicketRow.queued_at < end,
                TicketRow.estimated_wait_seconds.is_not(None),
                TicketRow.called_at.is_not(None),
                TicketRow.transferred_from_id.is_(None),
            )
        )
        return [(timedelta(seconds=told), called - queued) for told, queued, called in rows]

    def _lock(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"
