"""Retention: personal data goes when its time is up (a fake clock moves the days), nothing else does."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kiosk.domain.requests import RequestState
from kiosk.services import audit, requests, rooms, sync, visitors
from kiosk.services.checkin import check_in
from kiosk.services.ports import RemoteService
from kiosk.services.privacy import Retention, purge
from tests.fakes import FakeOpen311

RETENTION = Retention(visitor_log_days=90, ticket_names_days=1, request_personal_days=30, audit_days=365)


@pytest.fixture
def ctx(backend):
    return replace(backend.ctx, actor="test", station="test")


def _ticket_names(ctx):
    with ctx.uow() as uow:
        return sorted(
            (t.number, t.first_name) for t in uow.tickets.finished_since(ctx.now() - timedelta(days=400))
        ) + sorted((t.number, t.first_name) for t in uow.tickets.waiting())


def test_ticket_names_go_the_day_after_and_the_tickets_stay(ctx, clock):
    check_in(ctx, "information", "Nguyễn")
    check_in(ctx, "permits", None)
    assert purge(ctx, RETENTION).ticket_names == 0
    clock.advance(hours=10)  # still the same local day
    assert purge(ctx, RETENTION, dry_run=True).ticket_names == 0
    clock.advance(days=1)
    assert purge(ctx, RETENTION, dry_run=True).ticket_names == 1
    assert [name for _n, name in _ticket_names(ctx)] == ["Nguyễn", None]  # a dry run changes nothing
    assert purge(ctx, RETENTION).ticket_names == 1
    assert [name for _n, name in _ticket_names(ctx)] == [None, None]
    assert len(_ticket_names(ctx)) == 2
    assert purge(ctx, RETENTION).total == 0  # idempotent


def test_room_booking_names_follow_the_ticket_rule(ctx, clock):
    day = rooms.today(ctx)
    room = day[0]
    free = room.free[0]
    rooms.book(ctx, room.room.code, free.starts_at, name="Olena")
    assert purge(ctx, RETENTION).booking_names == 0
    clock.advance(days=1)
    assert purge(ctx, RETENTION).booking_names == 1
    with ctx.uow() as uow:
        bookings = uow.rooms.bookings_on(free.starts_at.astimezone(ctx.timezone).date())
    assert [b.name for b in bookings] == [None]


def test_request_contacts_go_30_days_after_the_city_has_the_request(ctx, clock):
    central = FakeOpen311(services=[RemoteService("noise", "Noise complaint", metadata=False)])
    sync.refresh_catalogue(ctx, central)
    contact = {"first_name": "Ana", "last_name": "Diaz", "email": "ana@example.org", "phone": "503 555 0100"}
    sent = requests.submit(ctx, requests.Draft("noise", {}, description="Loud", **contact), "es", "here")
    sync.sync_once(ctx, central)
    waiting = requests.submit(ctx, requests.Draft("noise", {}, description="Again", **contact), "es", "here")
    clock.advance(days=29)
    assert purge(ctx, RETENTION).request_contacts == 0
    clock.advance(days=2)
    assert purge(ctx, RETENTION).request_contacts == 1
    gone = requests.lookup(ctx, sent.reference)
    kept = requests.lookup(ctx, waiting.reference)
    assert gone.state == RequestState.SENT
    assert (gone.first_name, gone.last_name, gone.email, gone.phone) == ("", "", "", "")
    assert gone.description == "Loud"  # the request itself stays
    assert (kept.first_name, kept.email) == ("Ana", "ana@example.org")  # not yet with the city


def test_the_visitor_log_is_anonymised_after_90_days_and_visitors_inside_are_never_touched(ctx, clock):
    out = visitors.sign_in(ctx, name="Dmitri Ivanov", host="Revenue Division", organisation="ACME")
    inside = visitors.sign_in(ctx, name="Mai Tran", host="Water Bureau")
    visitors.sign_out(ctx, out.id)
    clock.advance(days=89)
    assert purge(ctx, RETENTION).visitors == 0
    clock.advance(days=2)
    assert purge(ctx, RETENTION, dry_run=True).visitors == 1
    assert purge(ctx, RETENTION).visitors == 1
    present = visitors.in_building(ctx)
    assert [p.visit.name for p in present.present] == [inside.name]
    csv_text = visitors.export_csv(ctx, ctx.today() - timedelta(days=100), ctx.today()).decode("utf-8-sig")
    assert "Dmitri" not in csv_text and "ACME" not in csv_text
    assert out.badge in csv_text  # the visit is still counted


def test_audit_entries_older_than_a_year_are_deleted(ctx, clock):
    with ctx.uow(write=True) as uow:
        audit.record(uow, ctx, "queue.call", "A001")
        uow.commit()
    clock.advance(days=366)
    with ctx.uow(write=True) as uow:
        audit.record(uow, ctx, "queue.call", "A002")
        uow.commit()
    assert purge(ctx, RETENTION, dry_run=True).audit_entries == 1
    assert purge(ctx, RETENTION).audit_entries == 1
    left = audit.entries(ctx, ctx.now() - timedelta(days=1000), ctx.now() + timedelta(days=1))
    assert [e.subject for e in left if e.action == "queue.call"] == ["A002"]
    assert any(e.action == "privacy.purge" for e in left)


def test_feedback_comments_go_after_90_days_and_the_rating_stays(ctx, clock):
    from kiosk.services import feedback, queue

    ticket = check_in(ctx, "information").ticket
    queue.finish(ctx, queue.call_next(ctx, "1").id)
    feedback.rate(ctx, ticket.id, 2, "Ms Okafor at counter 1 was rude")
    clock.advance(days=89)
    assert purge(ctx, RETENTION).feedback_comments == 0
    clock.advance(days=2)
    assert purge(ctx, RETENTION).feedback_comments == 1
    with ctx.uow() as uow:
        stored = uow.feedback.for_ticket(ticket.id)
    assert (stored.rating, stored.comment) == (2, "")
