"""Visitors rate their visit: at the kiosk (number typed or ticket scanned) or through the ticket's link.

A rating belongs to the visit (its first ticket; a transfer continues the visit), never to a person:
no name is stored with it. One rating per visit: a second is refused politely rather than replacing the
first, so that nobody can overwrite another visitor's rating by typing their number.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from kiosk.domain.feedback import (
    RATING_DAYS,
    AlreadyRated,
    Feedback,
    NotServedYet,
    VisitNotFound,
    VisitRef,
    check_rating,
    clean_comment,
    parse_ticket_text,
)
from kiosk.domain.text import clean_text
from kiosk.domain.tickets import TicketStatus, format_number
from kiosk.services.context import ServiceContext
from kiosk.services.ports import UnitOfWork

TOKEN_PARAMETER = "t"


def feedback_link(url: str, token: str) -> str:
    """The ``feedback_url`` setting with a visit's token: ``{token}`` in it is replaced, else ``?t=``."""
    if "{token}" in url:
        return url.replace("{token}", token)
    return f"{url}{'&' if '?' in url else '?'}{TOKEN_PARAMETER}={token}"


def token_in_link(url: str, text: str) -> str | None:
    """The token of a feedback link made from ``url``, or None when ``text`` is not such a link."""
    if not url:
        return None
    text = text.strip()
    if "{token}" in url:
        head, _sep, tail = url.partition("{token}")
        if text.startswith(head) and text.endswith(tail) and len(text) > len(head) + len(tail):
            return text[len(head) : len(text) - len(tail)]
        return None
    base = url.split("?", 1)[0]
    if not text.startswith(base):
        return None
    values = parse_qs(urlsplit(text).query).get(TOKEN_PARAMETER)
    return values[-1] if values else None


def link_prefix(url: str) -> str:
    """What every feedback link starts with: the kiosk's scanner listens for it."""
    return url.partition("{token}")[0] if "{token}" in url else url.split("?", 1)[0]


def _normalised_number(typed: str) -> str:
    """'a12', 'A 012' and 'A012' are the same ticket."""
    letters = "".join(ch for ch in typed if not ch.isdecimal())
    digits = "".join(ch for ch in typed if ch.isdecimal())
    if not digits or not letters.isalpha():
        return typed
    return format_number(letters.upper(), int(digits))


def _check_rateable(uow: UnitOfWork, first_id: int, ctx: ServiceContext) -> VisitRef:
    visit = uow.feedback.visit(first_id)
    if not visit:
        raise VisitNotFound(number="")
    first = visit[0]
    if first.service_date < ctx.today() - timedelta(days=RATING_DAYS):
        raise VisitNotFound(number=first.number)
    if uow.feedback.for_ticket(first.id) is not None:
        raise AlreadyRated()
    if visit[-1].status == TicketStatus.WAITING:
        raise NotServedYet()
    return VisitRef(ticket_id=first.id, number=first.number, service_code=first.service_code)


def find_visit(ctx: ServiceContext, text: str, url: str = "") -> VisitRef:
    """The visit to rate, from a typed ticket number (today's), the ticket's QR code or its link.

    Refused with VisitNotFound, NotServedYet (still waiting) or AlreadyRated before the visitor
    is asked anything.
    """
    # What a scanner or keyboard sent may hold anything (a lone surrogate cannot even reach the database).
    text = clean_text(text)
    token = token_in_link(url, text)
    with ctx.uow() as uow:
        if token is not None:
            first_id = uow.feedback.ticket_for_token(token)
            if first_id is None:
                raise VisitNotFound(number="")
            return _check_rateable(uow, first_id, ctx)
        day_text, number = parse_ticket_text(text)
        number = _normalised_number(number)
        try:
            day = date.fromisoformat(day_text) if day_text else ctx.today()
        except ValueError:
            raise VisitNotFound(number=number) from None
        ticket = uow.feedback.issued(day, number) if number else None
        if ticket is None:
            raise VisitNotFound(number=number)
        return _check_rateable(uow, ticket.id, ctx)


def rate(
    ctx: ServiceContext,
    ticket_id: int,
    rating: int,
    comment: str | None = None,
    *,
    language: str = "en",
    source: str = "kiosk",
) -> Feedback:
    """Store the visit's rating (``ticket_id`` is the visit's first ticket)."""
    check_rating(rating)
    text = clean_comment(comment)
    with ctx.uow(write=True) as uow:
        visit = _check_rateable(uow, ticket_id, ctx)
        feedback = uow.feedback.add(
            Feedback(
                ticket_id=visit.ticket_id,
                rating=rating,
                comment=text,
                language=language,
                source=source,
                created_at=ctx.now(),
            )
        )
        uow.commit()
    return feedback


def rate_by_token(
    ctx: ServiceContext, token: str, rating: int, comment: str | None = None, *, language: str = "en"
) -> Feedback:
    """A rating sent from a phone through the ticket's link (the page behind ``feedback_url``)."""
    with ctx.uow() as uow:
        first_id = uow.feedback.ticket_for_token(token)
    if first_id is None:
        raise VisitNotFound(number="")
    return rate(ctx, first_id, rating, comment, language=language, source="web")


def visit_token(ctx: ServiceContext, ticket_id: int) -> str:
    """The unguessable token of the visit's feedback link, made the first time it is asked for."""
    with ctx.uow(write=True) as uow:
        token = uow.feedback.token_for(ticket_id)
        if token is None:
            token = secrets.token_urlsafe(18)  # 144 random bits, 24 characters in a QR code
            uow.feedback.add_token(ticket_id, token, ctx.now())
            uow.commit()
    return token
