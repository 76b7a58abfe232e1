"""Report figures against a day written out by hand; ratings; CSV, PDF and `kiosk report` read back.

The day (Wednesday 25 November 2026, Portland time), each visit through the real services:

    visit  checked in        service        channel      called  served            outcome
    V1     09:00 en          information    kiosk        09:05   09:06-09:16       served
    V2     09:10 es, access. permits        kiosk        09:20   09:22, then transferred at 09:30
    V2b    (transfer 09:30)  payments                    09:33   09:34-09:40       served
    V3     10:00 vi          parking        desk         10:15   no-show 10:20
    V4     10:30 zh_Hant     information    kiosk        10:50   10:51-11:11       served
    V5     11:30 ru          permits        appointment  11:32   11:33-11:37       served
    V6     14:00 en          information    kiosk        -       still waiting
    V7     14:10 en          other          kiosk        -       cancelled 14:12

Waits (minutes, every ticket called): 5, 10, 3 (V2b from its transfer), 15, 20, 2
    -> sorted 2 3 5 10 15 20: mean 55/6 = 9.17, median (rank 3) 5, p90 (rank ceil(5.4) = 6) 20.
Service times (tickets served): 10, 6, 20, 4 -> sorted 4 6 10 20: mean 10, median (rank 2) 6, p90 20.
Visits 7; served 4 (V1, V2 through V2b, V4, V5); no-shows 1 (rate 1/7 = 14.3 %); cancelled 1; open 1.
First contact: served by the first service 3 (V1, V4, V5), referred 1 (V2): 3/4 = 75 %.
Ratings: V1 5 ("Quick and kind"), V2 4, V4 2 ("Long wait"): mean 11/3 = 3.7, 4 or 5: 2/3 = 66.7 %,
per visit served 3/4 = 75 %.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.feedback import AlreadyRated, NotServedYet, VisitNotFound
from kiosk.domain.requests import ServiceRequest
from kiosk.services import checkin, feedback, queue, reports, rooms

ZONE = ZoneInfo("America/Los_Angeles")
DAY = date(2026, 11, 25)


def at(clock, hhmm: str, day: date = DAY) -> None:
    hour, minute = (int(part) for part in hhmm.split(":"))
    clock.current = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def play_the_day(ctx, clock) -> dict[str, int]:
    ids = {}
    at(clock, "09:00")
    ids["V1"] = checkin.check_in(ctx, "information", "Ana", language="en").ticket.id
    rooms.book(ctx, "room-1", rooms.today(ctx)[0].free[0].starts_at, source="kiosk")
    at(clock, "09:05")
    assert queue.call_next(ctx, "1").id == ids["V1"]
    at(clock, "09:06")
    queue.start_serving(ctx, ids["V1"])
    at(clock, "09:10")
    ids["V2"] = checkin.check_in(ctx, "permits", language="es", accommodation=True).ticket.id
    at(clock, "09:16")
    queue.finish(ctx, ids["V1"])
    at(clock, "09:20")
    assert queue.call_next(ctx, "1").id == ids["V2"]
    at(clock, "09:22")
    queue.start_serving(ctx, ids["V2"])
    at(clock, "09:30")
    ids["V2b"] = queue.transfer(ctx, ids["V2"], "payments").id
    at(clock, "09:33")
    assert queue.call_next(ctx, "2").id == ids["V2b"]
    at(clock, "09:34")
    queue.start_serving(ctx, ids["V2b"])
    at(clock, "09:40")
    queue.finish(ctx, ids["V2b"])
    at(clock, "10:00")
    ids["V3"] = checkin.check_in(ctx, "parking", language="vi", channel="desk").ticket.id
    at(clock, "10:15")
    assert queue.call_next(ctx, "1").id == ids["V3"]
    at(clock, "10:18")
    # Called again: V3's wait still ends at the first call (15 min, not 18).
    queue.recall(ctx, ids["V3"])
    at(clock, "10:20")
    queue.no_show(ctx, ids["V3"])
    at(clock, "10:30")
    ids["V4"] = checkin.check_in(ctx, "information", language="zh_Hant").ticket.id
    rooms.book(ctx, "room-2", rooms.today(ctx)[1].free[2].starts_at, name="Minh", source="reception")
    at(clock, "10:50")
    assert queue.call_next(ctx, "1").id == ids["V4"]
    at(clock, "10:51")
    queue.start_serving(ctx, ids["V4"])
    at(clock, "11:11")
    queue.finish(ctx, ids["V4"])
    at(clock, "11:30")
    ids["V5"] = checkin.check_in(ctx, "permits", language="ru", channel="appointment").ticket.id
    at(clock, "11:32")
    assert queue.call_next(ctx, "2").id == ids["V5"]
    at(clock, "11:33")
    queue.start_serving(ctx, ids["V5"])
    at(clock, "11:37")
    queue.finish(ctx, ids["V5"])
    at(clock, "14:00")
    ids["V6"] = checkin.check_in(ctx, "information").ticket.id
    at(clock, "14:10")
    ids["V7"] = checkin.check_in(ctx, "other").ticket.id
    at(clock, "14:12")
    queue.cancel(ctx, ids["V7"])
    for hhmm, name in (("12:00", "Graffiti"), ("12:05", "Graffiti"), ("13:00", "Pothole")):
        at(clock, hhmm)
        with ctx.uow(write=True) as uow:
            uow.requests.add(ServiceRequest(f"R{hhmm}", name.lower(), name, "en", clock.now()))
            uow.commit()

    # Ratings: typed number, the ticket's QR code, and a link token.
    at(clock, "15:00")
    v1 = feedback.find_visit(ctx, "a 1")
    assert v1.ticket_id == ids["V1"]
    feedback.rate(ctx, v1.ticket_id, 5, "  Quick   and kind ", language="en")
    with pytest.raises(AlreadyRated):
        feedback.find_visit(ctx, "A001")
    with pytest.raises(AlreadyRated):
        feedback.rate(ctx, ids["V1"], 1)
    with pytest.raises(NotServedYet):
        feedback.find_visit(ctx, "A003")  # V6, still waiting
    with pytest.raises(VisitNotFound):
        feedback.find_visit(ctx, "Z999")
    v2 = feedback.find_visit(ctx, "kiosk-ticket:2026-11-25/B001")
    assert v2.ticket_id == ids["V2"]  # the visit, not the transfer's continuation
    feedback.rate(ctx, v2.ticket_id, 4, language="es")
    url = "https://city.example/feedback?lang=en"
    token = feedback.visit_token(ctx, ids["V4"])
    assert feedback.visit_token(ctx, ids["V4"]) == token and len(token) >= 24
    link = feedback.feedback_link(url, token)
    assert link == f"https://city.example/feedback?lang=en&t={token}"
    assert feedback.find_visit(ctx, link, url).ticket_id == ids["V4"]
    stored = feedback.rate_by_token(ctx, token, 2, "Long wait", language="zh_Hant")
    assert stored.source == "web" and stored.ticket_id == ids["V4"]

    # The next day: neither its ticket nor its request belongs to the report of the 25th.
    at(clock, "09:00", DAY + timedelta(days=1))
    checkin.check_in(ctx, "information")
    with ctx.uow(write=True) as uow:
        uow.requests.add(ServiceRequest("RNEXT", "graffiti", "Graffiti", "en", clock.now()))
        uow.commit()
    return ids


@pytest.fixture
def day_backend(make_settings, clock):
    from kiosk.app import build_backend

    backend = build_backend(make_settings(), clock=clock)
    ids = play_the_day(backend.ctx, clock)
    yield backend, ids
    backend.dispose()


def test_the_figures_match_the_day_computed_by_hand(day_backend):
    backend, _ids = day_backend
    report = reports.build(backend.ctx, DAY, DAY)
    assert report.visits == 7
    assert report.by_service == {"information": 3, "permits": 2, "parking": 1, "other": 1}
    assert report.by_channel == {"kiosk": 5, "desk": 1, "appointment": 1}
    assert report.by_language == {"en": 3, "es": 1, "vi": 1, "zh_Hant": 1, "ru": 1}
    assert report.by_hour == {9: 2, 10: 2, 11: 1, 14: 2}
    assert report.by_weekday == {2: 7}  # a Wednesday
    assert report.waiting.count == 6
    assert report.waiting.mean == pytest.approx(55 / 6)
    assert (report.waiting.median, report.waiting.p90) == (5, 20)
    assert (report.service_time.count, report.service_time.mean) == (4, 10)
    assert (report.service_time.median, report.service_time.p90) == (6, 20)
    assert report.waiting_by_service["information"] == reports.Durations(2, 12.5, 5, 20)
    assert report.waiting_by_service["permits"] == reports.Durations(2, 6, 2, 10)
    assert report.waiting_by_service["payments"] == reports.Durations(1, 3, 3, 3)
    assert (report.served, report.no_shows, report.cancelled, report.still_open) == (4, 1, 1, 1)
    assert report.no_show_rate == pytest.approx(1 / 7)
    assert (report.resolved_first_contact, report.referred) == (3, 1)
    assert report.first_contact_rate == 0.75
    assert report.accommodation == 1 and report.accommodation_by_service == {"permits": 1}
    sat = report.satisfaction
    assert sat.counts == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert sat.mean == pytest.approx(11 / 3) and sat.good_share == pytest.approx(2 / 3)
    assert report.response_rate == 0.75
    assert [(r, text) for _at, r, text in sat.comments] == [(5, "Quick and kind"), (2, "Long wait")]
    assert report.requests_by_service == {"Graffiti": 2, "Pothole": 1}
    assert report.bookings_by_source == {"kiosk": 1, "reception": 1}
    assert report.bookings == 2
    # The next day alone: one visit, still waiting, and its request.
    next_day = reports.build(backend.ctx, DAY + timedelta(days=1), DAY + timedelta(days=1))
    assert (next_day.visits, next_day.still_open, next_day.requests) == (1, 1, 1)
    assert next_day.waiting == reports.Durations(0, None, None, None)


def test_the_csv_reads_back_in_every_table(day_backend):
    backend, _ids = day_backend
    report = reports.build(backend.ctx, DAY, DAY)
    data = reports.to_csv(report, "es")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in rows:
        if not row:
            current = None
        elif current is None:
            current = row[0]
            sections[current] = []
        else:
            sections[current].append(row)
    summary = dict(sections["Resumen"][1:])
    assert summary["Visitas"] == "7"
    assert summary["Resolución en el primer contacto (%)"] == "75.0"
    times = sections["Tiempo de espera y de atención (minutos)"]
    assert times[1][:5] == ["Todos los servicios", "6", "9.2", "5.0", "20.0"]
    assert times[1][5:] == ["4", "10.0", "6.0", "20.0"]
    hours = sections["Visitas por hora del día"][1:]
    assert hours == [
        ["09:00", "2"],
        ["10:00", "2"],
        ["11:00", "1"],
        ["12:00", "0"],
        ["13:00", "0"],
        ["14:00", "2"],
    ]
    assert [row[2] for row in sections["Comentarios"][1:] if row[1] == "2"] == ["Long wait"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Front desk report", "First-contact resolution (%)", "75", "Very happy", "Quick and kind"]),
        ("zh_Hant", ["櫃檯服務報告", "首次接觸解決率", "非常滿意", "星期三"]),
        ("ru", ["Отчёт о работе стойки приёма", "Неявки", "среда"]),
    ],
)
def test_the_pdf_reads_back_in_the_staff_language(day_backend, tmp_path, language, expected):
    from kiosk.printing.report_pdf import render_report

    backend, _ids = day_backend
    pdf = render_report(reports.build(backend.ctx, DAY, DAY), language, "The Portland Building")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    flat = " ".join(text.stdout.split())
    for words in expected:
        assert " ".join(words.split()) in flat, words


def test_the_report_command_writes_csv_and_pdf(day_backend, make_settings, tmp_path):
    backend, _ids = day_backend
    env = {
        **os.environ,
        "KIOSK_CONFIG": str(tmp_path / "none.toml"),
        "KIOSK_DATA_DIR": make_settings().data_dir,
        "KIOSK_STAFF_LANGUAGE": "vi",
    }
    out = tmp_path / "day.csv"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "report",
            "--from",
            "2026-11-25",
            "--to",
            "2026-11-25",
            "--format",
            "csv",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert "Tóm tắt" in text.splitlines()[0]  # the staff language from the settings
    pdf = tmp_path / "day.pdf"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "report",
            "--from",
            "2026-11-25",
            "--to",
            "2026-11-25",
            "--format",
            "pdf",
            "--lang",
            "en",
            "-o",
            str(pdf),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk", "report", "--from", "2026-13-01", "--to", "2026-11-25"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and "date" in bad.stderr
