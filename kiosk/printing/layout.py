"""Receipt layout: blocks of text, QR codes and rules, wrapped and drawn with reportlab.

A receipt is a list of blocks. ``draw`` measures them for the paper (an 80 mm roll is cut as long as
its receipt; a Letter page breaks onto more pages) and writes a PDF. Large print multiplies every text
size by ``LARGE_PRINT_SCALE``.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.printing import fonts
from kiosk.printing.content import Paper

LARGE_PRINT_SCALE = 2.0
Align = Literal["left", "center"]


@dataclass(frozen=True)
class Text:
    text: str
    size: float = 9  # points at the standard scale on the roll
    bold: bool = False
    align: Align = "left"
    space_after: float = 3  # points at the standard scale


@dataclass(frozen=True)
class Qr:
    payload: str
    size_mm: float = 30
    space_after: float = 4


@dataclass(frozen=True)
class Rule:
    space_after: float = 5


Block = Text | Qr | Rule


@dataclass(frozen=True)
class PageSpec:
    width: float  # points
    height: float | None  # None: as long as the content (a roll)
    margin_x: float
    margin_y: float
    text_scale: float  # Letter paper is read at arm's length: larger than the roll


PAGES = {
    Paper.ROLL_80MM: PageSpec(width=80 * mm, height=None, margin_x=4 * mm, margin_y=5 * mm, text_scale=1.0),
    Paper.LETTER: PageSpec(
        width=LETTER[0], height=LETTER[1], margin_x=20 * mm, margin_y=18 * mm, text_scale=1.5
    ),
}


# -- line breaking ------------------------------------------------------------------------------
def _breakable_after(char: str) -> bool:
    """Chinese may break after any character; other scripts at spaces."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _pieces(text: str) -> list[str]:
    """Units that stay on one line: words with their trailing space (or slash), single wide characters.

    Never after a hyphen: pdftotext (and a reader) would take a line ending in one for a hyphenated word.
    """
    pieces: list[str] = []
    current = ""
    for char in text:
        if _breakable_after(char):
            if current:
                pieces.append(current)
            pieces.append(char)
            current = ""
            continue
        current += char
        if char == " " or (char == "/" and len(current) > 2):
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    # Closing punctuation (，。、) stays with the character before it.
    merged: list[str] = []
    for piece in pieces:
        if merged and piece and piece[0] in "，。、；：！？）」』,.;:!?)" and not merged[-1].endswith(" "):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def wrap(text: str, size: float, bold: bool, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in _pieces(paragraph):
            candidate = line + piece
            if line and fonts.text_width(candidate.rstrip(), size, bold) > width:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line = candidate
            # A single word wider than the line (a long URL): cut it by characters.
            while fonts.text_width(line.rstrip(), size, bold) > width and len(line) > 1:
                cut = len(line)
                while cut > 1 and fonts.text_width(line[:cut], size, bold) > width:
                    cut -= 1
                if line[cut - 1] == "-" and cut > 2:
                    cut -= 1  # not at a hyphen (see _pieces)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


# -- measuring and drawing ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Placed:
    """One drawable line or QR code with the vertical room it takes."""

    kind: Literal["text", "qr", "rule"]
    height: float
    text: str = ""
    size: float = 0
    bold: bool = False
    align: Align = "left"
    payload: str = ""


def _place(blocks: list[Block], page: PageSpec, large: bool) -> list[_Placed]:
    scale = page.text_scale * (LARGE_PRINT_SCALE if large else 1.0)
    width = page.width - 2 * page.margin_x
    placed: list[_Placed] = []
    for block in blocks:
        if isinstance(block, Text):
            size = block.size * scale
            lines = wrap(block.text, size, block.bold, width)
            for index, line in enumerate(lines):
                gap = block.space_after * scale if index == len(lines) - 1 else 0
                placed.append(_Placed("text", size * 1.25 + gap, line, size, block.bold, block.align))
        elif isinstance(block, Qr):
            # A QR code is not text: large print makes it a little larger, never wider than the paper.
            side = min(block.size_mm * mm * (1.25 if large else 1.0) * page.text_scale, width)
            placed.append(_Placed("qr", side + block.space_after * scale, size=side, payload=block.payload))
        else:
            placed.append(_Placed("rule", block.space_after * scale))
    return placed


def _draw_line(canvas: Canvas, item: _Placed, x0: float, width: float, baseline: float) -> None:
    parts = fonts.runs(item.text, item.bold)
    total = sum(canvas.stringWidth(text, font, item.size) for font, text in parts)
    x = x0 + (width - total) / 2 if item.align == "center" else x0
    for font, text in parts:
        canvas.setFont(font, item.size)
        canvas.drawString(x, baseline, text)
        x += canvas.stringWidth(text, font, item.size)


def _draw_qr(canvas: Canvas, payload: str, x: float, top: float, side: float) -> None:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()  # with the quiet zone
    module = side / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        y = top - (row_index + 1) * module
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                canvas.rect(x + start * module, y, (col - start) * module, module, stroke=0, fill=1)
            else:
                col += 1


def draw(
    blocks: list[Block], paper: Paper, large: bool, title: str
) -> tuple[bytes, tuple[float, float], int]:
    """The PDF, its page size in millimetres and its number of pages."""
    fonts.register_fonts()
    page = PAGES[paper]
    items = _place(blocks, page, large)
    if page.height is None:
        height = sum(item.height for item in items) + 2 * page.margin_y
        size = (page.width, height)
    else:
        size = (page.width, page.height)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, pageCompression=1, invariant=1, initialFontName=fonts.SANS)
    canvas.setTitle(title)
    canvas.setAuthor("City kiosk")
    width = page.width - 2 * page.margin_x
    top = size[1] - page.margin_y
    pages = 1
    for item in items:
        if (
            page.height is not None
            and top - item.height < page.margin_y - 0.01
            and top < size[1] - page.margin_y
        ):
            canvas.showPage()
            pages += 1
            top = size[1] - page.margin_y
        if item.kind == "text":
            _draw_line(canvas, item, page.margin_x, width, top - item.size)
        elif item.kind == "qr":
            _draw_qr(canvas, item.payload, page.margin_x + (width - item.size) / 2, top, item.size)
        else:
            canvas.setLineWidth(0.8)
            y = top - item.height / 2
            canvas.line(page.margin_x, y, page.margin_x + width, y)
        top -= item.height
    canvas.showPage()
    canvas.save()
    return buffer.getvalue(), (size[0] / mm, size[1] / mm), pages
