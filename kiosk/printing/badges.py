"""The security desk's paper: visitor badges and the evacuation roll call.

A badge is a 4 x 3 in (102 x 76 mm) label, or a strip of the 80 mm roll when the desk's printer is a
receipt printer. The roll call is a Letter table of everyone signed in, to be read out at the
assembly point; it is drawn from what the desk last read and printed here, so it needs no network.
When no printer takes a document, it is saved as a PDF in the data directory and the desk says where.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.domain.visitors import Visit
from kiosk.i18n import _, ngettext, use_language
from kiosk.i18n.formatting import format_date, format_number, format_time
from kiosk.printing import fonts
from kiosk.printing.backends import PdfFilePrinter
from kiosk.printing.content import DEFAULT_ZONE, Paper
from kiosk.printing.layout import Block, Qr, Rule, Text, draw, wrap
from kiosk.printing.receipts import RenderedDocument, _drawing
from kiosk.services.ports import Printer, PrinterError

log = logging.getLogger(__name__)

LABEL_MM = (101.6, 76.2)  # 4 x 3 in, landscape


@dataclass(frozen=True)
class VisitorBadge:
    badge: str
    name: str
    host: str
    signed_in_at: datetime
    expires_at: datetime
    building: str
    qr_payload: str
    organisation: str = ""
    timezone: ZoneInfo = DEFAULT_ZONE

    @classmethod
    def of(cls, visit: Visit, building: str, zone: ZoneInfo) -> VisitorBadge:
        return cls(
            badge=visit.badge,
            name=visit.name,
            host=visit.host,
            signed_in_at=visit.signed_in_at,
            expires_at=visit.expires_at,
            building=building,
            qr_payload=visit.qr_payload,
            organisation=visit.organisation,
            timezone=zone,
        )


@dataclass(frozen=True)
class RollCallRow:
    badge: str
    name: str
    organisation: str
    host: str
    signed_in_at: datetime
    expired: bool = False


@dataclass(frozen=True)
class RollCall:
    building: str
    printed_at: datetime
    as_of: datetime  # when the list was read from the database (earlier when it could not be now)
    rows: tuple[RollCallRow, ...] = field(default_factory=tuple)
    timezone: ZoneInfo = DEFAULT_ZONE


def valid_until(badge: VisitorBadge) -> str:
    zone = badge.timezone
    start, end = badge.signed_in_at.astimezone(zone), badge.expires_at.astimezone(zone)
    if end.time().hour == 0 and end.time().minute == 0 and end.date() == start.date() + timedelta(days=1):
        return _("Valid until the end of the day")
    if end.date() == start.date():
        return _("Valid until {time}", time=format_time(end, zone))
    return _("Valid until {date} at {time}", date=format_date(end, zone), time=format_time(end, zone))


def badge_lines(badge: VisitorBadge) -> list[str]:
    """Every line of text the badge prints, in the active language (tests compare with pdftotext)."""
    lines = [badge.building, _("VISITOR"), badge.name]
    if badge.organisation:
        lines.append(badge.organisation)
    lines += [
        _("Visiting: {host}", host=badge.host),
        format_date(badge.signed_in_at, badge.timezone),
        valid_until(badge),
        _("Badge {badge}", badge=badge.badge),
    ]
    return lines


def render_badge(badge: VisitorBadge, language: str, paper: Paper = Paper.LETTER) -> RenderedDocument:
    """The badge in ``language``: on the 80 mm roll when that is the paper, else on a 4 x 3 in label."""
    with use_language(language):
        title = _("Visitor badge {badge}", badge=badge.badge)
        if paper == Paper.ROLL_80MM:
            blocks = _roll_badge(badge)
        else:
            lines = badge_lines(badge)
            wear = _("Wear this badge where it can be seen. Return it at the security desk when you leave.")
    with _drawing:
        if paper == Paper.ROLL_80MM:
            pdf, size, pages = draw(blocks, paper, False, title)
        else:
            pdf, size, pages = _label(badge, lines, wear, title), LABEL_MM, 1
    return RenderedDocument(pdf, size, pages, title, language, paper, False)


def _roll_badge(badge: VisitorBadge) -> list[Block]:
    lines = badge_lines(badge)
    blocks: list[Block] = [
        Text(badge.building, size=10, bold=True, align="center", space_after=2),
        Rule(space_after=3),
        Text(lines[1], size=22, bold=True, align="center", space_after=4),
        Text(badge.name, size=16, bold=True, align="center", space_after=2),
    ]
    if badge.organisation:
        blocks.append(Text(badge.organisation, size=11, align="center", space_after=3))
    blocks += [
        Text(_("Visiting: {host}", host=badge.host), size=11, align="center", space_after=3),
        Text(format_date(badge.signed_in_at, badge.timezone), size=9, align="center", space_after=1),
        Text(valid_until(badge), size=10, bold=True, align="center", space_after=4),
        Qr(badge.qr_payload, size_mm=30),
        Text(_("Badge {badge}", badge=badge.badge), size=14, bold=True, align="center", space_after=3),
        Text(
            _("Wear this badge where it can be seen. Return it at the security desk when you leave."),
            size=8,
            align="center",
        ),
    ]
    return blocks


def _line(canvas: Canvas, text: str, x: float, y: float, size: float, bold: bool = False) -> None:
    for font, part in fonts.runs(text, bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += canvas.stringWidth(part, font, size)


def _centred(canvas: Canvas, text: str, centre: float, y: float, size: float, bold: bool = False) -> None:
    _line(canvas, text, centre - fonts.text_width(text, size, bold) / 2, y, size, bold)


def _fit(
    text: str, size: float, bold: bool, width: float, max_lines: int, smallest: float
) -> tuple[list, float]:
    """Wrapped lines of ``text`` at the largest size from ``size`` down that needs at most ``max_lines``."""
    while True:
        lines = wrap(text, size, bold, width)
        if len(lines) <= max_lines or size <= smallest:
            if len(lines) > max_lines:
                lines = lines[:max_lines]
                lines[-1] = lines[-1].rstrip() + "…"
            return lines, size
        size -= 1


def _label(badge: VisitorBadge, lines: list[str], wear: str, title: str) -> bytes:
    from kiosk.printing.layout import _draw_qr

    fonts.register_fonts()
    width, height = LABEL_MM[0] * mm, LABEL_MM[1] * mm
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(width, height), pageCompression=1, invariant=1, initialFontName=fonts.SANS
    )
    canvas.setTitle(title)
    canvas.setAuthor("City kiosk")
    margin = 4 * mm
    band = 13 * mm
    # A black band with VISITOR in white: whoever sees the badge from across the lobby knows what it is.
    canvas.setFillColorRGB(0, 0, 0)
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    _line(canvas, lines[1], margin, height - band + 4.2 * mm, 18, bold=True)
    building, _size = _fit(badge.building, 8, True, width * 0.45, 1, 6)
    _line(
        canvas,
        building[0],
        width - margin - fonts.text_width(building[0], _size, True),
        height - band + 5 * mm,
        _size,
        True,
    )
    canvas.setFillColorRGB(0, 0, 0)

    qr_side = 34 * mm
    qr_x = width - margin - qr_side
    qr_top = height - band - 2 * mm
    _draw_qr(canvas, badge.qr_payload, qr_x, qr_top, qr_side)
    _centred(canvas, lines[-1], qr_x + qr_side / 2, qr_top - qr_side - 4 * mm, 11, bold=True)

    text_width = qr_x - margin - 2 * mm
    wear_lines, wear_size = _fit(wear, 7, False, width - 2 * margin, 2, 6)
    wear_top = margin + len(wear_lines) * wear_size * 1.2
    # (text, size, bold, line height, gap after), the name first and largest.
    wanted = [(badge.name, 17.0, True, 1.05, 2.5 * mm)]
    if badge.organisation:
        wanted.append((lines[3], 10.0, False, 1.25, 1 * mm))
    wanted += [(line, 10.0 if i != 1 else 9.0, i == 2, 1.25, 1 * mm) for i, line in enumerate(lines[-4:-1])]
    scale = 1.0
    while True:
        # Long names and long translations shrink together until they clear the line at the foot.
        planned = []
        used = 0.0
        for text, size, bold, leading, gap in wanted:
            wrapped, fitted = _fit(text, size * scale, bold, text_width, 2, 6)
            planned.append((wrapped, fitted, bold, leading))
            used += len(wrapped) * fitted * leading + gap
        if height - band - 4 * mm - used >= wear_top + 2.5 * mm or scale < 0.6:
            break
        scale *= 0.92
    y = height - band - 4 * mm
    for (wrapped, fitted, bold, leading), (*_rest, gap) in zip(planned, wanted, strict=True):
        for line in wrapped:
            y -= fitted * leading
            _line(canvas, line, margin, y, fitted, bold)
        y -= gap
    y = margin + (len(wear_lines) - 1) * wear_size * 1.2
    for line in wear_lines:
        _line(canvas, line, margin, y, wear_size)
        y -= wear_size * 1.2
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# -- the evacuation roll call ---------------------------------------------------------------------
ROLL_MARGIN = 15 * mm
ROLL_SIZE = 9.5
# (share of the table's width); the last column is left empty for a tick at the assembly point.
ROLL_COLUMNS = (0.04, 0.125, 0.22, 0.17, 0.19, 0.145, 0.11)


def roll_call_headings() -> list[str]:
    return ["#", _("Badge"), _("Name"), _("Organisation"), _("Visiting"), _("Signed in"), _("Here")]


def roll_call_title() -> str:
    return _("Evacuation roll call: visitors in the building")


def roll_call_lines(roll: RollCall) -> list[str]:
    """The heading lines above the table, in the active language."""
    zone = roll.timezone
    count = len(roll.rows)
    lines = [
        roll.building,
        roll_call_title(),
        ngettext("{n} visitor signed in", "{n} visitors signed in", count),
        _(
            "Printed {date} at {time}",
            date=format_date(roll.printed_at, zone),
            time=format_time(roll.printed_at, zone),
        ),
    ]
    if roll.printed_at - roll.as_of > timedelta(minutes=1):
        lines.append(
            _(
                "The database could not be reached: this is the list as of {time}.",
                time=format_time(roll.as_of, zone),
            )
        )
    return lines


def render_roll_call(roll: RollCall, language: str) -> RenderedDocument:
    with use_language(language):
        title = roll_call_title()
        heading = roll_call_lines(roll)
        columns = roll_call_headings()
        expired = _("EXPIRED")
        page_of = _("Page {page} of {pages}")
        none = _("Nobody is signed in.")
        zone = roll.timezone
        rows = [
            [
                format_number(index),
                row.badge,
                row.name,
                row.organisation,
                row.host,
                format_time(row.signed_in_at, zone) + (f"\n{expired}" if row.expired else ""),
                "",
            ]
            for index, row in enumerate(roll.rows, start=1)
        ]
        flags = [row.expired for row in roll.rows]
    with _drawing:
        pdf, pages = _roll_pdf(title, heading, columns, rows, flags, page_of, none, expired)
    return RenderedDocument(
        pdf, (LETTER[0] / mm, LETTER[1] / mm), pages, title, language, Paper.LETTER, False
    )


def _cell_lines(text: str, size: float, bold: bool, width: float) -> list[str]:
    lines: list[str] = []
    for part in text.split("\n"):
        wrapped, _size = _fit(part, size, bold, width, 3, size)
        lines += wrapped
    return lines


def _roll_pdf(
    title: str,
    heading: list[str],
    columns: list[str],
    rows: Sequence[list[str]],
    flags: Sequence[bool],
    page_of: str,
    none: str,
    expired: str,
) -> tuple[bytes, int]:
    fonts.register_fonts()
    width, height = LETTER
    table_width = width - 2 * ROLL_MARGIN
    widths = [share * table_width for share in ROLL_COLUMNS]
    pad = 1.5 * mm
    leading = ROLL_SIZE * 1.25

    def measured(cells: list[str], bold: bool) -> tuple[list[list[str]], float]:
        wrapped = [
            _cell_lines(text, ROLL_SIZE, bold, w - 2 * pad) for text, w in zip(cells, widths, strict=True)
        ]
        return wrapped, max(len(lines) for lines in wrapped) * leading + 2 * pad

    head_cells, head_height = measured(columns, True)
    body = [measured(cells, False) for cells in rows]

    # Pages first, so each can say "page 2 of 3".
    pages: list[list[int]] = [[]]
    top_first = height - ROLL_MARGIN - len(heading) * 14 - 6
    room = top_first - ROLL_MARGIN - 14 - head_height
    for index, (_cells, row_height) in enumerate(body):
        if row_height > room and pages[-1]:
            pages.append([])
            room = height - 2 * ROLL_MARGIN - 14 - head_height
        pages[-1].append(index)
        room -= row_height

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1, invariant=1, initialFontName=fonts.SANS)
    canvas.setTitle(title)
    canvas.setAuthor("City kiosk")
    for number, indexes in enumerate(pages, start=1):
        y = height - ROLL_MARGIN
        if number == 1:
            for line_index, line in enumerate(heading):
                size = 15 if line_index == 1 else 11
                y -= size + 3
                _line(canvas, line, ROLL_MARGIN, y, size, bold=line_index in (1, 2))
            y -= 6
        y = _table_row(canvas, head_cells, widths, y, head_height, pad, leading, shade=0.85, bold_all=True)
        for index in indexes:
            cells, row_height = body[index]
            shade = 0.8 if flags[index] else None
            y = _table_row(canvas, cells, widths, y, row_height, pad, leading, shade=shade, bold_line=expired)
        if not rows:
            _line(canvas, none, ROLL_MARGIN + pad, y - 14, 11)
        footer = page_of.replace("{page}", str(number)).replace("{pages}", str(len(pages)))
        _line(canvas, footer, width - ROLL_MARGIN - fonts.text_width(footer, 8), ROLL_MARGIN - 10, 8)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), len(pages)


def _table_row(
    canvas, cells, widths, y, row_height, pad, leading, shade, bold_all=False, bold_line=""
) -> float:
    x = ROLL_MARGIN
    if shade is not None:
        canvas.setFillGray(shade)
        canvas.rect(x, y - row_height, sum(widths), row_height, stroke=0, fill=1)
        canvas.setFillGray(0)
    canvas.setLineWidth(0.5)
    for lines, w in zip(cells, widths, strict=True):
        canvas.rect(x, y - row_height, w, row_height, stroke=1, fill=0)
        baseline = y - pad - ROLL_SIZE
        for line in lines:
            _line(canvas, line, x + pad, baseline, ROLL_SIZE, bold_all or line == bold_line)
            baseline -= leading
        x += w
    return y - row_height


# -- printing, or a PDF when no printer works ---------------------------------------------------
@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    path: Path | None  # the PDF saved instead (or as well, for a pdf: printer)
    reason: str = ""  # why the printer did not print, for the log and the desk


@dataclass
class DeskPrinting:
    """What the security desk prints. Rendering and printing block: the desk calls it on a worker."""

    printer: Printer | None
    fallback_dir: Path
    building: str
    zone: ZoneInfo
    paper: Paper = Paper.LETTER

    def badge(self, visit: Visit, language: str) -> PrintOutcome:
        document = render_badge(VisitorBadge.of(visit, self.building, self.zone), language, self.paper)
        return self.send(document)

    def roll_call(
        self, rows: Sequence[RollCallRow | dict], as_of: datetime, printed_at: datetime, language: str
    ) -> PrintOutcome:
        # The desk hands plain mappings (the UI does not import printing).
        table = tuple(row if isinstance(row, RollCallRow) else RollCallRow(**row) for row in rows)
        roll = RollCall(self.building, printed_at, as_of, table, self.zone)
        return self.send(render_roll_call(roll, language))

    def send(self, document: RenderedDocument) -> PrintOutcome:
        reason = "no printer is set"
        if self.printer is not None:
            try:
                self.printer.print_pdf(document.pdf, page_size_mm=document.page_size_mm, title=document.title)
            except PrinterError as exc:
                reason = str(exc)
                log.error("Printer %s could not print %r: %s", self.printer.name, document.title, exc)
            except Exception as exc:  # noqa: BLE001 - any printer failure falls back to the PDF file
                reason = f"{type(exc).__name__}: {exc}"
                log.exception("Printer %s failed on %r", self.printer.name, document.title)
            else:
                return PrintOutcome(True, getattr(self.printer, "last_path", None))
        saver = PdfFilePrinter(self.fallback_dir)
        saver.print_pdf(document.pdf, page_size_mm=document.page_size_mm, title=document.title)
        log.info("Saved %r as %s (%s)", document.title, saver.last_path, reason)
        return PrintOutcome(False, saver.last_path, reason)
