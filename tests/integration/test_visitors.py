"""The visitor log on SQLite and PostgreSQL: badges, signing out, who is inside, the CSV, retention, audit."""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.domain.visitors import BadgeNotRecognised, BadgeTaken, VisitorNotFound, VisitSource
from kiosk.services import audit, visitors


def desk(backend):
    return replace(backend.ctx, actor="guard1", station="desk-1")


def sign_in(ctx, name="Ana Lima", host="Portland Water Bureau", **more):
    return visitors.sign_in(ctx, name=name, host=host, **more)


def test_badges_are_the_days_next_number_unless_staff_type_one(backend):
    ctx = desk(backend)
    first, second = sign_in(ctx), sign_in(ctx, "Bo")
    assert (first.badge, second.badge) == ("V001", "V002")
    typed = sign_in(ctx, "Cy", badge=" v003 ")
    assert typed.badge == "V003" and typed.sequence is None
    # The typed V003 is inside: the next allocated number steps over it.
    assert sign_in(ctx, "Di").badge == "V004"
    with pytest.raises(BadgeTaken):
        sign_in(ctx, "Ed", badge="V002")
    visitors.sign_out(ctx, second.id)
    assert sign_in(ctx, "Ed", badge="V002").badge == "V002"  # free again once its wearer left


def test_a_scanned_badge_signs_its_wearer_out_once(backend, clock):
    ctx = desk(backend)
    visit = sign_in(ctx)
    clock.advance(minutes=40)
    left = visitors.sign_out_scanned(ctx, visit.qr_payload.lower())
    assert left.signed_out_at == clock.now() and left.signed_out_how == "badge"
    with pytest.raises(BadgeNotRecognised):
        visitors.sign_out_scanned(ctx, visit.qr_payload)
    with pytest.raises(BadgeNotRecognised):
        visitors.sign_out_scanned(ctx, "KIOSK-BADGE:AAAAAAAAAAAAAAAAAAAA")
    other = sign_in(ctx, "Bo")
    assert visitors.sign_out_scanned(ctx, other.badge.lower()).id == other.id  # the number typed
    with pytest.raises(VisitorNotFound):
        visitors.sign_out_scanned(ctx, "V999")


def test_who_is_inside_with_badges_run_out_flagged(backend, clock):
    ctx = desk(backend)
    short = sign_in(ctx, "Short Stay", badge_hours=1)
    long = sign_in(ctx, "Long Stay")
    gone = sign_in(ctx, "Gone")
    visitors.sign_out(ctx, gone.id)
    clock.advance(hours=2)
    now = visitors.in_building(ctx)
    assert [(p.visit.badge, p.expired) for p in now.present] == [(short.badge, True), (long.badge, False)]
    assert now.expired_count == 1 and now.as_of == clock.now()
    assert [v.name for v in visitors.search(ctx, "stay LONG")] == ["Long Stay"]
    assert [v.name for v in visitors.search(ctx, short.badge.lower())] == ["Short Stay"]
    assert visitors.search(ctx, "gone") == []


def test_closing_time_signs_everyone_out(backend):
    ctx = desk(backend)
    for name in ("A", "B", "C"):
        sign_in(ctx, name)
    before = visitors.change_marker(ctx)
    left = visitors.sign_out_all(ctx)
    assert sorted(v.name for v in left) == ["A", "B", "C"] and all(v.signed_out_how == "all" for v in left)
    assert visitors.in_building(ctx).present == []
    assert visitors.change_marker(ctx) > before


def test_a_refused_sign_in_stores_nothing(backend):
    ctx = desk(backend)
    with pytest.raises(InvalidInput):
        sign_in(ctx, name="   ")
    assert visitors.in_building(ctx).present == []
    assert audit.entries(ctx, ctx.now() - timedelta(days=1), ctx.now() + timedelta(days=1)) == []


def test_staff_actions_are_audited_under_the_badge_never_the_name(backend, clock):
    ctx = desk(backend)
    visit = sign_in(ctx, "Secret Person", id_checked=True)
    visitors.sign_out_scanned(ctx, visit.qr_payload)
    visitors.export_csv(ctx, ctx.today(), ctx.today())
    entries = audit.entries(ctx, clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    actions = sorted((e.action, e.subject, e.actor, e.station) for e in entries)
    assert actions == [
        ("visitor.export", "2026-11-25..2026-11-25", "guard1", "desk-1"),
        ("visitor.sign_in", "V001", "guard1", "desk-1"),
        ("visitor.sign_out", "V001", "guard1", "desk-1"),
    ]
    assert not any("Secret" in e.subject + e.detail for e in entries)


def test_the_kiosk_sign_in_is_seen_by_the_desk_through_the_change_marker(backend):
    ctx = desk(backend)
    seen = visitors.change_marker(ctx)
    kiosk_ctx = replace(backend.ctx, actor="", station="kiosk-1")
    visit = visitors.sign_in(
        kiosk_ctx, name="Walk In", host="Portland Housing Bureau", source=VisitSource.KIOSK, badge="X1"
    )
    assert visit.source == VisitSource.KIOSK and visit.badge == "V001"  # a visitor cannot choose a badge
    assert visitors.change_marker(ctx) > seen
    assert [p.visit.name for p in visitors.in_building(ctx).present] == ["Walk In"]


def test_the_csv_export_covers_the_days_asked_for_in_a_form_excel_reads(backend, clock):
    ctx = desk(backend)
    sign_in(ctx, '=HYPERLINK("http://x")', organisation="+Acme", purpose="Plan review")
    clock.advance(days=1)
    visit = sign_in(ctx, "陳美玲", host="Portland Housing Bureau", id_checked=True)
    visitors.sign_out(ctx, visit.id)
    clock.advance(days=1)
    sign_in(ctx, "Later")
    data = visitors.export_csv(ctx, date(2026, 11, 26), date(2026, 11, 25))  # either order
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["badge", "name", "organisation"]
    assert [r[1] for r in rows[1:]] == ['\'=HYPERLINK("http://x")', "陳美玲"]
    assert rows[1][2] == "'+Acme" and rows[1][5] == "no"
    assert rows[2][5] == "yes" and rows[2][7] == "2026-11-26 09:00" and rows[2][10] == "desk"


def test_retention_blanks_who_and_why_of_visits_that_ended_before_the_cutoff(backend, clock):
    ctx = desk(backend)
    old = sign_in(ctx, "Old Visitor", organisation="Acme", purpose="Meeting")
    visitors.sign_out(ctx, old.id)
    still_inside = sign_in(ctx, "Still Inside")
    clock.advance(days=100)
    recent = sign_in(ctx, "Recent")
    visitors.sign_out(ctx, recent.id)
    cutoff = clock.now() - timedelta(days=90)
    assert visitors.purge_before(ctx, cutoff, dry_run=True) == 1
    assert visitors.export_csv(ctx, date(2026, 11, 25), date(2026, 11, 25)).count(b"Old Visitor") == 1
    assert visitors.purge_before(ctx, cutoff) == 1
    assert visitors.purge_before(ctx, cutoff) == 0  # nothing left to blank
    rows = list(
        csv.reader(
            io.StringIO(visitors.export_csv(ctx, date(2026, 11, 25), date(2027, 3, 5)).decode("utf-8-sig"))
        )
    )
    by_badge = {(r[0], r[7][:10]): r for r in rows[1:]}
    blank = by_badge[("V001", "2026-11-25")]
    assert blank[1:3] == ["", ""] and blank[3] == "Portland Water Bureau" and blank[4] == ""
    assert by_badge[(still_inside.badge, "2026-11-25")][1] == "Still Inside"
    assert any(r[1] == "Recent" for r in rows[1:])


@pytest.mark.postgres
def test_desks_signing_in_at_once_never_share_a_badge(pg_url, make_settings, clock):
    from kiosk.app import build_backend

    backend = build_backend(make_settings(database_url=pg_url), clock=clock)
    try:
        ctx = desk(backend)
        badges: list[str] = []
        start = threading.Barrier(6)

        def sign_in_three(worker: int) -> None:
            start.wait()
            for n in range(3):
                badges.append(sign_in(ctx, f"Visitor {worker}-{n}").badge)

        threads = [threading.Thread(target=sign_in_three, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(badges) == [f"V{n:03d}" for n in range(1, 19)]
    finally:
        backend.dispose()


def test_kiosk_visitors_export_writes_the_days_asked_for(tmp_path, monkeypatch, capsys):
    from datetime import datetime

    from kiosk.app import build_backend
    from kiosk.cli import main
    from kiosk.settings import load_settings

    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    backend = build_backend(load_settings())
    try:
        visitors.sign_in(backend.ctx, name="Olga", host="Revenue")
        today = datetime.now(backend.ctx.timezone).date()
    finally:
        backend.dispose()
    target = tmp_path / "log.csv"
    assert (
        main(
            ["visitors", "export", "--from", today.isoformat(), "--to", today.isoformat(), "-o", str(target)]
        )
        == 0
    )
    assert "Olga" in target.read_bytes().decode("utf-8-sig")
    assert main(["visitors", "export", "--from", "yesterday", "--to", today.isoformat()]) == 2
    assert "--from and --to" in capsys.readouterr().err
