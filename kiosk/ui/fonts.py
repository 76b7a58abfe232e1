"""Fonts that show all five languages on any machine.

Latin with Vietnamese tones and Cyrillic come from the system sans (DejaVu Sans on Debian, Segoe UI
on Windows); Traditional Chinese comes from the subset of Noto Sans CJK TC the program ships,
because a fresh Debian has no CJK font and Qt would draw boxes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

# Beside the package's other resources (kiosk/resources/fonts), found without importlib.resources:
# start-up time counts.
FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
BUNDLED = ("NotoSansCJKtc-Regular-subset.otf", "NotoSansCJKtc-Bold-subset.otf")
FAMILIES = ["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Noto Sans CJK TC"]

_loaded: list[str] = []


def install_fonts(app: QApplication) -> list[str]:
    """Register the bundled fonts and make the family list the application default."""
    if not _loaded:
        for name in BUNDLED:
            font_id = QFontDatabase.addApplicationFont(str(FONT_DIR / name))
            if font_id < 0:
                log.error("Could not load the bundled font %s: Chinese may show as boxes", name)
                continue
            _loaded.extend(QFontDatabase.applicationFontFamilies(font_id))
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    return list(_loaded)
