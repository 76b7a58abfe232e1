"""The TrueType fonts receipts embed, registered with reportlab once per process.

reportlab's standard Helvetica silently drops Vietnamese letters, Cyrillic and Chinese, so receipts use
only fonts shipped in kiosk/resources/fonts (built by tools/subset_print_fonts.py): DejaVu Sans for Latin
with the Vietnamese tones and Cyrillic, AR PL UMing TW for Traditional Chinese. reportlab draws one font
per string, so text is cut into runs, each in the first font that has its characters.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.resources import resource_path

SANS = "KioskSans"
SANS_BOLD = "KioskSans-Bold"
MING = "KioskMing"  # Chinese; it has no bold weight, so bold Chinese is drawn in the regular one

FILES = {
    SANS: "DejaVuSans-print.ttf",
    SANS_BOLD: "DejaVuSans-Bold-print.ttf",
    MING: "UMingTW-print.ttf",
}
_lock = threading.Lock()
_registered = False


@dataclass(frozen=True)
class Coverage:
    sans: frozenset[int]
    ming: frozenset[int]


def register_fonts() -> Coverage:
    """Register the fonts with reportlab (once: parsing the Chinese font takes most of a second)."""
    global _registered
    with _lock:
        if not _registered:
            for name, filename in FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
            _registered = True
    return _coverage()


@cache
def _coverage() -> Coverage:
    return Coverage(
        sans=frozenset(pdfmetrics.getFont(SANS).face.charToGlyph),
        ming=frozenset(pdfmetrics.getFont(MING).face.charToGlyph),
    )


def runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """``text`` as (font name, text) runs. Spaces stay in the run they are in."""
    coverage = register_fonts()
    latin = SANS_BOLD if bold else SANS
    result: list[tuple[str, str]] = []
    current, chunk = "", []
    for char in text:
        code = ord(char)
        if char.isspace() and current:
            font = current
        elif code in coverage.sans or code not in coverage.ming:
            font = latin
        else:
            font = MING
        if font != current and chunk:
            result.append((current, "".join(chunk)))
            chunk = []
        current = font
        chunk.append(char)
    if chunk:
        result.append((current, "".join(chunk)))
    return result


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text, bold))


def missing_characters(text: str) -> set[str]:
    """Characters that no receipt font can draw (tests: none in any catalogue)."""
    coverage = register_fonts()
    known = coverage.sans | coverage.ming
    return {c for c in text if not c.isspace() and ord(c) not in known}
