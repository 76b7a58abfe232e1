"""The security desk with its real widgets: sign-in, the badge as a PDF, a scan signs out, the roll call."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent

from kiosk.domain.visitors import VisitSource
from kiosk.printing.badges import DeskPrinting
from kiosk.services import visitors
from kiosk.ui.flow import Step
from kiosk.ui.stations.security_desk import SecurityDesk
from tests.integration.printing_tools import need, pdf_text, qr_codes, squeeze


def scan(window, text: str) -> None:
    """A USB scanner: key events to the window a few ms apart, then Enter."""
    keys = [(Qt.Key(ord(ch.upper())) if ch.isalnum() else Qt.Key.Key_unknown, ch) for ch in text]
    for key, char in [*keys, (Qt.Key.Key_Return, "\r")]:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(window, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


@pytest.fixture
def make_desk(qtbot, sqlite_backend, tmp_path):
    def make(language: str = "en", printer=None) -> SecurityDesk:
        printing = DeskPrinting(
            printer=printer,
            fallback_dir=tmp_path / "printed",
            building="The Portland Building",
            zone=sqlite_backend.ctx.timezone,
        )
        desk = SecurityDesk(language=language, poll_interval_ms=50, printing=printing, station="desk-1")
        qtbot.addWidget(desk)
        desk.resize(1500, 900)
        desk.show()
        desk.attach(replace(sqlite_backend.ctx, actor="guard1"))
        qtbot.waitUntil(lambda: desk.snapshot is not None, timeout=5000)
        return desk

    return make


def roll_call(qtbot, desk) -> str:
    """Print the evacuation list (to a PDF: no printer here) and read it back."""
    desk.last_outcome = None
    desk.roll_call_button.click()
    qtbot.waitUntil(lambda: desk.last_outcome is not None, timeout=10_000)
    assert not desk.last_outcome.printed and desk.last_outcome.path.exists()
    return pdf_text(desk.last_outcome.path)


def test_sign_in_badge_pdf_scan_out_and_the_roll_call_at_each_step(qtbot, make_desk, tmp_path):
    need("pdftotext", "pdftoppm", "zbarimg")
    desk = make_desk()
    assert "Nobody is signed in." in roll_call(qtbot, desk)

    qtbot.keyClicks(desk.name_field, "Ana Lima")
    qtbot.keyClicks(desk.organisation_field, "Acme Engineering")
    desk.host_box.setEditText("Portland Water Bureau")
    desk.id_checked.setChecked(True)
    desk.last_outcome = None
    qtbot.mouseClick(desk.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.last_outcome is not None, timeout=10_000)

    # No printer: the badge is a PDF in the data directory, and the desk says where.
    badge = desk.last_outcome.path
    assert badge.parent == tmp_path / "printed" and str(badge) in desk.message.text()
    text = squeeze(pdf_text(badge))
    for line in (
        "VISITOR",
        "AnaLima",
        "Visiting:PortlandWaterBureau",
        "BadgeV001",
        "Validuntiltheendoftheday",
    ):
        assert line in text
    [payload] = qr_codes(badge)
    assert payload.startswith("KIOSK-BADGE:") and "Ana" not in payload
    assert desk.name_field.text() == "" and not desk.id_checked.isChecked()
    qtbot.waitUntil(lambda: desk.table.rowCount() == 1, timeout=5000)
    roll = roll_call(qtbot, desk)
    assert "1 visitor signed in" in roll and "Ana Lima" in roll and "V001" in roll

    # The decoded QR code, typed by the scanner into the window wherever the focus is.
    desk.search_field.setFocus()
    scan(desk.windowHandle(), payload)
    qtbot.waitUntil(lambda: desk.table.rowCount() == 0, timeout=5000)
    assert desk.search_field.text() == ""  # the scan did not type into the field that had focus
    assert desk.message.text() == "Signed out: Ana Lima, badge V001."
    roll = roll_call(qtbot, desk)
    assert "Ana Lima" not in roll and "Nobody is signed in." in roll


def test_the_form_says_what_to_fix_and_keeps_what_was_typed(qtbot, make_desk, sqlite_backend):
    desk = make_desk()
    qtbot.keyClicks(desk.organisation_field, "Acme")
    desk.sign_in_button.click()
    qtbot.waitUntil(desk.form_error.isVisible, timeout=5000)
    assert desk.form_error.text() == "Please enter the visitor's name."
    assert desk.organisation_field.text() == "Acme"
    desk.name_field.setText("Bo")
    desk.host_box.setEditText("Portland Housing Bureau")
    desk.badge_field.setText("v 7")
    desk.sign_in_button.click()
    qtbot.waitUntil(lambda: "badge number" in desk.form_error.text(), timeout=5000)
    assert visitors.in_building(sqlite_backend.ctx).present == []


def test_a_kiosk_sign_in_appears_at_the_desk_and_expired_badges_are_flagged(
    qtbot, make_desk, sqlite_backend, clock
):
    desk = make_desk(language="ru")
    visitors.sign_in(sqlite_backend.ctx, name="Short Stay", host="Revenue", badge_hours=1)
    visitors.sign_in(sqlite_backend.ctx, name="Walk In", host="Housing", source=VisitSource.KIOSK)
    qtbot.waitUntil(lambda: desk.table.rowCount() == 2, timeout=5000)
    assert "Walk In" in desk.message.text() and "V002" in desk.message.text()
    clock.advance(hours=2)
    desk.refresh()
    qtbot.waitUntil(lambda: "ПРОСРОЧЕН" in desk.table.item(0, 5).text(), timeout=5000)
    assert desk.table.item(0, 5).background().color().name() == "#f8d7da"
    assert "ПРОСРОЧЕН" not in desk.table.item(1, 5).text()
    assert "1 пропуск просрочен" in desk.list_title.text()


def test_search_sign_out_selected_and_everyone_at_closing(qtbot, make_desk, sqlite_backend, monkeypatch):
    desk = make_desk()
    for name in ("Nguyễn Văn Minh", "Ana Lima", "Bo Chen"):
        visitors.sign_in(sqlite_backend.ctx, name=name, host="Revenue")
    qtbot.waitUntil(lambda: desk.table.rowCount() == 3, timeout=5000)
    desk.search_field.setText("nguyen")
    assert desk.table.rowCount() == 1
    desk.table.selectRow(0)
    desk.sign_out_button.click()
    qtbot.waitUntil(lambda: desk.snapshot and len(desk.snapshot.present) == 2, timeout=5000)
    desk.search_field.clear()
    asked = []
    monkeypatch.setattr(desk, "confirm", lambda question: asked.append(question) or False)
    desk.sign_out_all_button.click()
    assert asked == ["Sign out all 2 visitors still signed in?"]
    assert len(visitors.in_building(sqlite_backend.ctx).present) == 2  # "No" changes nothing
    monkeypatch.setattr(desk, "confirm", lambda question: True)
    desk.sign_out_all_button.click()
    qtbot.waitUntil(lambda: desk.table.rowCount() == 0, timeout=5000)
    assert desk.message.text() == "2 visitors signed out."


def test_the_roll_call_prints_from_the_last_list_when_the_database_is_gone(qtbot, make_desk, sqlite_backend):
    need("pdftotext")
    desk = make_desk()
    visitors.sign_in(sqlite_backend.ctx, name="Ana Lima", host="Revenue")
    qtbot.waitUntil(lambda: desk.table.rowCount() == 1, timeout=5000)

    def unreachable(**_kw):
        raise ConnectionError("network down")

    desk.ctx = replace(desk.ctx, uow=unreachable)
    desk.refresh()
    qtbot.waitUntil(lambda: desk.online is False, timeout=5000)
    assert "Database unreachable" in desk.connection.text()
    assert desk.table.rowCount() == 1
    assert "Ana Lima" in roll_call(qtbot, desk)


def test_export_csv_for_the_dates_picked(qtbot, make_desk, sqlite_backend, tmp_path):
    desk = make_desk()
    visitors.sign_in(sqlite_backend.ctx, name="陳美玲", host="Revenue")
    target = tmp_path / "log.csv"
    desk.export_to(target)
    # The message comes once the file is written and closed: wait for it, not for the file to appear.
    qtbot.waitUntil(lambda: desk.message.text() == f"1 visit exported to {target}.", timeout=5000)
    data = target.read_bytes().decode("utf-8-sig")
    assert "陳美玲" in data


def test_a_visitor_signs_in_at_the_kiosk_and_the_desk_sees_it(qtbot, make_kiosk, make_desk, sqlite_backend):
    desk = make_desk()
    kiosk = make_kiosk()
    assert kiosk.visitor_steps.form.entry is None  # off by default
    kiosk.visitor_steps.enable(True)
    assert kiosk.visitor_steps.form.entry.isVisible()
    kiosk.visitor_steps.form.entry.click()
    assert kiosk.flow.step == Step.VISITOR_SIGN_IN
    form = kiosk.visitor_steps.form
    qtbot.waitUntil(lambda: bool(form.host_buttons), timeout=5000)
    form.submit_button.click()
    qtbot.waitUntil(form.error.isVisible, timeout=5000)
    assert form.error.text() == "Please enter the visitor's name."
    for key in "Ana":
        form.keyboard.type(key)
    form.host_buttons[0].click()
    form.purpose_field.setFocus()
    assert form.keyboard.target is form.purpose_field  # the keys type where the visitor touched
    form.keyboard.type("M")
    form.submit_button.click()
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.VISITOR_SIGNED_IN, timeout=5000)
    assert kiosk.visitor_steps.done.badge.text() == "V001"
    qtbot.waitUntil(lambda: desk.table.rowCount() == 1, timeout=5000)
    assert desk.table.item(0, 1).text() == "Ana" and desk.table.item(0, 6).text() == "Kiosk"
    [present] = visitors.in_building(sqlite_backend.ctx).present
    assert (present.visit.host, present.visit.purpose, present.visit.id_checked) == (
        form.hosts[0],
        "M",
        False,
    )


def test_the_idle_reset_clears_every_field_of_the_visitor_screens(qtbot, make_kiosk):
    kiosk = make_kiosk()
    kiosk.visitor_steps.enable(True)
    kiosk.visitor_steps.start()
    form = kiosk.visitor_steps.form
    qtbot.waitUntil(lambda: bool(form.host_buttons), timeout=5000)
    form.name_field.setText("Ana")
    form.choose_host(form.hosts[1])
    form.purpose_field.setText("Meeting")
    form.show_error("Please check what you entered.")
    kiosk.idle.expired.emit()
    assert kiosk.flow.step == Step.WELCOME
    assert [f.text() for f in form.fields] == ["", "", ""]
    assert not any(b.isChecked() for b in form.host_buttons) and not form.error.isVisible()
    kiosk.visitor_steps.start()
    form.name_field.setText("Bo")
    form.host_field.setText("Revenue")
    form.submit_button.click()
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.VISITOR_SIGNED_IN, timeout=5000)
    kiosk.idle.expired.emit()
    assert kiosk.visitor_steps.done.visit is None and kiosk.visitor_steps.done.badge.text() == ""
    assert kiosk.flow.visit.visitor is None
