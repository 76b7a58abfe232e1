"""Receipts in the visitor's language: each kind of content as layout blocks, then a PDF.

Every word printed goes through ``_()`` in the language the receipt is rendered in; numbers, dates
and waits through kiosk.i18n.formatting in the same language.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from functools import singledispatch
from zoneinfo import ZoneInfo

from kiosk.i18n import _, use_language
from kiosk.i18n.formatting import format_date, format_number, format_time, format_wait
from kiosk.printing.content import (
    BookingReceipt,
    Content,
    InfoSheet,
    Paper,
    RequestReceipt,
    TestReceipt,
    TicketReceipt,
)
from kiosk.printing.layout import Block, Qr, Rule, Text, draw

NUMBER_SIZE = 32  # the ticket number; large print doubles it and it still fits the 72 mm a roll prints


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    page_size_mm: tuple[float, float]  # (width, height) of every page
    pages: int
    title: str
    language: str
    paper: Paper
    large_print: bool


def emergency_line() -> str:
    return _("For emergencies, call 911.")


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return _("{date} at {time}", date=format_date(moment, zone), time=format_time(moment, zone))


def _header(building: str, heading: str) -> list[Block]:
    return [
        Text(building, size=10, bold=True, align="center", space_after=2),
        Text(heading, size=9, align="center", space_after=2),
        Rule(),
    ]


def _footer(with_emergency: bool = True) -> list[Block]:
    return (
        [Rule(space_after=3), Text(emergency_line(), size=10, bold=True, align="center")]
        if with_emergency
        else []
    )


@singledispatch
def blocks_for(content: Content) -> tuple[str, list[Block]]:
    """(document title, blocks) for one kind of content, in the active language."""
    raise TypeError(f"no receipt layout for {type(content).__name__}")


@blocks_for.register
def _ticket(content: TicketReceipt) -> tuple[str, list[Block]]:
    if content.position <= 1:
        position = _("You are next in line.")
    else:
        position = _("Your place in line: {position}", position=format_number(content.position))
    blocks: list[Block] = [
        *_header(content.building, _("Queue ticket")),
        Text(_("Your number is"), size=10, align="center", space_after=0),
        Text(content.number, size=NUMBER_SIZE, bold=True, align="center", space_after=4),
        Text(content.service_name, size=11, bold=True, align="center", space_after=5),
        Text(position, size=9, align="center", space_after=1),
        Text(_("Estimated wait: {wait}", wait=format_wait(content.estimated_wait)), size=9, align="center"),
        Text(
            _("Please take a seat. We will call your number on the screen and at the front desk."),
            size=9,
            align="center",
            space_after=4,
        ),
    ]
    if content.qr_payload:
        blocks.append(Qr(content.qr_payload, size_mm=24))
        # The same code rates the visit afterwards (kiosk.services.feedback); a link works on a phone too.
        phone = content.qr_payload.startswith(("https://", "http://"))
        blocks.append(
            Text(
                _("After your visit, scan this code at the kiosk or with your phone to tell us how we did.")
                if phone
                else _("After your visit, scan this code at the kiosk to tell us how we did."),
                size=8,
                align="center",
                space_after=3,
            )
        )
    blocks.append(
        Text(_("Issued {when}", when=_when(content.issued_at, content.timezone)), size=8, align="center")
    )
    blocks += _footer()
    return _("Ticket {number}", number=content.number), blocks


@blocks_for.register
def _booking(content: BookingReceipt) -> tuple[str, list[Block]]:
    zone = content.timezone
    blocks: list[Block] = [
        *_header(content.building, _("Room booking")),
        Text(content.room, size=14, bold=True, align="center", space_after=2),
    ]
    if content.location:
        blocks.append(Text(content.location, size=9, align="center"))
    blocks += [
        Text(format_date(content.start, zone), size=10, align="center", space_after=1),
        Text(
            _("{start} to {end}", start=format_time(content.start, zone), end=format_time(content.end, zone)),
            size=12,
            bold=True,
            align="center",
            space_after=5,
        ),
        Text(_("Booking code"), size=9, align="center", space_after=0),
        Text(content.code, size=22, bold=True, align="center", space_after=4),
    ]
    if content.qr_payload:
        blocks.append(Qr(content.qr_payload, size_mm=26))
    blocks.append(
        Text(
            _(
                "To check in, scan this QR code at the kiosk or type the code. You can also ask at the front desk."
            ),
            size=9,
            align="center",
        )
    )
    return _("Room booking {code}", code=content.code), blocks


@blocks_for.register
def _request(content: RequestReceipt) -> tuple[str, list[Block]]:
    blocks: list[Block] = [
        *_header(content.building, _("Service request")),
        Text(_("Reference number"), size=9, align="center", space_after=0),
        Text(content.reference, size=20, bold=True, align="center", space_after=4),
        Text(content.service_name, size=11, bold=True, space_after=2),
        Text(content.summary, size=9, space_after=4),
        Text(_("Sent {when}", when=_when(content.submitted_at, content.timezone)), size=8, space_after=4),
    ]
    payload = content.qr_payload or content.status_url
    if content.status_url:
        blocks.append(Text(_("Check the status of your request:"), size=9, space_after=1))
        blocks.append(Text(content.status_url, size=8, space_after=4))
    if payload:
        blocks.append(Qr(payload, size_mm=26))
    blocks += _footer()
    return _("Service request {reference}", reference=content.reference), blocks


@blocks_for.register
def _info(content: InfoSheet) -> tuple[str, list[Block]]:
    blocks: list[Block] = [
        Text(content.building, size=10, bold=True, align="center", space_after=2),
        Rule(),
        Text(content.title, size=13, bold=True, space_after=5),
    ]
    blocks += [Text(paragraph, size=9, space_after=5) for paragraph in content.paragraphs]
    details = (
        (_("Office"), content.bureau),
        (_("Where"), content.location),
        (_("Hours"), content.hours),
        (_("Phone"), content.phone),
        (_("Website"), content.url),
    )
    filled = [(label, value) for label, value in details if value]
    if filled:
        blocks.append(Rule(space_after=3))
    for label, value in filled:
        blocks.append(Text(label, size=8, bold=True, space_after=0))
        blocks.append(Text(value, size=9, space_after=3))
    if content.url:
        blocks.append(Qr(content.url, size_mm=24))
    blocks.append(
        Text(_("Printed {when}", when=_when(content.printed_at, content.timezone)), size=8, align="center")
    )
    blocks += _footer()
    return content.title, blocks


@blocks_for.register
def _test(content: TestReceipt) -> tuple[str, list[Block]]:
    blocks: list[Block] = [
        *_header(content.building, _("Printer test")),
        Text(_("Printer: {name}", name=content.printer), size=9, space_after=2),
        Text(_("Printed {when}", when=_when(content.printed_at, content.timezone)), size=9, space_after=4),
        Text(_("Every language the kiosk prints:"), size=9, bold=True, space_after=2),
        *(Text(sample, size=11, space_after=1) for sample in content.samples),
        Rule(),
        Qr(f"{content.building} / {content.printer}", size_mm=24),
    ]
    blocks += _footer()
    return _("Printer test"), blocks


def render(
    content: Content, language: str, paper: Paper = Paper.ROLL_80MM, large_print: bool = False
) -> RenderedDocument:
    """The content as a PDF in ``language`` on ``paper``; large print doubles every text size."""
    with use_language(language):
        title, blocks = blocks_for(content)
    with _drawing:
        pdf, size, pages = draw(blocks, paper, large_print, title)
    return RenderedDocument(pdf, size, pages, title, language, paper, large_print)


# reportlab keeps fonts and caches in module state: one drawing at a time, whatever thread asks (a kiosk
# has one printing worker, but the demo, the tests and a second window each bring their own).
_drawing = threading.Lock()


def printed_text(content: Content, language: str) -> list[str]:
    """Every line of text a receipt prints, as the visitor reads it (tests compare it with pdftotext)."""
    with use_language(language):
        _title, blocks = blocks_for(content)
    return [block.text for block in blocks if isinstance(block, Text)]
