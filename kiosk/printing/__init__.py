"""Printed receipts: reportlab layouts for an 80 mm roll and a Letter page, QR codes, printer backends.

An adapter, like kiosk.speech: the features fill the plain dataclasses in ``content``, ``receipts``
renders them to a PDF in the visitor's language (``render``), and a backend from ``backends`` prints it
(``printer_from_spec`` reads the ``printer`` setting). Rendering and printing block: call them on a worker.
"""

from kiosk.printing.content import (
    BookingReceipt,
    InfoSheet,
    Paper,
    RequestReceipt,
    TestReceipt,
    TicketReceipt,
)
from kiosk.printing.receipts import RenderedDocument, render

__all__ = [
    "BookingReceipt",
    "InfoSheet",
    "Paper",
    "RenderedDocument",
    "RequestReceipt",
    "TestReceipt",
    "TicketReceipt",
    "render",
]
