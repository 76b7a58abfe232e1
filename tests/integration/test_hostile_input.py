"""Hostile text at every field a visitor or staff member can type into, and at CLI arguments.

Right-to-left overrides, emoji, stacked combining marks, 10,000-character strings, NUL bytes, lone
surrogates, SQL and HTML fragments: each field either stores a clean version of the text — read back
exactly as the service returned it — or refuses with a message that exists in every language. Nothing
crashes, and a refusal stores nothing.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.errors import DomainError
from kiosk.domain.staff import Role
from kiosk.i18n import LANGUAGE_CODES, _, use_language
from kiosk.services import feedback, lookup, requests, rooms, staff, sync, visitors
from kiosk.services.checkin import check_in
from kiosk.services.ports import RemoteService
from tests.fakes import FakeOpen311

NASTY = [
    "\x00",
    "\u202e",  # right-to-left override
    "\u200f\u200b\ufeff",
    "مرحبا بالعالم",
    "שלום",
    "👩🏽‍⚕️🏳️‍🌈",
    "e\u0301\u0301\u0301\u0301",
    "Z̷̢̛̤͓a̵l̸g̷o̶",
    "'; DROP TABLE tickets;--",
    "Robert'); DELETE FROM staff_users; --",
    "<script>alert(1)</script>",
    "<b>&amp;</b>",
    "{name}{0}%s%n",
    '=HYPERLINK("http://x")',
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "\r\n\t",
    " ",
    "Nguyễn Thị Minh Khai",
    "陳大文",
]
fragments = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["a", "名", "\u0301", " ", "🙂", "\x00"]),
        st.integers(1, 10_000),
    ),
)
hostile = st.lists(fragments, max_size=4).map("".join)

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _clean_enough(stored: str | None) -> None:
    """What is stored can be shown and sent: NFC, no control, format or surrogate characters."""
    if stored is None:
        return
    stored.encode("utf-8")  # raises on a lone surrogate
    assert unicodedata.is_normalized("NFC", stored)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in stored if ch != "\n")


def _refusal_is_clear(exc: DomainError) -> None:
    for code in LANGUAGE_CODES:
        with use_language(code):
            text = _(exc.message, **exc.params)
        assert text.strip()


def attempt(fn, *args, **kwargs):
    """The call's result, or None when it was refused with a clear message. Any other error fails the test."""
    try:
        return fn(*args, **kwargs)
    except DomainError as exc:
        _refusal_is_clear(exc)
        return None


@pytest.fixture
def ctx(sqlite_backend):
    ctx = replace(sqlite_backend.ctx, actor="fuzz", station="test")
    central = FakeOpen311(services=[RemoteService("noise", "Noise complaint", metadata=False)])
    sync.refresh_catalogue(ctx, central)
    return ctx


def _count(ctx, table_query):
    with ctx.uow() as uow:
        return table_query(uow)


@FUZZ
@given(name=hostile)
def test_the_name_for_a_ticket(ctx, name):
    waiting_before = _count(ctx, lambda uow: len(uow.tickets.waiting()))
    result = attempt(check_in, ctx, "information", name)
    waiting_after = _count(ctx, lambda uow: len(uow.tickets.waiting()))
    if result is None:
        assert waiting_after == waiting_before
        return
    assert waiting_after == waiting_before + 1
    with ctx.uow() as uow:
        stored = uow.tickets.get(result.ticket.id).first_name
    assert stored == result.ticket.first_name
    _clean_enough(stored)


@FUZZ
@given(description=hostile, first=hostile, last=hostile, email=hostile, phone=hostile, address=hostile)
def test_a_report_or_request(ctx, description, first, last, email, phone, address):
    draft = requests.Draft(
        "noise", {}, address=address, description=description, first_name=first, last_name=last, email=email,
        phone=phone,
    )  # fmt: skip
    filed = attempt(requests.submit, ctx, draft, "vi", "1120 SW 5th Ave")
    if filed is None:
        return
    stored = requests.lookup(ctx, filed.reference)
    for field in ("description", "first_name", "last_name", "email", "phone", "address"):
        assert getattr(stored, field) == getattr(filed, field)
        _clean_enough(getattr(stored, field))


@FUZZ
@given(text=hostile)
def test_lookups_by_typed_text(ctx, text):
    attempt(requests.lookup, ctx, text)
    attempt(rooms.check_in, ctx, text)
    attempt(feedback.find_visit, ctx, text)
    attempt(visitors.search, ctx, text)
    attempt(visitors.sign_out_scanned, ctx, text)
    found = lookup.search(None, text)
    assert found is not None


@FUZZ
@given(name=hostile, host=hostile, organisation=hostile, purpose=hostile, badge=st.one_of(st.none(), hostile))
def test_a_visitor_signing_in(ctx, name, host, organisation, purpose, badge):
    before = _count(ctx, lambda uow: len(uow.visits.in_building()))
    visit = attempt(
        visitors.sign_in, ctx, name=name, host=host, organisation=organisation, purpose=purpose, badge=badge
    )
    after = _count(ctx, lambda uow: len(uow.visits.in_building()))
    if visit is None:
        assert after == before
        return
    assert after == before + 1
    inside = {p.visit.id: p.visit for p in visitors.in_building(ctx).present}
    stored = inside[visit.id]
    for field in ("name", "host", "organisation", "purpose", "badge"):
        assert getattr(stored, field) == getattr(visit, field)
        _clean_enough(getattr(stored, field))
    visitors.sign_out(ctx, visit.id)


@FUZZ
@given(comment=hostile)
def test_a_feedback_comment(ctx, clock, comment):
    ticket = check_in(ctx, "information").ticket
    from kiosk.services import queue

    called = queue.call_next(ctx, "1")
    queue.finish(ctx, called.id)
    assert called.id == ticket.id
    stored = attempt(feedback.rate, ctx, ticket.id, 4, comment)
    if stored is not None:
        _clean_enough(stored.comment)


@FUZZ
@given(name=hostile)
def test_a_room_booking_name(ctx, clock, name):
    day = rooms.today(ctx)
    free = [(room.room.code, slot) for room in day for slot in room.free]
    if not free:
        clock.advance(days=1)
        return
    code, slot = free[0]
    booking = attempt(rooms.book, ctx, code, slot.starts_at, name=name, source="desk")
    if booking is not None:
        _clean_enough(booking.name)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(username=hostile, display=hostile, secret=hostile)
def test_staff_accounts_and_sign_in(ctx, username, display, secret):
    user = attempt(staff.add_user, ctx, username, Role.RECEPTION, secret, display)
    if user is not None:
        _clean_enough(user.display_name)
        assert staff.sign_in(ctx, user.username, secret).username == user.username
    attempt(staff.sign_in, ctx, username, secret, lock_for=timedelta(seconds=1))


# -- the command line ---------------------------------------------------------------------------
argument = hostile.filter(lambda s: "\x00" not in s)  # an operating system cannot pass a NUL in argv


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("KIOSK_DATABASE_URL", raising=False)
    from kiosk.cli import main

    def run(argv, stdin=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        try:
            return main(argv)
        except SystemExit as exit_:  # argparse refusing an argument: its own usage message
            assert exit_.code == 2
            return 2

    return run


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(first=argument, second=argument)
def test_cli_arguments(cli, capsys, tmp_path, first, second):
    statuses = [
        cli(["rooms", "set", first, "--name", second, "--capacity", "4"]),
        cli(["users", "add", first, "--role", "security", "--name", second, "--secret-stdin"], stdin=second),
        cli(["users", "disable", first]),
        cli(["print-test", "--lang", first, "--pdf", str(tmp_path / "t.pdf")]),
        cli(["visitors", "export", "--from", first, "--to", second, "-o", str(tmp_path / "v.csv")]),
        cli(["report", "--from", first, "--to", second, "--format", "csv", "-o", str(tmp_path / "r.csv")]),
    ]
    output = capsys.readouterr()
    assert all(isinstance(status, int) for status in statuses)
    assert "Traceback" not in output.out + output.err
