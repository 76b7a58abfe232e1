"""Service requests made at the kiosk, and the rules of their delivery to the city's 311 service.

A request is kept here first (its row is the outbox entry) and sent when the network allows. Delivery is
at-least-once over a protocol with no idempotency key, so a request whose last attempt may have reached
the server is marked ``in_flight``: before it is sent again, the server is searched for it by the
reference written into its description. Nothing acknowledged to a visitor is lost; nothing is filed twice.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.domain.errors import DomainError
from kiosk.domain.text import N_

REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # read aloud and typed: no 0/O, 1/I/L, 2/Z, 5/S, 8/B
QR_PREFIX = "KIOSK-REQUEST:"
DESCRIPTION_MAX = 4000  # the protocol's limit, the reference line included
MARKER = "Kiosk reference: "
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=15)


class RequestState(StrEnum):
    QUEUED = "queued"  # in the outbox: to be sent
    SENT = "sent"  # the server has it (an id, or a token it will turn into one)
    NEEDS_PERSON = "needs_person"  # refused as it stands: staff fix it and send again, or cancel
    CANCELLED = "cancelled"


STATE_LABELS = {
    RequestState.QUEUED: N_("Waiting to be sent"),
    RequestState.SENT: N_("Sent to 311"),
    RequestState.NEEDS_PERSON: N_("Needs staff attention"),
    RequestState.CANCELLED: N_("Cancelled"),
}


class RequestNotFound(DomainError):
    message = N_("No request has the reference {reference}.")


class RequestClosed(DomainError):
    message = N_("Request {reference} can no longer be changed.")


class InvalidAnswers(DomainError):
    """The form's answers do not fit the service's definition; ``problems`` maps field code -> msgid."""

    message = N_("Please check the highlighted answers.")

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__()
        self.problems = problems


# Why a field was refused (msgids, shown in the visitor's language next to the field).
MISSING = N_("Please answer this question.")
NOT_A_NUMBER = N_("Please enter a number.")
NOT_A_DATE = N_("Please enter a date and time.")
NOT_A_CHOICE = N_("Please choose one of the answers offered.")
TOO_LONG = N_("This answer is too long.")


@dataclass
class ServiceRequest:
    reference: str
    service_code: str
    service_name: str
    language: str
    created_at: datetime
    attributes: dict[str, str | list[str]] = field(default_factory=dict)
    address: str = ""
    lat: float | None = None
    long: float | None = None
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    state: RequestState = RequestState.QUEUED
    remote_id: str | None = None
    token: str | None = None
    service_notice: str = ""
    attempts: int = 0
    next_attempt_at: datetime | None = None
    lease_until: datetime | None = None
    in_flight: bool = False
    last_error: str = ""
    sent_at: datetime | None = None
    remote_status: str = ""
    remote_status_notes: str = ""
    updated_at: datetime | None = None
    id: int | None = None

    @property
    def qr_payload(self) -> str:
        return f"{QR_PREFIX}{self.reference}"

    def description_to_send(self) -> str:
        """The visitor's words, then the reference that lets a retry find an earlier attempt."""
        tail = f"{MARKER}{self.reference}"
        room = DESCRIPTION_MAX - len(tail) - 2
        text = self.description.strip()[:room]
        return f"{text}\n\n{tail}" if text else tail


def new_reference() -> str:
    """Eight characters in two groups, e.g. K7RM-Q3XA: 25**8 possibilities, easy to read out."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_reference(text: str) -> str:
    """Typed or scanned -> the canonical reference ('kiosk-request:k7rmq3xa ' -> 'K7RM-Q3XA')."""
    text = text.strip().upper()
    if text.startswith(QR_PREFIX):
        text = text[len(QR_PREFIX) :]
    chars = "".join(ch for ch in text if ch.isalnum())
    return f"{chars[:4]}-{chars[4:]}" if len(chars) == 8 else chars


def carries_reference(description: str, reference: str) -> bool:
    return f"{MARKER}{reference}" in (description or "")


def backoff(attempts: int, retry_after: float | None = None, rng: random.Random | None = None) -> timedelta:
    """Exponential, capped, with jitter so many kiosks coming back online do not retry in step.

    The server's Retry-After is a floor, never shortened by the jitter.
    """
    rng = rng or random.Random()
    exponential = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(0, attempts - 1)))
    delay = exponential * rng.uniform(0.5, 1.5)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return min(delay, BACKOFF_CAP * 2)


def check_answers(attributes, answers: dict[str, str | list[str]]) -> dict[str, str]:
    """Problems of the answers against a definition's attributes (code -> msgid); empty when all fit.

    ``attributes`` are services.ports.ServiceAttribute-like objects (code, datatype, required, variable,
    values). Answers for codes the definition does not know are refused too: nothing unasked is sent.
    """
    problems: dict[str, str] = {}
    fields_ = {a.code: a for a in attributes if a.variable}
    for code in answers:
        if code not in fields_:
            problems[code] = NOT_A_CHOICE
    for code, attribute in fields_.items():
        value = answers.get(code)
        empty = value is None or value == "" or value == []
        if empty:
            if attribute.required:
                problems[code] = MISSING
            continue
        keys = {v.key for v in attribute.values}
        kind = attribute.datatype
        if kind == "multivaluelist":
            chosen = value if isinstance(value, list) else [value]
            if not set(chosen) <= keys:
                problems[code] = NOT_A_CHOICE
        elif isinstance(value, list) or kind == "singlevaluelist" and value not in keys:
            problems[code] = NOT_A_CHOICE
        elif kind == "number":
            try:
                float(value.replace(",", "."))
            except ValueError:
                problems[code] = NOT_A_NUMBER
        elif kind == "datetime":
            try:
                datetime.fromisoformat(value)
            except ValueError:
                problems[code] = NOT_A_DATE
        elif (kind == "string" and len(value) > 255) or len(value) > 2000:
            problems[code] = TOO_LONG
    return problems


def is_due(request: ServiceRequest, now: datetime) -> bool:
    if request.state != RequestState.QUEUED:
        return False
    if request.lease_until is not None and request.lease_until > now:
        return False  # another worker is sending it
    return request.next_attempt_at is None or request.next_attempt_at <= now


@dataclass
class SyncStatus:
    """How delivery to the central service is going: what staff and admins are shown."""

    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str = ""
    paused_until: datetime | None = None  # after a 403: the api key needs an admin
    paused_reason: str = ""
    catalogue_fetched_at: datetime | None = None

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > now
