"""Receipts in every language, paper and print size: the text comes back, the fonts are embedded,
the QR code reads; the backends that need no system service (PDF files, ESC/POS, Qt's PDF output)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGE_CODES
from kiosk.printing import BookingReceipt, InfoSheet, Paper, RequestReceipt, TicketReceipt, render
from kiosk.printing.receipts import emergency_line, printed_text
from kiosk.services.ports import PrinterError
from tests.integration.printing_tools import need, page_size_pt, pdf_fonts, pdf_text, qr_codes, squeeze

ISSUED = datetime(2026, 11, 25, 17, 3, tzinfo=UTC)
SERVICE_NAMES = {
    "en": "Permits and development",
    "es": "Permisos y desarrollo",
    "vi": "Giấy phép và phát triển",
    "zh_Hant": "許可證與開發",
    "ru": "Разрешения и застройка",
}


def ticket(language: str) -> TicketReceipt:
    return TicketReceipt(
        number="B012",
        service_name=SERVICE_NAMES[language],
        position=4,
        estimated_wait=timedelta(minutes=23),
        issued_at=ISSUED,
        building="The Portland Building",
        qr_payload="kiosk-ticket:2026-11-25/B012",
    )


def check_document(tmp_path: Path, content, language: str, paper: Paper, large: bool, qr: str | None) -> str:
    document = render(content, language, paper, large)
    path = tmp_path / f"{type(content).__name__}-{language}-{paper}-{int(large)}.pdf"
    path.write_bytes(document.pdf)
    text = pdf_text(path)
    for line in printed_text(content, language):
        assert squeeze(line) in squeeze(text), f"{line!r} missing from the printed text:\n{text}"
    assert "\ufffd" not in text
    fonts = pdf_fonts(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert not any("Helvetica" in f["name"] for f in fonts)
    if qr is not None:
        assert qr_codes(path, dpi=150 if paper is Paper.ROLL_80MM else 100) == [qr]
    width, height = page_size_pt(path)
    if paper is Paper.ROLL_80MM:
        assert round(width / 72 * 25.4) == 80
        assert document.pages == 1 and height > width
    else:
        assert (round(width), round(height)) == (612, 792)
    return text


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large"])
@pytest.mark.parametrize("paper", list(Paper), ids=[p.value for p in Paper])
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_ticket_receipts_print_every_language(tmp_path, language, paper, large):
    need("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "zbarimg")
    text = check_document(tmp_path, ticket(language), language, paper, large, "kiosk-ticket:2026-11-25/B012")
    lines = [line.strip() for line in text.splitlines()]
    assert "B012" in lines  # the number on a line of its own, exactly
    if not large:  # large print may wrap them over two lines
        assert SERVICE_NAMES[language] in lines
        assert "The Portland Building" in lines
    assert squeeze(printed_text(ticket(language), language)[-1]) in squeeze(text)  # the 911 line


def other_receipts(language: str):
    name = SERVICE_NAMES[language]
    return [
        (
            BookingReceipt(
                room="Room 2 · Sala 2 · Phòng 2 · 二號室 · Комната 2",
                start=ISSUED + timedelta(hours=1),
                end=ISSUED + timedelta(hours=2),
                code="R7K2Q",
                building="The Portland Building",
                location="1st floor",
                qr_payload="kiosk-booking:R7K2Q",
            ),
            "kiosk-booking:R7K2Q",
        ),
        (
            RequestReceipt(
                reference="311-2026-004217",
                service_name=name,
                summary="Graffiti on the east wall · Grafiti · Vẽ bậy trên tường · 東牆塗鴉 · Граффити на стене",
                submitted_at=ISSUED,
                building="The Portland Building",
                status_url="https://311.example.gov/requests/311-2026-004217",
            ),
            "https://311.example.gov/requests/311-2026-004217",
        ),
        (
            InfoSheet(
                title=name,
                paragraphs=(
                    "Apply online or in person. Tiếng Việt: nộp đơn trực tuyến. 中文：可在網上或親自申請。"
                    " Русский: подайте заявление онлайн.",
                )
                * 3,
                building="The Portland Building",
                printed_at=ISSUED,
                bureau="Bureau of Development Services",
                location="1900 SW 4th Ave",
                hours="8:00–16:00",
                phone="503-823-7300",
                url="https://www.portland.gov/bds",
            ),
            "https://www.portland.gov/bds",
        ),
    ]


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_booking_request_and_info_receipts(tmp_path, language):
    need("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "zbarimg")
    for index, (content, qr) in enumerate(other_receipts(language)):
        paper = Paper.ROLL_80MM if index % 2 == 0 else Paper.LETTER
        text = check_document(tmp_path, content, language, paper, index == 1, qr)
        has_911 = not isinstance(content, BookingReceipt)
        from kiosk.i18n import use_language

        with use_language(language):
            line = emergency_line()
        assert (squeeze(line) in squeeze(text)) == has_911


def test_large_print_doubles_every_text_size():
    from kiosk.printing.layout import PAGES, _place
    from kiosk.printing.receipts import blocks_for

    _title, blocks = blocks_for(ticket("vi"))
    for paper in Paper:
        standard = [item.size for item in _place(blocks, PAGES[paper], False) if item.kind == "text"]
        large = [item.size for item in _place(blocks, PAGES[paper], True) if item.kind == "text"]
        assert sorted(set(large)) == [2 * size for size in sorted(set(standard))]


def test_the_fonts_draw_every_character_of_the_catalogues_and_data():
    from kiosk.printing.fonts import missing_characters
    from kiosk.resources import resource_path

    root = Path(__file__).resolve().parents[2] / "kiosk"
    texts = [p.read_text(encoding="utf-8") for p in (root / "translations").glob("*/LC_MESSAGES/kiosk.po")]
    texts += [p.read_text(encoding="utf-8") for p in resource_path().glob("*.json")]
    assert missing_characters("".join(texts)) == set()


def test_a_long_word_is_cut_not_lost():
    from kiosk.printing.layout import wrap

    url = "https://www.portland.gov/" + "x" * 120
    lines = wrap(url, 9, False, 200)
    assert "".join(lines) == url and len(lines) > 1


def test_pdf_file_printer_and_the_print_test_command(tmp_path):
    need("pdftotext")
    from kiosk.cli import main
    from kiosk.printing.backends import PdfFilePrinter, printer_from_spec

    printer = printer_from_spec(f"pdf:{tmp_path / 'out'}")
    assert isinstance(printer, PdfFilePrinter)
    document = render(ticket("ru"), "ru")
    printer.print_pdf(document.pdf, page_size_mm=document.page_size_mm, title=document.title)
    assert printer.last_path.parent == tmp_path / "out" and printer.last_path.read_bytes() == document.pdf

    target = tmp_path / "test.pdf"
    assert main(["print-test", "--pdf", str(target), "--lang", "vi"]) == 0
    text = pdf_text(target)
    for sample in ("English", "Español", "Tiếng Việt", "繁體中文", "Русский"):
        assert sample in text

    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(PrinterError, match="cannot save"):
        PdfFilePrinter(blocked / "x.pdf").print_pdf(b"%PDF", page_size_mm=(80, 100), title="t")


def test_printer_settings_are_parsed():
    from kiosk.printing.backends import CupsPrinter, EscPosPrinter, cups_media, printer_from_spec

    assert printer_from_spec("none") is None
    assert isinstance(printer_from_spec("cups:Receipts"), CupsPrinter)
    assert isinstance(printer_from_spec("escpos:usb:04b8:0202"), EscPosPrinter)
    assert printer_from_spec("escpos:network:10.0.0.9:9100").name == "escpos:network:10.0.0.9:9100"
    for bad in ("laser:1", "escpos:usb:04b8", "escpos:bluetooth:x", "cups:"):
        with pytest.raises(ValueError):
            printer_from_spec(bad)
    assert cups_media((215.9, 279.4)) == "Letter"
    assert cups_media((80, 106.8)) == "Custom.80x107mm"


def test_escpos_printer_sends_a_raster_image_and_cuts():
    from escpos.printer import Dummy

    from kiosk.printing.backends import EscPosPrinter

    printer = EscPosPrinter(Dummy, name="escpos:dummy")
    document = render(ticket("zh_Hant"), "zh_Hant")
    printer.print_pdf(document.pdf, page_size_mm=document.page_size_mm, title=document.title)
    output = printer.last_device.output
    assert b"\x1dv0" in output  # GS v 0: print raster bit image
    width_bytes = int.from_bytes(output[output.index(b"\x1dv0") + 4 : output.index(b"\x1dv0") + 6], "little")
    assert width_bytes == 576 // 8  # 72 mm at 8 dots/mm
    assert output.rstrip(b"\x00").endswith((b"\x1dVA\x00", b"\x1dV\x00", b"\x1dVB\x00")) or b"\x1dV" in output
    image = printer.image_for(document.pdf)
    black = image.histogram()[0] / (image.width * image.height)
    assert image.mode == "1" and 0.03 < black < 0.5


def test_escpos_printer_that_cannot_be_reached_is_a_printer_error():
    from kiosk.printing.backends import EscPosPrinter

    def unreachable():
        raise OSError("No route to host")

    document = render(ticket("en"), "en")
    with pytest.raises(PrinterError, match="not found"):
        EscPosPrinter(unreachable).print_pdf(document.pdf, page_size_mm=document.page_size_mm, title="t")

    class OutOfPaper:
        def is_online(self):
            return True

        def paper_status(self):
            return 0

        def close(self):
            pass

    with pytest.raises(PrinterError, match="out of paper"):
        EscPosPrinter(OutOfPaper).print_pdf(document.pdf, page_size_mm=document.page_size_mm, title="t")


def fake_program(directory: Path, name: str, body: str) -> str:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts stand in for lp")
def test_cups_printer_reports_a_failing_lp_a_missing_lp_and_a_hanging_lp(tmp_path):
    from kiosk.printing.backends import CupsPrinter

    document = render(ticket("en"), "en")
    ok_status = fake_program(tmp_path, "lpstat", "echo 'printer Receipts is idle.  enabled since today'")
    failing_lp = fake_program(tmp_path, "lp", "echo 'lp: Unable to send data to printer.' >&2; exit 1")
    printer = CupsPrinter("Receipts", lp=failing_lp, lpstat=ok_status)
    with pytest.raises(PrinterError, match="Unable to send data"):
        printer.print_pdf(document.pdf, page_size_mm=document.page_size_mm, title=document.title)

    stopped = fake_program(tmp_path, "lpstat2", "echo 'printer Receipts disabled since today -\n\tPaper out'")
    with pytest.raises(PrinterError, match="stopped"):
        CupsPrinter("Receipts", lp=failing_lp, lpstat=stopped).print_pdf(
            b"%PDF", page_size_mm=(80, 99), title="t"
        )

    with pytest.raises(PrinterError, match="not installed"):
        CupsPrinter("Receipts", lp=str(tmp_path / "no-lp"), lpstat=str(tmp_path / "no-lpstat")).print_pdf(
            b"%PDF", page_size_mm=(80, 99), title="t"
        )

    hanging = fake_program(tmp_path, "lp-hangs", "sleep 30")
    with pytest.raises(PrinterError, match="did not answer"):
        CupsPrinter("Receipts", lp=hanging, lpstat=ok_status, timeout=0.5).print_pdf(
            b"%PDF", page_size_mm=(80, 99), title="t"
        )

    recorded = tmp_path / "args"
    recording_lp = fake_program(
        tmp_path,
        "lp-ok",
        f'echo "$@" > {recorded}; cat > {tmp_path}/job.pdf; echo "request id is Receipts-7 (1 file(s))"',
    )
    job = CupsPrinter("Receipts", lp=recording_lp, lpstat=ok_status).print_pdf(
        document.pdf, page_size_mm=document.page_size_mm, title=document.title
    )
    assert job == "request id is Receipts-7 (1 file(s))"
    assert recorded.read_text().split() == [
        "-d",
        "Receipts",
        "-t",
        "Ticket",
        "B012",
        "-o",
        "media=Custom.80x" + f"{document.page_size_mm[1]:.0f}mm",
        "-",
    ]
    assert (tmp_path / "job.pdf").read_bytes() == document.pdf


def test_qt_printer_prints_the_receipt_at_its_page_size(qapp, tmp_path):
    need("pdfinfo", "pdftoppm", "zbarimg")
    from kiosk.printing.qt import QtPrinter

    document = render(ticket("vi"), "vi")
    out = tmp_path / "qt.pdf"
    QtPrinter(output_file=str(out), dpi=200).print_pdf(
        document.pdf, page_size_mm=document.page_size_mm, title=document.title
    )
    width, height = page_size_pt(out)
    assert abs(width - 80 / 25.4 * 72) < 1.5 and abs(height - document.page_size_mm[1] / 25.4 * 72) < 1.5
    assert qr_codes(out, dpi=200) == ["kiosk-ticket:2026-11-25/B012"]


def test_fonts_register_once_and_render_fast():
    import time

    from kiosk.printing import fonts

    fonts.register_fonts()
    started = time.perf_counter()
    for _ in range(5):
        fonts.register_fonts()
        render(ticket("zh_Hant"), "zh_Hant")
    assert (time.perf_counter() - started) / 5 < 0.5


def test_the_printing_package_does_not_pull_in_qt_or_the_database():
    code = (
        "import sys, kiosk.printing, kiosk.printing.backends, kiosk.printing.jobs;"
        "bad=[m for m in sys.modules if m.startswith(('PySide6','sqlalchemy','kiosk.ui','kiosk.storage'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
