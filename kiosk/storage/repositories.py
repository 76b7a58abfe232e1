"""Repositories: domain objects in, domain objects out."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.domain.requests import RequestState, ServiceRequest, SyncStatus
from kiosk.domain.rooms import Booking, BookingStatus, Room, SlotTaken
from kiosk.domain.services import QueueService
from kiosk.domain.staff import AuditEntry, Role, StaffUser
from kiosk.domain.stations import PrinterState
from kiosk.domain.tickets import AT_COUNTER, Ticket, TicketStatus
from kiosk.storage.models import (
    AuditRow,
    BookingRow,
    ChangeCounterRow,
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


def _queue_order():
    return (TicketRow.priority.desc(), TicketRow.queued_at, TicketRow.id)


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
        return _to_ticket(row) if row else None

    def save(self, ticket: Ticket) -> None:
        row = self.session.get(TicketRow, ticket.id)
        if row is None:
            raise LookupError(f"ticket {ticket.id} vanished")
        _copy_into(row, ticket)
        self.session.flush()

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

    def waiting(self) -> list[Ticket]:
        rows = self.session.scalars(
            select(TicketRow).where(TicketRow.status == TicketStatus.WAITING.value).order_by(*_queue_order())
        )
        return [_to_ticket(r) for r in rows]

    def claim_next_waiting(self) -> Ticket | None:
        statement = (
            select(TicketRow)
            .where(TicketRow.status == TicketStatus.WAITING.value)
            .order_by(*_queue_order())
            .limit(1)
        )
        if self._is_postgres():
            # Each console skips rows another console is claiming instead of queueing behind it.
            statement = statement.with_for_update(skip_locked=True)
        row = self.session.scalars(statement).first()
        return _to_ticket(row) if row else None

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
