"""Rating a visit at the kiosk by clicking the real widgets, and the console's Reports tab."""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from kiosk.services import checkin, feedback, queue, reports
from kiosk.ui.flow import Step
from tests.ui.conftest import type_text
from tests.ui.test_rooms_kiosk import scan


def served_visit(ctx, clock, service: str = "permits", name: str = "Maria"):
    ticket = checkin.check_in(ctx, service, name).ticket
    clock.advance(minutes=4)
    queue.call_next(ctx, "1")
    queue.start_serving(ctx, ticket.id)
    clock.advance(minutes=6)
    queue.finish(ctx, ticket.id)
    return ticket


def stored_rows(ctx):
    with ctx.uow() as uow:
        return uow.feedback.for_visits_on(ctx.today(), ctx.today())


def test_a_visitor_types_the_number_taps_a_face_and_comments(qtbot, make_kiosk, sqlite_backend, clock):
    ctx = sqlite_backend.ctx
    ticket = served_visit(ctx, clock)
    kiosk = make_kiosk(default_language="es")
    qtbot.mouseClick(kiosk.welcome.rate_button, Qt.MouseButton.LeftButton)
    assert kiosk.flow.step == Step.FEEDBACK
    find = kiosk.feedback.find
    assert find.title.text() == "Califique su visita"
    for key in ticket.number.lower():
        find.keyboard.type(key)
    qtbot.mouseClick(find.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.FEEDBACK_RATE, timeout=5000)
    rate = kiosk.feedback.rate
    assert ticket.number in rate.subtitle.text()
    assert not rate.send_button.isEnabled()  # nothing chosen yet
    happy = next(face for face in rate.face_buttons if face.rating == 4)
    assert happy.accessibleName() == "Contento" and happy.accessibleDescription() == "4 de 5"
    qtbot.mouseClick(happy, Qt.MouseButton.LeftButton)
    type_text(rate.field, "Muy amable")
    qtbot.mouseClick(rate.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.FEEDBACK_THANKS, timeout=5000)
    [row] = stored_rows(ctx)
    assert (row.ticket_id, row.rating, row.comment, row.language, row.source) == (
        ticket.id,
        4,
        "Muy amable",
        "es",
        "kiosk",
    )
    assert "Maria" not in repr(row)
    qtbot.mouseClick(kiosk.feedback.thanks.done_button, Qt.MouseButton.LeftButton)
    assert kiosk.flow.step == Step.WELCOME and kiosk.flow.visit.feedback_visit is None

    # The same visit again, now by scanning its ticket: refused politely, the first rating kept.
    kiosk.feedback.scanned(f"kiosk-ticket:{ticket.service_date.isoformat()}/{ticket.number}")
    qtbot.waitUntil(lambda: find.error.isVisible(), timeout=5000)
    assert kiosk.flow.step == Step.FEEDBACK
    assert "ya fue calificada" in find.error.text()
    assert [r.rating for r in stored_rows(ctx)] == [4]


def test_a_scanned_ticket_opens_the_rating_from_any_screen_and_idle_clears_it(
    qtbot, make_kiosk, sqlite_backend, clock
):
    ctx = sqlite_backend.ctx
    ticket = served_visit(ctx, clock, "information")
    kiosk = make_kiosk()
    kiosk.choose_language("en")
    kiosk.choose_rooms()
    payload = f"kiosk-ticket:{ticket.service_date.isoformat()}/{ticket.number}"
    scan(kiosk.windowHandle(), payload)  # a scanner types very fast, then Enter
    qtbot.waitUntil(lambda: kiosk.flow.step == Step.FEEDBACK_RATE, timeout=5000)
    rate = kiosk.feedback.rate
    qtbot.mouseClick(rate.face_buttons[0], Qt.MouseButton.LeftButton)
    type_text(rate.field, "half typed")
    kiosk.idle.expired.emit()  # nobody there any more
    assert kiosk.flow.step == Step.WELCOME
    assert rate.rating is None and rate.field.text() == "" and rate.number == ""
    assert stored_rows(ctx) == []


def test_the_reports_tab_shows_the_figures_charts_and_exports(
    qtbot, make_console, sqlite_backend, clock, tmp_path, monkeypatch
):
    ctx = sqlite_backend.ctx
    first = served_visit(ctx, clock, "permits")
    clock.advance(hours=1)
    served_visit(ctx, clock, "permits")
    served_visit(ctx, clock, "information")
    feedback.rate(ctx, first.id, 5, "Great")
    console = make_console()
    panel = console.reports_panel
    assert console.tabs.tabText(console.tabs.indexOf(panel)) == "Reports"
    panel.set_range(ctx.today(), ctx.today())
    console.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.report is not None and not panel.busy, timeout=5000)
    qtbot.mouseClick(panel.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    assert panel.figure_labels["visits"][1].text() == "3"
    assert panel.figure_labels["rating"][1].text() == "5"
    hours = panel.charts["hours"].series()[0].barSets()[0]
    assert [hours.at(i) for i in range(hours.count())] == [1.0, 2.0]  # one at 9:00, two at 10:00
    services = panel.charts["services"].series()[0].barSets()[0]
    assert sorted(services.at(i) for i in range(services.count())) == [1.0, 2.0]
    ratings = panel.charts["satisfaction"].series()[0].barSets()[0]
    assert [ratings.at(i) for i in range(ratings.count())] == [0, 0, 0, 0, 1.0]

    console.language_box.setCurrentIndex(1)  # Español
    assert console.tabs.tabText(console.tabs.indexOf(panel)) == "Informes"
    target = tmp_path / "informe.csv"
    panel.export("csv", target)
    qtbot.waitUntil(target.exists, timeout=5000)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Resumen"] and ["Visitas", "3"] in rows
    pdf = tmp_path / "informe.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(pdf), "*.pdf"))
    qtbot.mouseClick(panel.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pdf.exists() and pdf.stat().st_size > 1000, timeout=10000)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert reports.build(ctx, ctx.today(), ctx.today()).visits == 3
