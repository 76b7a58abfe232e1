"""Staff accounts: argon2 hashes, five wrong attempts lock, the lock expires, every step is audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kiosk.domain.errors import InvalidInput, QueueEmpty
from kiosk.domain.staff import AccountLocked, NotAllowed, Role, SignInRefused
from kiosk.services import audit, queue, staff
from kiosk.services.checkin import check_in

PIN = "482913"


@pytest.fixture
def ctx(backend):
    return replace(backend.ctx, actor="cli:test", station="test")


def _audit(ctx):
    return audit.entries(ctx, ctx.now() - timedelta(days=1), ctx.now() + timedelta(days=1))


def test_the_secret_is_stored_as_an_argon2id_hash_never_as_given(ctx):
    user = staff.add_user(ctx, "Maria.Lopez", Role.RECEPTION, PIN, "María López")
    assert user.username == "maria.lopez"
    stored = staff.list_users(ctx)[0]
    assert stored.secret_hash.startswith("$argon2id$")
    assert PIN not in stored.secret_hash
    assert stored.display_name == "María López"
    signed = staff.sign_in(ctx, "maria.lopez", PIN)
    assert (signed.username, signed.role) == ("maria.lopez", Role.RECEPTION)


@pytest.mark.parametrize("secret", ["12345", "short", "", "1" * 129, "abc\x00defghijkl"])
def test_weak_or_broken_secrets_are_refused_with_a_message(ctx, secret):
    with pytest.raises(InvalidInput) as refused:
        staff.add_user(ctx, "sam", Role.SECURITY, secret)
    assert "PIN" in refused.value.message
    assert staff.list_users(ctx) == []


def test_five_wrong_attempts_lock_the_account_until_the_lock_runs_out(ctx, clock):
    staff.add_user(ctx, "sam", Role.SECURITY, PIN)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            staff.sign_in(ctx, "sam", "000000", lock_for=timedelta(minutes=15))
    with pytest.raises(AccountLocked) as locked:
        staff.sign_in(ctx, "sam", "000000", lock_for=timedelta(minutes=15))
    assert "time" in locked.value.params
    # Locked: even the right PIN is refused, and says so.
    with pytest.raises(AccountLocked):
        staff.sign_in(ctx, "sam", PIN)
    clock.advance(minutes=14)
    with pytest.raises(AccountLocked):
        staff.sign_in(ctx, "sam", PIN)
    clock.advance(minutes=2)
    assert staff.sign_in(ctx, "sam", PIN).username == "sam"
    actions = [e.action for e in reversed(_audit(ctx))]
    assert actions.count("sign_in.failed") == 4
    assert actions.count("sign_in.locked") == 1
    assert actions[-1] == "sign_in"


def test_a_right_sign_in_starts_the_count_again(ctx):
    staff.add_user(ctx, "sam", Role.SECURITY, PIN)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            staff.sign_in(ctx, "sam", "999999")
    staff.sign_in(ctx, "sam", PIN)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            staff.sign_in(ctx, "sam", "999999")
    assert staff.sign_in(ctx, "sam", PIN).username == "sam"


def test_unknown_names_and_disabled_accounts_get_the_same_answer_as_a_wrong_pin(ctx):
    staff.add_user(ctx, "sam", Role.SECURITY, PIN)
    staff.disable(ctx, "sam")
    for name in ("sam", "nobody", "robert'); DROP TABLE staff_users;--", "名字"):
        with pytest.raises(SignInRefused) as refused:
            staff.sign_in(ctx, name, PIN)
        assert refused.value.message == SignInRefused.message
    staff.enable(ctx, "sam")
    assert staff.sign_in(ctx, "sam", PIN).username == "sam"


def test_roles_decide_which_station_a_user_may_open(ctx):
    staff.add_user(ctx, "guard", Role.SECURITY, PIN)
    staff.add_user(ctx, "boss", Role.ADMIN, "correct horse battery")
    with pytest.raises(NotAllowed):
        staff.sign_in(ctx, "guard", PIN, roles=(Role.RECEPTION,))
    assert staff.sign_in(ctx, "guard", PIN, roles=(Role.SECURITY,)).role is Role.SECURITY
    assert staff.sign_in(ctx, "boss", "correct horse battery", roles=(Role.RECEPTION,)).role is Role.ADMIN


def test_a_reset_sets_a_new_secret_and_lifts_the_lock(ctx):
    staff.add_user(ctx, "sam", Role.SECURITY, PIN)
    for _ in range(5):
        with pytest.raises((SignInRefused, AccountLocked)):
            staff.sign_in(ctx, "sam", "111111")
    staff.reset(ctx, "sam", "735195")
    with pytest.raises(SignInRefused):
        staff.sign_in(ctx, "sam", PIN)
    assert staff.sign_in(ctx, "sam", "735195").username == "sam"


def test_queue_actions_are_audited_with_who_where_and_the_ticket_never_the_name(ctx):
    ticket = check_in(ctx, "information", "Zoë").ticket
    desk = replace(ctx, actor="maria", station="counter-pc-2")
    called = queue.call_next(desk, "2")
    queue.finish(desk, called.id)
    entries = [e for e in _audit(ctx) if e.action.startswith("queue.")]
    assert [(e.action, e.actor, e.station, e.subject) for e in reversed(entries)] == [
        ("queue.call", "maria", "counter-pc-2", ticket.number),
        ("queue.finish", "maria", "counter-pc-2", ticket.number),
    ]
    assert all("Zoë" not in e.subject + e.detail for e in entries)


def test_a_failed_action_leaves_no_audit_entry(ctx):
    desk = replace(ctx, actor="maria")
    with pytest.raises(QueueEmpty):
        queue.call_next(desk, "1")  # nobody waiting
    assert not [e for e in _audit(ctx) if e.action.startswith("queue.")]
