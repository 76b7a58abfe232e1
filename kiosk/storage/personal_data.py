"""Bulk removal of expired personal data, one statement per kind (the retention purge's storage side)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from kiosk.domain.requests import RequestState
from kiosk.storage.models import BookingRow, FeedbackRow, ServiceRequestRow, TicketRow


class SqlPersonalData:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, model, condition, values: dict, dry_run: bool) -> int:
        if dry_run:
            return int(self.session.scalar(select(func.count()).select_from(model).where(condition)) or 0)
        return self.session.execute(
            update(model).where(condition).values(**values).execution_options(synchronize_session=False)
        ).rowcount

    def ticket_names(self, through_day: date, dry_run: bool) -> int:
        condition = and_(TicketRow.service_date <= through_day, TicketRow.first_name.is_not(None))
        return self._run(TicketRow, condition, {"first_name": None}, dry_run)

    def booking_names(self, through_day: date, dry_run: bool) -> int:
        condition = and_(BookingRow.service_date <= through_day, BookingRow.name.is_not(None))
        return self._run(BookingRow, condition, {"name": None}, dry_run)

    def request_contacts(self, before: datetime, dry_run: bool) -> int:
        """Name, e-mail and phone of requests the city has (or that were cancelled) since before ``before``.

        Queued and needs-person requests keep them: they have not reached the city yet.
        """
        has_contact = or_(
            ServiceRequestRow.first_name != "",
            ServiceRequestRow.last_name != "",
            ServiceRequestRow.email != "",
            ServiceRequestRow.phone != "",
        )
        settled = or_(
            and_(ServiceRequestRow.state == RequestState.SENT.value, ServiceRequestRow.sent_at < before),
            and_(
                ServiceRequestRow.state == RequestState.CANCELLED.value,
                func.coalesce(ServiceRequestRow.updated_at, ServiceRequestRow.created_at) < before,
            ),
        )
        values = {"first_name": "", "last_name": "", "email": "", "phone": ""}
        return self._run(ServiceRequestRow, and_(settled, has_contact), values, dry_run)

    def feedback_comments(self, before: datetime, dry_run: bool) -> int:
        """A comment is free text a visitor typed, and may name someone; the rating itself stays."""
        condition = and_(FeedbackRow.created_at < before, FeedbackRow.comment != "")
        return self._run(FeedbackRow, condition, {"comment": ""}, dry_run)
