"""Ticket receipts from the real kiosk window, wired as kiosk/app.py wires them: printed off the UI
thread, and a printer that fails leaves the visitor their number on screen and the kiosk responsive."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.app import wire_printing
from kiosk.printing.backends import CupsPrinter, PdfFilePrinter
from kiosk.ui.flow import Step
from tests.ui.test_responsiveness import StallMeter


def check_in(qtbot, kiosk, language: str, large_print: bool = False) -> str:
    qtbot.mouseClick(kiosk.welcome.language_buttons[language], Qt.MouseButton.LeftButton)
    if large_print:
        kiosk.large_print_button.click()
    qtbot.mouseClick(kiosk.services.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    kiosk.name_screen.skip_button.click()
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.TICKET, timeout=5000)
    return kiosk.ticket.number.text()


def test_each_ticket_prints_a_receipt_in_the_visitors_language(qtbot, make_kiosk, make_settings, tmp_path):
    kiosk = make_kiosk()
    printer = PdfFilePrinter(tmp_path / "receipts")
    wire_printing(kiosk, make_settings(), printer=printer)
    number = check_in(qtbot, kiosk, "zh_Hant", large_print=True)
    qtbot.waitUntil(lambda: printer.last_path is not None, timeout=10_000)
    assert not kiosk.ticket.printer_note.isVisible()
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(printer.last_path), "-"], capture_output=True, text=True
        ).stdout
        assert number in text.split()
        assert kiosk.ticket.service.text().replace(" ", "") in text.replace(" ", "").replace("\n", "")


def fake(directory: Path, name: str, body: str) -> str:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


FAILURES = {
    # lp accepts nothing: the printer is off or jammed (after a while, as a real spooler does)
    "failing lp": (
        "echo 'printer Receipts is idle.  enabled since today'",
        "sleep 0.5; echo 'lp: Unable to send data to printer.' >&2; exit 1",
    ),
    # the queue named in the settings does not exist
    "missing queue": ("echo 'lpstat: Invalid destination name in list \"Receipts\".' >&2; exit 1", "exit 0"),
}


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts stand in for lp")
@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_printer_shows_the_number_and_never_freezes(
    qtbot, make_kiosk, make_settings, tmp_path, failure, caplog
):
    lpstat_body, lp_body = FAILURES[failure]
    printer = CupsPrinter(
        "Receipts", lp=fake(tmp_path, "lp", lp_body), lpstat=fake(tmp_path, "lpstat", lpstat_body)
    )
    kiosk = make_kiosk()
    wire_printing(kiosk, make_settings(), printer=printer)
    meter = StallMeter()
    qtbot.wait(50)
    meter.reset()
    number = check_in(qtbot, kiosk, "en")
    note = kiosk.ticket.printer_note
    qtbot.waitUntil(note.isVisible, timeout=10_000)
    qtbot.wait(30)
    meter.timer.stop()
    assert note.text() == f"The printer is not working. Please remember your number: {number}."
    assert kiosk.ticket.number.text() == number
    assert meter.worst < 50, f"event loop stalled {meter.worst} ms"
    assert any("Printer cups:Receipts could not print" in r.getMessage() for r in caplog.records)

    # The note is for that visitor only.
    kiosk.ticket.done_button.click()
    assert not note.isVisible()
    kiosk.printing_runner.wait(10_000)


def test_the_note_follows_the_visitors_language(qtbot, make_kiosk, make_settings, tmp_path):
    printer = CupsPrinter("Receipts", lp=str(tmp_path / "no-lp"), lpstat=str(tmp_path / "no-lpstat"))
    kiosk = make_kiosk()
    wire_printing(kiosk, make_settings(), printer=printer)
    number = check_in(qtbot, kiosk, "vi")
    qtbot.waitUntil(kiosk.ticket.printer_note.isVisible, timeout=10_000)
    assert kiosk.ticket.printer_note.text() == f"Máy in đang hỏng. Xin nhớ số của quý vị: {number}."
    kiosk.printing_runner.wait(10_000)


def test_a_room_booked_at_the_kiosk_prints_a_receipt_whose_qr_code_checks_it_in(
    qtbot, make_kiosk, make_settings, tmp_path, sqlite_backend
):
    from tests.integration.printing_tools import need, pdf_text, qr_codes

    need("pdftotext", "pdftoppm", "zbarimg")
    kiosk = make_kiosk()
    printer = PdfFilePrinter(tmp_path / "receipts")
    wire_printing(kiosk, make_settings(), printer=printer)
    qtbot.mouseClick(kiosk.welcome.language_buttons["ru"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.rooms_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(kiosk.rooms.slot_buttons), timeout=5000)
    qtbot.mouseClick(kiosk.rooms.slot_buttons[-1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
    booking = kiosk.room_booked.booking
    qtbot.waitUntil(lambda: printer.last_path is not None, timeout=10_000)
    assert qr_codes(printer.last_path) == [f"KIOSK-ROOM:{booking.code}"]
    text = pdf_text(printer.last_path)
    assert booking.code in text.split() and "Discussion Room 2" in text
    assert not kiosk.room_booked.printer_note.isVisible()


def test_a_booking_receipt_that_cannot_print_leaves_the_code_on_screen_with_a_note(
    qtbot, make_kiosk, make_settings, tmp_path
):
    kiosk = make_kiosk()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lpstat, lp = FAILURES["failing lp"]
    printer = CupsPrinter("Receipts", lp=fake(bin_dir, "lp", lp), lpstat=fake(bin_dir, "lpstat", lpstat))
    wire_printing(kiosk, make_settings(), printer=printer)
    qtbot.mouseClick(kiosk.welcome.language_buttons["vi"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.rooms_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(kiosk.rooms.slot_buttons), timeout=5000)
    qtbot.mouseClick(kiosk.rooms.slot_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.ROOM_BOOKED, timeout=5000)
    code = kiosk.room_booked.booking.code
    qtbot.waitUntil(kiosk.room_booked.printer_note.isVisible, timeout=10_000)
    assert kiosk.room_booked.printer_note.text() == f"Máy in đang hỏng. Xin ghi lại mã của quý vị: {code}."
    assert kiosk.room_booked.code.text() == " ".join(code)


def test_staff_see_which_kiosk_printer_stopped_and_when_it_works_again(
    qtbot, make_kiosk, make_console, make_settings, tmp_path
):
    settings = make_settings(station_name="Lobby kiosk 2")
    kiosk = make_kiosk()
    console = make_console()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lpstat, lp = FAILURES["failing lp"]
    broken = CupsPrinter("Receipts", lp=fake(bin_dir, "lp", lp), lpstat=fake(bin_dir, "lpstat", lpstat))
    wire_printing(kiosk, settings, printer=broken)
    check_in(qtbot, kiosk, "en")
    qtbot.waitUntil(kiosk.ticket.printer_note.isVisible, timeout=10_000)
    console.check_printers()
    qtbot.waitUntil(console.printers.isVisible, timeout=5000)
    assert console.printers.text().startswith("The printer at Lobby kiosk 2 is not working (since ")
    assert "Unable to send data to printer" in console.printers.text()
    kiosk.printing_runner.wait(10_000)

    kiosk2 = make_kiosk()
    wire_printing(kiosk2, settings, printer=PdfFilePrinter(tmp_path / "receipts"))  # refilled
    check_in(qtbot, kiosk2, "en")
    kiosk2.printing_runner.wait(10_000)
    console.check_printers()
    qtbot.waitUntil(lambda: not console.printers.isVisible(), timeout=5000)


def test_an_answer_is_printed_in_the_visitors_language(qtbot, make_kiosk, make_settings, tmp_path):
    from tests.integration.printing_tools import need, pdf_text, qr_codes

    need("pdftotext", "pdftoppm", "zbarimg")
    kiosk = make_kiosk()
    printer = PdfFilePrinter(tmp_path / "receipts")
    wire_printing(kiosk, make_settings(), printer=printer)
    qtbot.mouseClick(kiosk.welcome.language_buttons["es"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.services.lookup_button, Qt.MouseButton.LeftButton)
    kiosk.lookup.field.setText("water bill")
    qtbot.waitUntil(lambda: bool(kiosk.lookup.result_buttons), timeout=5000)
    qtbot.mouseClick(kiosk.lookup.result_buttons[0], Qt.MouseButton.LeftButton)
    answer = kiosk.answer
    assert answer.print_button.isVisible()
    qtbot.mouseClick(answer.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: printer.last_path is not None, timeout=10_000)
    text = " ".join(pdf_text(printer.last_path).split())
    assert " ".join(answer.title.text().split()) in text
    assert "503-823-7770" in text  # the Water Bureau's phone
    assert qr_codes(printer.last_path) == [answer.entry.url or "https://www.portland.gov/water"]
