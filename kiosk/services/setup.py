"""First-run set-up of the data every station needs."""

from __future__ import annotations

from kiosk.domain.services import QueueService
from kiosk.services.context import ServiceContext


def ensure_queue_services(ctx: ServiceContext, services: list[QueueService]) -> int:
    """Add the services that are missing; never overwrite what an admin changed. Returns how many."""
    with ctx.uow(write=True) as uow:
        known = {s.code for s in uow.services.all()}
        missing = [s for s in services if s.code not in known]
        for service in missing:
            uow.services.add(service)
        uow.commit()
    return len(missing)
