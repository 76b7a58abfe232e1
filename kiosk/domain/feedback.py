"""A visitor's rating of their visit: one per visit, tied to the visit's ticket and never to a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.errors import DomainError, InvalidInput
from kiosk.domain.text import N_, clean_text

COMMENT_MAX = 200
# A ticket older than this cannot be rated: memories fade, and old numbers are reused every day.
RATING_DAYS = 7

# 1 (worst) to 5 (best). Each face has a word too: colour and a drawing alone do not say it.
RATING_LABELS = {
    1: N_("Very unhappy"),
    2: N_("Unhappy"),
    3: N_("Okay"),
    4: N_("Happy"),
    5: N_("Very happy"),
}

# The ticket's QR code ("kiosk-ticket:2026-11-26/A012", see kiosk.printing.jobs): the kiosk's scanner
# takes it as "rate this visit".
TICKET_QR_PREFIX = "KIOSK-TICKET:"


class VisitNotFound(DomainError):
    message = N_("We could not find ticket {number}. Please check the number on your ticket.")


class AlreadyRated(DomainError):
    message = N_("This visit has already been rated. Thank you!")


class NotServedYet(DomainError):
    message = N_("You can rate your visit once you have been served.")


@dataclass
class Feedback:
    ticket_id: int  # the visit's first ticket (a transfer keeps the visit)
    rating: int
    comment: str
    language: str
    source: str  # "kiosk" (touch screen) or "web" (the QR code's link on a phone)
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class VisitRef:
    """The visit a rating is for, as the visitor identified it (number typed, or QR code scanned)."""

    ticket_id: int
    number: str
    service_code: str


def check_rating(rating: int) -> int:
    if rating not in RATING_LABELS:
        raise InvalidInput()
    return rating


def clean_comment(raw: str | None) -> str:
    text = clean_text(raw)
    if len(text) > COMMENT_MAX:
        raise InvalidInput(N_("Please use at most {count} characters."), count=COMMENT_MAX)
    return text


def parse_ticket_text(text: str) -> tuple[str | None, str]:
    """(ISO service date or None, ticket number) from what was typed or scanned."""
    text = text.strip()
    if text.upper().startswith(TICKET_QR_PREFIX):
        rest = text[len(TICKET_QR_PREFIX) :]
        day, _sep, number = rest.partition("/")
        return (day or None), "".join(number.split()).upper()
    return None, "".join(text.split()).upper()
