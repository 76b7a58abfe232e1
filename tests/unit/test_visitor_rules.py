"""The visitor log's rules: what a sign-in must say, badge numbers and tokens, when a badge runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.errors import InvalidInput
from kiosk.domain.visitors import (
    NAME_MAX,
    QR_PREFIX,
    BadgeNotRecognised,
    SignOutHow,
    VisitSource,
    anonymise,
    badge_for,
    default_expiry,
    matches,
    new_visit,
    normalise_badge,
    sign_out,
    token_from_scan,
)

ZONE = ZoneInfo("America/Los_Angeles")
NINE = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 9:00 in Portland


def visit(**changes):
    values = dict(
        name="Ana",
        host="Portland Water Bureau",
        organisation="",
        purpose="",
        id_checked=True,
        now=NINE,
        zone=ZONE,
    )
    values.update(changes)
    return new_visit(**values)


def test_what_staff_typed_is_cleaned_like_other_visitor_text():
    made = visit(name="  Ana\u202e  María\x00 ", organisation="Acme   LLC", purpose="  Permit  review ")
    assert (made.name, made.organisation, made.purpose) == ("Ana María", "Acme LLC", "Permit review")
    assert made.service_date.isoformat() == "2026-11-25"
    assert made.source == VisitSource.DESK and made.id_checked


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " \u200b "}, "Please enter the visitor's name."),
        ({"host": ""}, "Please say whom or which office the visitor is here to see."),
        ({"name": "A" * (NAME_MAX + 1)}, "Please use at most {count} characters for the name."),
        ({"purpose": "x" * 121}, "Please use at most {count} characters for the purpose."),
        ({"organisation": "x" * 81}, "Please use at most {count} characters for the organisation."),
    ],
)
def test_a_sign_in_names_the_field_to_fix(changes, message):
    with pytest.raises(InvalidInput) as refused:
        visit(**changes)
    assert refused.value.message == message


def test_only_the_desk_can_say_an_id_was_checked():
    assert visit(source=VisitSource.KIOSK, id_checked=True).id_checked is False


def test_badge_numbers_typed_and_allocated():
    assert badge_for(7) == "V007" and badge_for(1234) == "V1234"
    assert normalise_badge(" v-12 ") == "V-12"
    assert normalise_badge("") == ""
    for bad in ("V 12", "ÄB1", "X" * 13):
        with pytest.raises(InvalidInput):
            normalise_badge(bad)


def test_the_qr_code_holds_an_unguessable_token_not_the_name():
    made, other = visit(), visit()
    assert made.qr_payload.startswith(QR_PREFIX) and "Ana" not in made.qr_payload
    assert made.token != other.token and len(made.token) == 20
    # A scanner with Caps Lock, or one that adds spaces, still finds it; anything else is no badge.
    assert token_from_scan(made.qr_payload.lower() + " \n") == made.token
    assert token_from_scan("V001") is None
    assert token_from_scan(QR_PREFIX + "not a token!") is None


def test_a_badge_runs_out_at_the_end_of_the_day_or_after_the_hours_set():
    assert default_expiry(NINE, ZONE) == datetime(2026, 11, 26, 0, 0, tzinfo=ZONE)
    assert default_expiry(NINE, ZONE, badge_hours=4) == NINE + timedelta(hours=4)
    # Late in the evening local time is already the next day in UTC: still the building's day.
    evening = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # 23:30 on the 25th in Portland
    assert default_expiry(evening, ZONE) == datetime(2026, 11, 26, 0, 0, tzinfo=ZONE)
    made = visit(badge_hours=2)
    assert not made.expired(NINE + timedelta(hours=1, minutes=59))
    assert made.expired(NINE + timedelta(hours=2))


def test_signing_out_twice_is_refused_and_a_signed_out_badge_is_not_expired():
    made = visit(badge_hours=1)
    left = sign_out(made, NINE + timedelta(hours=3), SignOutHow.BADGE)
    assert left.signed_out_how == "badge" and not left.in_building
    assert not left.expired(NINE + timedelta(hours=3))
    with pytest.raises(BadgeNotRecognised):
        sign_out(left, NINE + timedelta(hours=4), SignOutHow.DESK)


def test_anonymised_visits_keep_times_and_whom_but_not_who_or_why():
    made = visit(organisation="Acme", purpose="Permit")
    blank = anonymise(made)
    assert (blank.name, blank.organisation, blank.purpose) == ("", "", "")
    assert (blank.host, blank.signed_in_at, blank.token) == (made.host, made.signed_in_at, made.token)


def test_name_search_forgives_case_accents_and_word_order():
    made = visit(name="Nguyễn Thị Đào")
    assert matches(made, "dao nguyen")
    assert matches(made, "THỊ")
    assert not matches(made, "minh")
    assert not matches(made, "   ")
