"""Retention: personal data is kept only as long as it is needed, then removed or anonymised.

Runs at every station's start and daily after; stations sharing a database may run it at the same
moment — each step is an idempotent bulk update, so that is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import timedelta

from kiosk.services import audit, visitors
from kiosk.services.context import ServiceContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    visitor_log_days: int = 90
    ticket_names_days: int = 1
    request_personal_days: int = 30
    audit_days: int = 365
    feedback_comment_days: int = 90


@dataclass(frozen=True)
class PurgeReport:
    """How many records lost (or, in a dry run, would lose) their personal data."""

    ticket_names: int
    booking_names: int
    request_contacts: int
    feedback_comments: int
    visitors: int
    audit_entries: int

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


def purge(ctx: ServiceContext, retention: Retention, dry_run: bool = False) -> PurgeReport:
    now = ctx.now()
    today = ctx.today()
    # Names on tickets and room bookings go with the day they belong to: with one day's
    # retention, yesterday's names are gone this morning.
    through_day = today - timedelta(days=retention.ticket_names_days)
    requests_before = now - timedelta(days=retention.request_personal_days)
    audit_before = now - timedelta(days=retention.audit_days)
    with ctx.uow(write=not dry_run) as uow:
        tickets = uow.personal_data.ticket_names(through_day, dry_run)
        bookings = uow.personal_data.booking_names(through_day, dry_run)
        contacts = uow.personal_data.request_contacts(requests_before, dry_run)
        comments = uow.personal_data.feedback_comments(
            now - timedelta(days=retention.feedback_comment_days), dry_run
        )
        old_audit = (
            len(uow.audit.between(now - timedelta(days=36500), audit_before, limit=1_000_000))
            if dry_run
            else uow.audit.delete_before(audit_before)
        )
        if not dry_run:
            if tickets + bookings + contacts + comments + old_audit:
                audit.record(
                    uow,
                    ctx,
                    "privacy.purge",
                    "",
                    f"ticket names {tickets}, booking names {bookings}, request contacts {contacts}, "
                    f"feedback comments {comments}, audit entries {old_audit}",
                )
            uow.commit()
    visits = visitors.purge_before(ctx, now - timedelta(days=retention.visitor_log_days), dry_run=dry_run)
    report = PurgeReport(tickets, bookings, contacts, comments, visits, old_audit)
    if not dry_run and report.total:
        log.info("Retention purge: %s", report)
    return report
