"""Print jobs the kiosk starts: what to print for a visitor, rendered and sent to the configured printer.

Everything here blocks (rendering, the printer): the composition root runs it on a printing worker.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kiosk.printing.content import BookingReceipt, Content, Paper, TicketReceipt
from kiosk.printing.receipts import RenderedDocument, render
from kiosk.services.ports import Printer, PrinterError

if TYPE_CHECKING:
    from kiosk.services.checkin import CheckInResult

log = logging.getLogger(__name__)


def ticket_qr_payload(result: CheckInResult) -> str:
    """What the ticket's QR code holds: the day and the number, for a counter's scanner."""
    return f"kiosk-ticket:{result.ticket.service_date.isoformat()}/{result.ticket.number}"


def ticket_receipt(result: CheckInResult, language: str, building: str, zone: ZoneInfo) -> TicketReceipt:
    return TicketReceipt(
        number=result.ticket.number,
        service_name=result.service.name(language),
        position=result.position,
        estimated_wait=result.estimated_wait,
        issued_at=result.ticket.created_at,
        building=building,
        qr_payload=ticket_qr_payload(result),
        timezone=zone,
    )


def booking_receipt(booking, room_name: str, building: str, zone: ZoneInfo) -> BookingReceipt:
    """A discussion-room booking, with its code as a QR code the kiosk's scanner checks in."""
    return BookingReceipt(
        room=room_name,
        start=booking.starts_at,
        end=booking.ends_at,
        code=booking.code,
        building=building,
        qr_payload=booking.qr_payload,
        timezone=zone,
    )


@dataclass
class ReceiptPrinting:
    printer: Printer
    paper: Paper = Paper.ROLL_80MM

    def print_content(self, content: Content, language: str, large_print: bool = False) -> RenderedDocument:
        """Render and print; PrinterError (logged for staff) when the printer cannot take it."""
        started = time.perf_counter()
        document = render(content, language, self.paper, large_print)
        try:
            self.printer.print_pdf(document.pdf, page_size_mm=document.page_size_mm, title=document.title)
        except PrinterError as exc:
            log.error("Printer %s could not print %r: %s", self.printer.name, document.title, exc)
            raise
        except Exception as exc:  # noqa: BLE001 - an unexpected failure is still a printer failure
            log.exception("Printer %s failed on %r", self.printer.name, document.title)
            raise PrinterError(f"{type(exc).__name__}: {exc}") from exc
        log.info(
            "Printed %r on %s in %.0f ms",
            document.title,
            self.printer.name,
            (time.perf_counter() - started) * 1000,
        )
        return document
