"""The security desk's visitor log: who is in the building, their badge, and when it runs out.

A visit keeps only what the desk needs to know who is inside: a name, an organisation, whom they
visit, why, and whether an ID was looked at (never the ID's number). Badges carry an unguessable
token in their QR code, not the name, so a lost badge says nothing about its wearer.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.domain.errors import DomainError, InvalidInput
from kiosk.domain.text import N_, clean_text

QR_PREFIX = "KIOSK-BADGE:"
NAME_MAX = 80
ORGANISATION_MAX = 80
HOST_MAX = 120
PURPOSE_MAX = 120
BADGE_MAX = 12
BADGE_PREFIX = "V"
# 20 characters of base-32: 100 bits. Upper case and digits only, so a scanner that types through a
# keyboard layout (or with Caps Lock on) still sends the same token.
TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TOKEN_LENGTH = 20


class VisitSource(enum.StrEnum):
    DESK = "desk"
    KIOSK = "kiosk"


class SignOutHow(enum.StrEnum):
    BADGE = "badge"  # the badge's QR code scanned, or its number typed
    DESK = "desk"  # chosen in the list at the desk
    ALL = "all"  # everyone at once at closing time


class VisitorNotFound(DomainError):
    message = N_("No visitor in the building has badge {badge}.")


class BadgeNotRecognised(DomainError):
    message = N_("This badge is not signed in. It may be signed out already.")


class BadgeTaken(DomainError):
    message = N_("Badge {badge} is worn by a visitor in the building. Choose another number.")


@dataclass
class Visit:
    badge: str
    token: str
    service_date: date  # the building's day the visitor signed in
    name: str
    host: str  # the person or bureau visited
    signed_in_at: datetime
    expires_at: datetime
    organisation: str = ""
    purpose: str = ""
    id_checked: bool = False
    source: VisitSource = VisitSource.DESK
    sequence: int | None = None  # the day's number behind an allocated badge; None when staff typed one
    signed_out_at: datetime | None = None
    signed_out_how: str = ""
    id: int | None = None

    @property
    def qr_payload(self) -> str:
        return f"{QR_PREFIX}{self.token}"

    @property
    def in_building(self) -> bool:
        return self.signed_out_at is None

    def expired(self, now: datetime) -> bool:
        return self.in_building and now >= self.expires_at


def _field(raw: str | None, limit: int, too_long: str, required: str | None = None) -> str:
    text = clean_text(raw)
    if not text and required:
        raise InvalidInput(required)
    if len(text) > limit:
        raise InvalidInput(too_long, count=limit)
    return text


def clean_name(raw: str | None) -> str:
    return _field(
        raw,
        NAME_MAX,
        N_("Please use at most {count} characters for the name."),
        N_("Please enter the visitor's name."),
    )


def clean_host(raw: str | None) -> str:
    return _field(
        raw,
        HOST_MAX,
        N_("Please use at most {count} characters for whom they visit."),
        N_("Please say whom or which office the visitor is here to see."),
    )


def clean_organisation(raw: str | None) -> str:
    return _field(raw, ORGANISATION_MAX, N_("Please use at most {count} characters for the organisation."))


def clean_purpose(raw: str | None) -> str:
    return _field(raw, PURPOSE_MAX, N_("Please use at most {count} characters for the purpose."))


def normalise_badge(raw: str | None) -> str:
    """A badge number staff typed: letters, digits and dashes, in capitals ('v 12' is refused)."""
    text = clean_text(raw).upper()
    if not text:
        return ""
    if len(text) > BADGE_MAX or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in text):
        raise InvalidInput(
            N_("A badge number has at most {count} letters, digits or dashes."), count=BADGE_MAX
        )
    return text


def badge_for(sequence: int) -> str:
    """V001: the day's visitors in order (more digits after 999)."""
    return f"{BADGE_PREFIX}{sequence:03d}"


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def token_from_scan(text: str) -> str | None:
    """The token in a scanned badge ('kiosk-badge:abc…' as a scanner with Caps Lock sends it), or None."""
    text = text.strip().upper()
    if not text.startswith(QR_PREFIX):
        return None
    token = text[len(QR_PREFIX) :].strip()
    return token if token and all(ch in TOKEN_ALPHABET for ch in token) else None


def default_expiry(signed_in_at: datetime, zone: ZoneInfo, badge_hours: int = 0) -> datetime:
    """When a badge stops being valid: ``badge_hours`` after sign-in, or (0) the end of the building's day."""
    if badge_hours > 0:
        return signed_in_at + timedelta(hours=badge_hours)
    local_day = signed_in_at.astimezone(zone).date()
    # Midnight by the wall clock; combine-then-localise keeps a DST day's length right.
    return datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=zone)


def new_visit(
    *,
    name: str | None,
    host: str | None,
    organisation: str | None,
    purpose: str | None,
    id_checked: bool,
    now: datetime,
    zone: ZoneInfo,
    badge_hours: int = 0,
    source: VisitSource = VisitSource.DESK,
) -> Visit:
    """A checked visit without its badge yet (the service allocates or checks it)."""
    return Visit(
        badge="",
        token=new_token(),
        service_date=now.astimezone(zone).date(),
        name=clean_name(name),
        host=clean_host(host),
        organisation=clean_organisation(organisation),
        purpose=clean_purpose(purpose),
        # The kiosk cannot look at an ID: only the desk says it did.
        id_checked=bool(id_checked) and source == VisitSource.DESK,
        source=source,
        signed_in_at=now,
        expires_at=default_expiry(now, zone, badge_hours),
    )


def sign_out(visit: Visit, now: datetime, how: SignOutHow) -> Visit:
    if not visit.in_building:
        raise BadgeNotRecognised()
    return replace(visit, signed_out_at=now, signed_out_how=how.value)


def anonymise(visit: Visit) -> Visit:
    """What retention keeps of a finished visit: when, the badge, whom, how; not who or why."""
    return replace(visit, name="", organisation="", purpose="")


def matches(visit: Visit, query: str) -> bool:
    """A name search at the desk: every word typed appears in the name (case and accents forgiven)."""
    import unicodedata

    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")

    words = fold(clean_text(query)).split()
    name = fold(visit.name)
    return bool(words) and all(word in name for word in words)
