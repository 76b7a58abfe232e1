"""Build the Traditional Chinese font the kiosk ships, so it shows Chinese on any machine.

A full Noto Sans CJK weighs 19 MB; the kiosk needs the common Traditional characters (Big5
level 1, 5,401 hanzi), CJK punctuation, zhuyin, and every character its own catalogues and data use
(the Chinese input's candidates among them: resources/chinese_input.json).
Run after adding Chinese text that may use rare characters:

    python tools/subset_cjk_font.py /usr/share/fonts/opentype/noto   # Debian: fonts-noto-cjk
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kiosk" / "resources" / "fonts"
TC_INDEX = 3  # "Noto Sans CJK TC" in Noto's Sans CJK collections


def big5_level1() -> set[str]:
    chars = set()
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([lead, trail]).decode("big5"))
    return chars


def project_text() -> set[str]:
    chars: set[str] = set()
    for pattern in ("kiosk/translations/**/*.po", "kiosk/resources/**/*.json"):
        for path in ROOT.glob(pattern):
            chars.update(path.read_text(encoding="utf-8"))
    return chars


def main(source_dir: str) -> None:
    chars = big5_level1() | project_text()
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF00, 0xFFF0)}
    chars |= {chr(c) for c in range(0x20, 0x7F)}
    # Zhuyin (bopomofo) and its tone marks, for the on-screen keyboard's zhuyin keys.
    chars |= {chr(c) for c in range(0x3100, 0x3130)} | set("ˉˊˇˋ˙")
    OUT.mkdir(parents=True, exist_ok=True)
    for weight in ("Regular", "Bold"):
        font = TTCollection(str(Path(source_dir) / f"NotoSansCJK-{weight}.ttc")).fonts[TC_INDEX]
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(chars)))
        subsetter.subset(font)
        target = OUT / f"NotoSansCJKtc-{weight}-subset.otf"
        font.save(str(target))
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1e6:.1f} MB, {len(chars)} characters")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
