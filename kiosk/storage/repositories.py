"""Repositories: domain objects in, domain objects out."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kiosk.domain.services import QueueService
from kiosk.domain.tickets import AT_COUNTER, Ticket, TicketStatus
from kiosk.storage.models import ChangeCounterRow, QueueServiceRow, TicketRow, TicketSequenceRow

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
