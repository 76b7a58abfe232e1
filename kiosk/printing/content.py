"""What a receipt says: plain dataclasses the features fill, with no layout and no language in them.

Names and texts that come from the catalogue (a service's name, an answer's paragraphs) are passed in the
visitor's language already: catalogue content is translated data. Everything else on the paper (labels,
dates, the 911 line) is written by ``receipts`` in the language a receipt is rendered in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = ZoneInfo("America/Los_Angeles")


class Paper(enum.StrEnum):
    ROLL_80MM = "80mm"  # thermal roll: 80 mm wide, as long as the receipt
    LETTER = "letter"  # 8.5 x 11 in office paper


@dataclass(frozen=True)
class TicketReceipt:
    """A queue ticket: the number the visitor waits for."""

    number: str
    service_name: str
    position: int
    estimated_wait: timedelta
    issued_at: datetime  # timezone-aware
    building: str
    qr_payload: str | None = None
    timezone: ZoneInfo = DEFAULT_ZONE


@dataclass(frozen=True)
class BookingReceipt:
    """A discussion-room booking."""

    room: str
    start: datetime  # timezone-aware
    end: datetime
    code: str
    building: str
    location: str = ""  # floor, wing: catalogue data in the visitor's language
    qr_payload: str | None = None
    timezone: ZoneInfo = DEFAULT_ZONE


@dataclass(frozen=True)
class RequestReceipt:
    """A report or service request sent (or queued) to the city's 311 system."""

    reference: str
    service_name: str
    summary: str
    submitted_at: datetime
    building: str
    status_url: str = ""
    qr_payload: str | None = None  # the status URL when there is one
    timezone: ZoneInfo = DEFAULT_ZONE


@dataclass(frozen=True)
class InfoSheet:
    """The printout of a lookup answer: what the visitor read on screen, to take home."""

    title: str
    paragraphs: tuple[str, ...]
    building: str
    printed_at: datetime
    bureau: str = ""
    location: str = ""
    hours: str = ""
    phone: str = ""
    url: str = ""
    timezone: ZoneInfo = DEFAULT_ZONE


@dataclass(frozen=True)
class TestReceipt:
    """``kiosk print-test``: every script the kiosk prints, and a QR code."""

    building: str
    printer: str
    printed_at: datetime
    samples: tuple[str, ...] = field(
        default=("English", "Español", "Tiếng Việt", "繁體中文", "Русский"),
    )
    timezone: ZoneInfo = DEFAULT_ZONE


Content = TicketReceipt | BookingReceipt | RequestReceipt | InfoSheet | TestReceipt
