"""Badges and the roll call as PDFs: every script printed, the QR code readable, long lists on more pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.i18n import use_language
from kiosk.printing.badges import (
    LABEL_MM,
    DeskPrinting,
    RollCall,
    RollCallRow,
    VisitorBadge,
    badge_lines,
    render_badge,
    render_roll_call,
)
from kiosk.printing.content import Paper
from kiosk.services.ports import PrinterError
from tests.integration.printing_tools import need, pdf_fonts, pdf_text, qr_codes, squeeze

ZONE = ZoneInfo("America/Los_Angeles")
NINE = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
NAMES = {"zh_Hant": "陳美玲", "ru": "Ольга Воробьёва", "vi": "Nguyễn Thị Phương Thảo", "es": "José Ñúñez"}


def badge(language: str, **changes) -> VisitorBadge:
    values = dict(
        badge="V012",
        name=NAMES.get(language, "Maria Lopez"),
        host="建築發展局" if language == "zh_Hant" else "Bureau of Development Services",
        signed_in_at=NINE,
        expires_at=NINE + timedelta(hours=4),
        building="The Portland Building",
        qr_payload="KIOSK-BADGE:ABCDEFGHJKLMNPQRSTUV",
        organisation="Acme Construction & Engineering LLC",
        timezone=ZONE,
    )
    values.update(changes)
    return VisitorBadge(**values)


@pytest.mark.parametrize("paper", [Paper.LETTER, Paper.ROLL_80MM], ids=["label", "roll"])
@pytest.mark.parametrize("language", ["zh_Hant", "ru", "vi"])
def test_a_badge_prints_every_script_with_a_readable_qr_code(tmp_path, language, paper):
    need("pdftotext", "pdffonts", "pdftoppm", "zbarimg")
    made = badge(language)
    document = render_badge(made, language, paper)
    path = tmp_path / "badge.pdf"
    path.write_bytes(document.pdf)
    if paper == Paper.LETTER:
        assert document.page_size_mm == LABEL_MM
    text = squeeze(pdf_text(path))
    with use_language(language):
        for line in badge_lines(made):
            assert squeeze(line) in text, line
    assert all(font["emb"] == "yes" for font in pdf_fonts(path))
    assert qr_codes(path) == [made.qr_payload]


def test_a_very_long_name_shrinks_to_fit_the_label(tmp_path):
    need("pdftotext")
    long = "Maximiliana Alexandrina Fernández de la Concepción-Villanueva y Santisteban"
    path = tmp_path / "badge.pdf"
    path.write_bytes(render_badge(badge("en", name=long), "en").pdf)
    text = squeeze(pdf_text(path))
    assert "Maximiliana" in text and "Validuntil" in text and "Wearthisbadge" in text


def test_the_roll_call_lists_everyone_over_pages_with_expired_badges_marked(tmp_path):
    need("pdftotext")
    rows = tuple(
        RollCallRow(f"V{n:03d}", f"Visitor {n}", "Acme", "Revenue", NINE, expired=n == 7)
        for n in range(1, 61)
    )
    document = render_roll_call(RollCall("The Portland Building", NINE, NINE, rows, ZONE), "en")
    path = tmp_path / "roll.pdf"
    path.write_bytes(document.pdf)
    text = pdf_text(path)
    assert document.pages >= 2 and f"Page {document.pages} of {document.pages}" in text
    assert "60 visitors signed in" in text
    assert all(f"Visitor {n}\n" in text or f"Visitor {n} " in text for n in range(1, 61))
    assert text.count("EXPIRED") == 1


def test_a_stale_roll_call_says_from_when(tmp_path):
    need("pdftotext")
    roll = RollCall("The Portland Building", NINE, NINE - timedelta(minutes=20), (), ZONE)
    path = tmp_path / "roll.pdf"
    path.write_bytes(render_roll_call(roll, "ru").pdf)
    text = squeeze(pdf_text(path))
    assert squeeze("Нет связи с базой данных: это список на 08:40.") in text
    assert squeeze("Никто не зарегистрирован.") in text


class Broken:
    name = "cups:front"

    def print_pdf(self, pdf, *, page_size_mm, title):
        raise PrinterError("out of paper")


def test_when_the_printer_fails_the_desk_gets_a_pdf_and_the_reason(tmp_path):
    printing = DeskPrinting(Broken(), tmp_path / "printed", "The Portland Building", ZONE)
    outcome = printing.roll_call([], NINE, NINE, "en")
    assert not outcome.printed and outcome.reason == "out of paper"
    assert outcome.path.parent == tmp_path / "printed" and outcome.path.read_bytes().startswith(b"%PDF")
