"""Printing benchmark: one 80 mm ticket receipt with its QR code, rendered to PDF.

Beside it, in the same run: a raw reportlab canvas drawing the same lines of text with the same fonts
at the same positions and the same QR code as one image-free set of rectangles (no wrapping, no
measuring, no i18n). Also the first receipt of a process (font registration included).

    python tests/benchmarks/printing.py [--runs 50] [--lang vi]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def first_receipt_ms(language: str) -> float:
    """A fresh interpreter: imports excluded, font registration and the first render included."""
    code = (
        "import time, datetime as d;"
        "from kiosk.printing import render, TicketReceipt;"
        "t=time.perf_counter();"
        "render(TicketReceipt('A012','Permits',3,d.timedelta(minutes=9),d.datetime.now(d.UTC),'B','kiosk-ticket:x'),"
        f"{language!r});"
        "print((time.perf_counter()-t)*1000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--lang", default="vi")
    args = parser.parse_args()

    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from kiosk.i18n import use_language
    from kiosk.printing import Paper, TicketReceipt, fonts, render
    from kiosk.printing.layout import PAGES, _draw_qr, _place
    from kiosk.printing.receipts import blocks_for

    content = TicketReceipt(
        number="A012",
        service_name={"vi": "Giấy phép và phát triển", "zh_Hant": "許可證與開發", "ru": "Разрешения"}.get(
            args.lang, "Permits and development"
        ),
        position=3,
        estimated_wait=timedelta(minutes=17),
        issued_at=datetime(2026, 11, 25, 17, 3, tzinfo=UTC),
        building="The Portland Building",
        qr_payload="kiosk-ticket:2026-11-25/A012",
    )
    first = first_receipt_ms(args.lang)
    fonts.register_fonts()
    render(content, args.lang)  # warm

    # The baseline draws exactly the lines the receipt has, precomputed: the cost of reportlab itself.
    page = PAGES[Paper.ROLL_80MM]
    with use_language(args.lang):
        _title, blocks = blocks_for(content)
    items = _place(blocks, page, False)
    lines = []
    top = sum(i.height for i in items) + 2 * page.margin_y
    height = top
    top -= page.margin_y
    for item in items:
        if item.kind == "text":
            lines.append(("text", item, top - item.size, fonts.runs(item.text, item.bold)))
        elif item.kind == "qr":
            lines.append(("qr", item, top, None))
        top -= item.height

    def raw() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(80 * mm, height), invariant=1, initialFontName=fonts.SANS)
        for kind, item, y, runs in lines:
            if kind == "text":
                x = page.margin_x
                for font, text in runs:
                    canvas.setFont(font, item.size)
                    canvas.drawString(x, y, text)
                    x += canvas.stringWidth(text, font, item.size)
            else:
                _draw_qr(canvas, item.payload, page.margin_x, y, item.size)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    ours, baseline = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        render(content, args.lang)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        raw()
        baseline.append((time.perf_counter() - started) * 1000)
    median_ours, median_raw = statistics.median(ours), statistics.median(baseline)
    print(f"80 mm ticket receipt with QR ({args.lang}), median of {args.runs}:")
    print(f"  kiosk.printing.render      {median_ours:7.1f} ms")
    print(f"  raw reportlab canvas       {median_raw:7.1f} ms   (same text, fonts, positions, QR)")
    print(f"  ratio                      {median_ours / median_raw:7.2f}x")
    print(f"  first receipt of a process {first:7.1f} ms   (font registration included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
