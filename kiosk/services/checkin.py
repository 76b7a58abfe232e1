"""A visitor checks in for a service and gets a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kiosk.domain.errors import ServiceUnavailable
from kiosk.domain.services import QueueService
from kiosk.domain.tickets import Ticket, clean_first_name, format_number
from kiosk.services.context import ServiceContext
from kiosk.services.estimates import current_estimate_inputs


@dataclass(frozen=True)
class CheckInResult:
    ticket: Ticket
    service: QueueService
    position: int
    estimated_wait: timedelta


def list_services(ctx: ServiceContext) -> list[QueueService]:
    """The services offered at the kiosk, in display order."""
    with ctx.uow() as uow:
        services = uow.services.all()
    return sorted((s for s in services if s.active), key=lambda s: (s.sort_order, s.code))


def check_in(
    ctx: ServiceContext,
    service_code: str,
    first_name: str | None = None,
    *,
    language: str = "en",
    channel: str = "kiosk",
    accommodation: bool = False,
) -> CheckInResult:
    name = clean_first_name(first_name)
    now = ctx.now()
    service_date = ctx.today()
    with ctx.uow(write=True) as uow:
        service = uow.services.get(service_code)
        if service is None or not service.active:
            raise ServiceUnavailable()
        sequence = uow.tickets.allocate_sequence(service_date, service.code)
        ticket = uow.tickets.add(
            Ticket(
                number=format_number(service.prefix, sequence),
                sequence=sequence,
                service_code=service.code,
                service_date=service_date,
                created_at=now,
                queued_at=now,
                first_name=name,
                priority=service.priority,
                language=language,
                channel=channel,
                accommodation=accommodation,
            )
        )
        inputs = current_estimate_inputs(uow, now)
        waiting = uow.tickets.waiting(inputs.rules)
        position = 1 + next(i for i, t in enumerate(waiting) if t.id == ticket.id)
        # Those behind cannot delay this visitor: the estimate needs only the line up to them.
        estimated_wait = inputs.waits(waiting[:position])[-1]
        ticket.estimated_wait_seconds = int(estimated_wait.total_seconds())
        uow.tickets.save(ticket)
        uow.changes.bump()
        uow.commit()
    return CheckInResult(ticket=ticket, service=service, position=position, estimated_wait=estimated_wait)
