"""Build the TrueType fonts the receipts embed, so every language prints on any machine.

reportlab embeds TrueType outlines only (the Noto Sans CJK fonts the screens use are CFF and are refused),
so receipts carry their own fonts:

- DejaVu Sans regular and bold (Debian ``fonts-dejavu-core``) cut to Latin with the Vietnamese tones,
  Cyrillic, punctuation and symbols;
- AR PL UMing TW (Debian ``fonts-arphic-uming``, ``uming.ttc`` font 2: the Taiwan variant) cut to Big5
  level 1 (5,401 hanzi), CJK punctuation and every character our catalogues and data use.

Run after adding text that may use rare characters (the translations, resources/*.json):

    python tools/subset_print_fonts.py   # needs fonts-dejavu-core and fonts-arphic-uming
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

# The same characters as the screen's font: the common Traditional Chinese and all our own text.
from subset_cjk_font import big5_level1, project_text

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kiosk" / "resources" / "fonts"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
UMING_TW_INDEX = 2  # "AR PL UMing TW" in uming.ttc

LATIN_CYRILLIC_RANGES = (
    (0x20, 0x7F),  # ASCII
    (0xA0, 0x250),  # Latin-1, Latin Extended-A and -B
    (0x2B0, 0x370),  # spacing modifiers and combining marks (Vietnamese tones typed as combining)
    (0x400, 0x530),  # Cyrillic and its supplement
    (0x1E00, 0x1F00),  # Latin Extended Additional: the precomposed Vietnamese letters
    (0x2000, 0x2070),  # general punctuation
    (0x20A0, 0x20C0),  # currency
    (0x2100, 0x2200),  # letterlike symbols, number forms, arrows
    (0x2212, 0x2213),  # minus
    (0x2500, 0x25A0),  # box drawing (rules)
    (0x25A0, 0x2600),  # geometric shapes
    (0x2600, 0x2700),  # miscellaneous symbols (the phone)
    (0xFFFD, 0xFFFE),  # replacement character
)


def _subset(font: TTFont, text: str, target: Path) -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # printed at 200 dpi and more: hints only add weight
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(str(target))
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1e6:.2f} MB")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    latin = {chr(c) for start, stop in LATIN_CYRILLIC_RANGES for c in range(start, stop)}
    for source, target in (
        ("DejaVuSans.ttf", "DejaVuSans-print.ttf"),
        ("DejaVuSans-Bold.ttf", "DejaVuSans-Bold-print.ttf"),
    ):
        _subset(TTFont(str(DEJAVU / source)), "".join(sorted(latin)), OUT / target)
    chinese = big5_level1() | project_text()
    chinese |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF00, 0xFFF0)}
    chinese |= {chr(c) for c in range(0x20, 0x7F)}
    font = TTCollection(str(UMING)).fonts[UMING_TW_INDEX]
    _subset(font, "".join(sorted(chinese)), OUT / "UMingTW-print.ttf")


if __name__ == "__main__":
    sys.exit(main())
