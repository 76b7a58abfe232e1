from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidInput, InvalidTransition
from kiosk.domain.tickets import (
    FIRST_NAME_MAX,
    Ticket,
    TicketStatus,
    clean_first_name,
    format_number,
    spoken_number,
)

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def make_ticket(**changes) -> Ticket:
    values = dict(
        number="A001",
        sequence=1,
        service_code="information",
        service_date=date(2026, 11, 25),
        created_at=NOW,
        queued_at=NOW,
        id=1,
    )
    values.update(changes)
    return Ticket(**values)


@pytest.mark.parametrize(
    ("prefix", "sequence", "expected"),
    [("A", 1, "A001"), ("B", 12, "B012"), ("G", 999, "G999"), ("C", 1000, "C1000")],
)
def test_ticket_numbers_have_a_letter_and_three_digits(prefix, sequence, expected):
    assert format_number(prefix, sequence) == expected


def test_numbers_are_spoken_without_leading_zeros():
    assert spoken_number("A012") == "A 12"
    assert spoken_number("C1000") == "C 1000"


def test_a_visit_goes_from_waiting_to_done():
    ticket = make_ticket()
    ticket.call("2", NOW)
    assert (ticket.status, ticket.counter, ticket.called_at) == (TicketStatus.CALLED, "2", NOW)
    ticket.recall(NOW + timedelta(minutes=1))
    assert ticket.recall_count == 1 and ticket.called_at == NOW + timedelta(minutes=1)
    # The wait the visitor had ended at the first call.
    assert ticket.first_called_at == NOW
    ticket.start_serving(NOW + timedelta(minutes=2))
    ticket.finish(NOW + timedelta(minutes=9))
    assert ticket.status == TicketStatus.DONE
    assert ticket.finished_at - ticket.serving_at == timedelta(minutes=7)


def test_finishing_straight_from_called_counts_service_from_the_call():
    ticket = make_ticket()
    ticket.call("1", NOW)
    ticket.finish(NOW + timedelta(minutes=4))
    assert ticket.serving_at == NOW


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (TicketStatus.WAITING, lambda t: t.recall(NOW)),
        (TicketStatus.WAITING, lambda t: t.finish(NOW)),
        (TicketStatus.WAITING, lambda t: t.mark_no_show(NOW)),
        (TicketStatus.CALLED, lambda t: t.call("3", NOW)),
        (TicketStatus.SERVING, lambda t: t.mark_no_show(NOW)),
        (TicketStatus.DONE, lambda t: t.call("1", NOW)),
        (TicketStatus.DONE, lambda t: t.transfer("payments", NOW)),
        (TicketStatus.NO_SHOW, lambda t: t.requeue()),
        (TicketStatus.CANCELLED, lambda t: t.start_serving(NOW)),
        (TicketStatus.TRANSFERRED, lambda t: t.finish(NOW)),
    ],
)
def test_actions_from_the_wrong_state_are_refused_and_change_nothing(status, action):
    ticket = make_ticket(status=status)
    before = repr(ticket)
    with pytest.raises(InvalidTransition) as refused:
        action(ticket)
    assert repr(ticket) == before
    assert refused.value.params == {"number": "A001"}


def test_transfer_keeps_the_number_and_the_place_by_arrival():
    arrived = NOW - timedelta(minutes=20)
    ticket = make_ticket(queued_at=arrived, first_name="Ana")
    ticket.call("1", NOW)
    continuation = ticket.transfer("payments", NOW + timedelta(minutes=1))
    assert ticket.status == TicketStatus.TRANSFERRED
    assert continuation.status == TicketStatus.WAITING
    assert continuation.number == "A001" and continuation.service_code == "payments"
    assert continuation.queued_at == arrived
    assert continuation.transferred_from_id == 1 and continuation.id is None
    assert continuation.counter is None and continuation.called_at is None
    assert continuation.first_name == "Ana"


def test_transfer_to_the_same_service_is_refused():
    with pytest.raises(InvalidTransition):
        make_ticket().transfer("information", NOW)


def test_requeue_returns_the_ticket_to_waiting():
    ticket = make_ticket()
    ticket.call("1", NOW)
    ticket.requeue()
    assert ticket.status == TicketStatus.WAITING and ticket.counter is None
    # Waiting again: the next call is the one the wait runs to.
    assert ticket.called_at is None and ticket.first_called_at is None
    ticket.call("2", NOW + timedelta(minutes=3))
    assert ticket.first_called_at == NOW + timedelta(minutes=3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("  Ana  ", "Ana"),
        ("Mary  Jo", "Mary Jo"),
        ("Tuấn", "Tuấn"),
        ("Tua\u0302\u0301n", "Tuấn"),  # decomposed accents are stored composed
        ("慧玲", "慧玲"),
        ("Ан\x00на", "Анна"),
        ("\u202eevil", "evil"),
    ],
)
def test_first_names_are_cleaned(raw, expected):
    assert clean_first_name(raw) == expected


def test_an_over_long_name_is_refused_with_the_limit():
    with pytest.raises(InvalidInput) as refused:
        clean_first_name("x" * (FIRST_NAME_MAX + 1))
    assert refused.value.params == {"count": FIRST_NAME_MAX}


@given(st.text(max_size=200))
def test_any_text_gives_a_clean_name_or_a_clear_refusal(raw):
    try:
        cleaned = clean_first_name(raw)
    except InvalidInput:
        return
    if cleaned is not None:
        assert 0 < len(cleaned) <= FIRST_NAME_MAX
        assert cleaned == cleaned.strip()
        assert not any(ch in cleaned for ch in "\x00\n\r\t\u202e")
