"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.storage.database import WRITE_OPTION
from kiosk.storage.personal_data import SqlPersonalData
from kiosk.storage.repositories import (
    QUEUE_CHANGES,
    REQUEST_CHANGES,
    ROOM_CHANGES,
    VISITOR_CHANGES,
    PendingWrites,
    SqlAuditLog,
    SqlChangeMarker,
    SqlCounterRepository,
    SqlFeedbackRepository,
    SqlReportRepository,
    SqlRequestRepository,
    SqlRoomRepository,
    SqlServiceRepository,
    SqlStaffRepository,
    SqlStationRepository,
    SqlTicketRepository,
    SqlVisitRepository,
)


class SqlUnitOfWork:
    def __init__(self, factory: sessionmaker[Session], write: bool) -> None:
        self._factory = factory
        self._write = write

    def __enter__(self) -> Self:
        self.session = self._factory()
        if self._write:
            # Procure the connection with the write option so SQLite begins IMMEDIATE.
            self.session.connection(execution_options={WRITE_OPTION: True})
        self._pending = PendingWrites(self.session)
        self.tickets = SqlTicketRepository(self.session)
        self.services = SqlServiceRepository(self.session)
        self.changes = SqlChangeMarker(self.session, QUEUE_CHANGES, self._pending)
        self.rooms = SqlRoomRepository(self.session)
        self.room_changes = SqlChangeMarker(self.session, ROOM_CHANGES, self._pending)
        self.requests = SqlRequestRepository(self.session)
        self.request_changes = SqlChangeMarker(self.session, REQUEST_CHANGES, self._pending)
        self.stations = SqlStationRepository(self.session)
        self.staff = SqlStaffRepository(self.session)
        self.audit = SqlAuditLog(self.session, self._pending)
        self.personal_data = SqlPersonalData(self.session)
        self.counters = SqlCounterRepository(self.session)
        self.visits = SqlVisitRepository(self.session)
        self.visitor_changes = SqlChangeMarker(self.session, VISITOR_CHANGES, self._pending)
        self.feedback = SqlFeedbackRepository(self.session)
        self.reports = SqlReportRepository(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self._pending.write()
        self.session.commit()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, write)
