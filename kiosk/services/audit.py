"""The audit log: every staff action on the queue, the visitor log and settings, with who and when."""

from __future__ import annotations

from datetime import datetime

from kiosk.domain.staff import AuditEntry
from kiosk.services.context import ServiceContext
from kiosk.services.ports import UnitOfWork

SUBJECT_MAX = 200
DETAIL_MAX = 2000


def record(uow: UnitOfWork, ctx: ServiceContext, action: str, subject: str = "", detail: str = "") -> None:
    """Write an entry inside the action's own transaction: the action and its record land together.

    Subjects are ticket numbers, badge numbers and user names: never a visitor's name, so the
    audit log need not be purged with the personal data it would otherwise hold.
    """
    uow.audit.add(
        AuditEntry(
            at=ctx.now(),
            actor=ctx.actor or "-",
            station=ctx.station,
            action=action,
            subject=subject[:SUBJECT_MAX],
            detail=detail[:DETAIL_MAX],
        )
    )


def entries(ctx: ServiceContext, start: datetime, end: datetime, limit: int = 1000) -> list[AuditEntry]:
    with ctx.uow() as uow:
        return uow.audit.between(start, end, limit)
