"""Reports and requests made at the kiosk: the catalogue offered, filing one, looking it up, staff fixes.

Filing writes the request and its outbox entry in one transaction and returns at once with a reference:
the visitor never waits for the network. kiosk.services.sync delivers it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from kiosk.domain.errors import InvalidInput
from kiosk.domain.requests import (
    TOO_LONG,
    InvalidAnswers,
    RequestClosed,
    RequestNotFound,
    RequestState,
    ServiceRequest,
    check_answers,
    new_reference,
    normalise_reference,
)
from kiosk.domain.text import clean_text
from kiosk.services import audit
from kiosk.services.context import ServiceContext
from kiosk.services.ports import AttributeValue, RemoteService, ServiceAttribute, ServiceDefinition

DESCRIPTION_LIMIT = 3800  # the protocol allows 4,000 with the reference line the kiosk adds


@dataclass(frozen=True)
class Offered:
    """A service the kiosk offers, with its form (an empty definition: description and place only)."""

    service: RemoteService
    definition: ServiceDefinition

    @property
    def fields(self) -> list[ServiceAttribute]:
        """What the form shows, in the definition's order (information lines included)."""
        return sorted(self.definition.attributes, key=lambda a: (a.order, a.code))


@dataclass(frozen=True)
class Draft:
    """What the visitor filled in."""

    service_code: str
    answers: dict[str, str | list[str]]
    address: str = ""  # empty: "here at the building"
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""


# -- the catalogue ----------------------------------------------------------------------------------
def service_to_json(service: RemoteService) -> dict:
    data = asdict(service)
    data["keywords"] = list(service.keywords)
    return data


def service_from_json(data: dict) -> RemoteService:
    return RemoteService(**{**data, "keywords": tuple(data.get("keywords", ()))})


def definition_to_json(definition: ServiceDefinition) -> dict:
    return asdict(definition)


def definition_from_json(data: dict) -> ServiceDefinition:
    attributes = tuple(
        ServiceAttribute(**{**a, "values": tuple(AttributeValue(**v) for v in a.get("values", ()))})
        for a in data.get("attributes", ())
    )
    return ServiceDefinition(service_code=data["service_code"], attributes=attributes)


def offered(ctx: ServiceContext) -> list[Offered]:
    """The central service's catalogue as last fetched: available with the network down."""
    with ctx.uow() as uow:
        entries = uow.requests.catalogue()
    out = []
    for data, definition in entries:
        service = service_from_json(data)
        out.append(
            Offered(
                service,
                definition_from_json(definition) if definition else ServiceDefinition(service.code),
            )
        )
    return out


def find_offered(ctx: ServiceContext, code: str) -> Offered | None:
    return next((o for o in offered(ctx) if o.service.code == code), None)


# -- the visitor ------------------------------------------------------------------------------------
def submit(ctx: ServiceContext, draft: Draft, language: str, building_address: str) -> ServiceRequest:
    """Keep the request and queue it for delivery; InvalidAnswers names each answer to fix."""
    service = find_offered(ctx, draft.service_code)
    if service is None:
        raise InvalidInput()
    answers = {
        code: [clean_text(v) for v in value] if isinstance(value, list) else clean_text(value)
        for code, value in draft.answers.items()
    }
    problems = check_answers(service.definition.attributes, answers)
    description = clean_text(draft.description, keep_newlines=True)
    if len(description) > DESCRIPTION_LIMIT:
        problems["description"] = TOO_LONG
    if problems:
        raise InvalidAnswers(problems)
    now = ctx.now()
    request = ServiceRequest(
        reference=new_reference(),
        service_code=service.service.code,
        service_name=service.service.name,
        language=language,
        created_at=now,
        attributes={k: v for k, v in answers.items() if v not in ("", [])},
        address=clean_text(draft.address) or building_address,
        description=description,
        first_name=clean_text(draft.first_name)[:80],
        last_name=clean_text(draft.last_name)[:80],
        email=clean_text(draft.email)[:200],
        phone=clean_text(draft.phone)[:40],
        next_attempt_at=now,
        updated_at=now,
    )
    with ctx.uow(write=True) as uow:
        while uow.requests.by_reference(request.reference) is not None:
            request.reference = new_reference()  # 25**8 codes: practically never
        uow.requests.add(request)
        uow.request_changes.bump()
        uow.commit()
    return request


def lookup(ctx: ServiceContext, text: str) -> ServiceRequest:
    """A reference typed, or scanned from the receipt's QR code."""
    reference = normalise_reference(text)
    with ctx.uow() as uow:
        request = uow.requests.by_reference(reference) if reference else None
    if request is None:
        raise RequestNotFound(reference=reference or text.strip())
    return request


# -- staff --------------------------------------------------------------------------------------------
def outbox(ctx: ServiceContext, limit: int = 200) -> list[ServiceRequest]:
    """What staff watch: waiting and refused first, then the recently sent and cancelled."""
    with ctx.uow() as uow:
        rows = uow.requests.in_state(list(RequestState), limit)
    order = {
        RequestState.NEEDS_PERSON: 0,
        RequestState.QUEUED: 1,
        RequestState.SENT: 2,
        RequestState.CANCELLED: 3,
    }
    return sorted(rows, key=lambda r: order[r.state])


def resend(ctx: ServiceContext, request_id: int, **changes) -> ServiceRequest:
    """Staff fixed what the server refused (or nothing): queue it again, from the first attempt."""
    allowed = {"address", "description", "attributes", "first_name", "last_name", "email", "phone"}
    if set(changes) - allowed:
        raise InvalidInput()
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        request = uow.requests.get(request_id)
        if request is None:
            raise RequestNotFound(reference=str(request_id))
        if request.state not in (RequestState.NEEDS_PERSON, RequestState.QUEUED):
            raise RequestClosed(reference=request.reference)
        fixed = replace(
            request,
            **changes,
            state=RequestState.QUEUED,
            attempts=0,
            next_attempt_at=now,
            last_error="",
            updated_at=now,
        )
        uow.requests.save(fixed)
        # Which fields staff changed, not their values: those may be the visitor's contact details.
        audit.record(uow, ctx, "request.resend", request.reference, ", ".join(sorted(changes)))
        uow.request_changes.bump()
        uow.commit()
    return fixed


def cancel(ctx: ServiceContext, request_id: int) -> ServiceRequest:
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        request = uow.requests.get(request_id)
        if request is None:
            raise RequestNotFound(reference=str(request_id))
        if request.state not in (RequestState.NEEDS_PERSON, RequestState.QUEUED) or request.in_flight:
            # In flight: it may already be at the city; cancelling could not take it back.
            raise RequestClosed(reference=request.reference)
        cancelled = replace(request, state=RequestState.CANCELLED, updated_at=now, next_attempt_at=None)
        uow.requests.save(cancelled)
        audit.record(uow, ctx, "request.cancel", request.reference)
        uow.request_changes.bump()
        uow.commit()
    return cancelled


def change_marker(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        return uow.request_changes.current()
