"""Staff accounts: create, sign in with lockout, disable, reset. Secrets are stored as argon2 hashes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.domain.errors import DomainError, InvalidInput
from kiosk.domain.staff import (
    SECRET_MAX_LENGTH,
    AccountLocked,
    NotAllowed,
    Role,
    SignInRefused,
    StaffUser,
    check_secret,
    clean_username,
    is_typeable,
)
from kiosk.domain.text import N_, clean_text
from kiosk.services import audit
from kiosk.services.context import ServiceContext

log = logging.getLogger(__name__)

DEFAULT_LOCK = timedelta(minutes=15)
DISPLAY_NAME_MAX = 80


class UserExists(DomainError):
    message = N_("There is already a user called {username}.")


class UnknownUser(DomainError):
    message = N_("There is no user called {username}.")


@cache
def _hasher() -> PasswordHasher:
    # argon2id with the library's RFC 9106 low-memory profile (64 MiB, 3 passes): 0.1-0.2 s on a
    # 2-core PC, slow enough to make a stolen database's PINs expensive to guess, fast enough for a counter.
    return PasswordHasher()


@cache
def _decoy_hash() -> str:
    return _hasher().hash("decoy secret that matches nothing")


def hash_secret(secret: str) -> str:
    return _hasher().hash(check_secret(secret))


@dataclass(frozen=True)
class SignedIn:
    username: str
    display_name: str
    role: Role

    def may(self, *roles: Role) -> bool:
        return self.role is Role.ADMIN or self.role in roles


def _clean_display_name(raw: str | None, username: str) -> str:
    name = clean_text(raw)
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidInput(N_("Please use at most {count} characters for the name."), count=DISPLAY_NAME_MAX)
    return name or username


def _locked(ctx: ServiceContext, user: StaffUser) -> AccountLocked:
    until = user.locked_until.astimezone(ctx.timezone) if user.locked_until else ctx.now()
    return AccountLocked(time=until.strftime("%H:%M"))


def add_user(
    ctx: ServiceContext, username: str, role: Role, secret: str, display_name: str | None = None
) -> StaffUser:
    name = clean_username(username)
    user = StaffUser(
        username=name,
        display_name=_clean_display_name(display_name, name),
        role=Role(role),
        secret_hash=hash_secret(secret),
        created_at=ctx.now(),
    )
    with ctx.uow(write=True) as uow:
        if uow.staff.get(name) is not None:
            raise UserExists(username=name)
        uow.staff.add(user)
        audit.record(uow, ctx, "user.add", name, user.role.value)
        uow.commit()
    return user


def list_users(ctx: ServiceContext) -> list[StaffUser]:
    with ctx.uow() as uow:
        return uow.staff.all()


def has_users(ctx: ServiceContext) -> bool:
    with ctx.uow() as uow:
        return any(u.active for u in uow.staff.all())


def _change(ctx: ServiceContext, username: str, action: str, change) -> StaffUser:
    name = clean_username(username)
    with ctx.uow(write=True) as uow:
        user = uow.staff.get(name)
        if user is None:
            raise UnknownUser(username=name)
        change(user)
        uow.staff.save(user)
        audit.record(uow, ctx, action, name)
        uow.commit()
    return user


def disable(ctx: ServiceContext, username: str) -> StaffUser:
    def off(user: StaffUser) -> None:
        user.active = False

    return _change(ctx, username, "user.disable", off)


def enable(ctx: ServiceContext, username: str) -> StaffUser:
    def on(user: StaffUser) -> None:
        user.active = True

    return _change(ctx, username, "user.enable", on)


def reset(ctx: ServiceContext, username: str, secret: str) -> StaffUser:
    """A new PIN or password; also lifts a lock, which is what a locked-out colleague needs."""
    new_hash = hash_secret(secret)

    def renew(user: StaffUser) -> None:
        user.secret_hash = new_hash
        user.failed_attempts = 0
        user.locked_until = None

    return _change(ctx, username, "user.reset", renew)


def sign_in(
    ctx: ServiceContext,
    username: str,
    secret: str,
    *,
    roles: tuple[Role, ...] = (),
    lock_for: timedelta = DEFAULT_LOCK,
) -> SignedIn:
    """Check a user name and secret; after five wrong attempts the account locks for ``lock_for``.

    ``roles``: who may use the station signing in (admins always may).
    """
    try:
        name = clean_username(username)
    except InvalidInput:
        _hasher_verify(_decoy_hash(), secret)
        raise SignInRefused() from None
    with ctx.uow() as uow:
        user = uow.staff.get(name)
    now = ctx.now()
    if user is None or not user.active:
        # The same work and the same answer as a wrong secret: no hint which names exist.
        _hasher_verify(_decoy_hash(), secret)
        raise SignInRefused()
    if user.is_locked(now):
        raise _locked(ctx, user)
    matches = _hasher_verify(user.secret_hash, secret)
    with ctx.uow(write=True) as uow:
        user = uow.staff.get(name)
        if user is None:
            raise SignInRefused()
        if user.is_locked(now):
            raise _locked(ctx, user)
        if not matches:
            user.sign_in_failed(now, lock_for)
            uow.staff.save(user)
            audit.record(uow, ctx, "sign_in.locked" if user.locked_until else "sign_in.failed", name)
            uow.commit()
            log.warning("Wrong sign-in secret for staff user %s", name)
            if user.is_locked(now):
                raise _locked(ctx, user)
            raise SignInRefused()
        if roles and not user.may(*roles):
            audit.record(uow, ctx, "sign_in.refused_role", name, user.role.value)
            uow.commit()
            raise NotAllowed()
        user.signed_in(now)
        if _hasher().check_needs_rehash(user.secret_hash):
            user.secret_hash = _hasher().hash(secret)
        uow.staff.save(user)
        audit.record(uow, ctx, "sign_in", name, user.role.value)
        uow.commit()
    return SignedIn(user.username, user.display_name, user.role)


def _hasher_verify(secret_hash: str, secret: str) -> bool:
    if not is_typeable(secret) or len(secret) > SECRET_MAX_LENGTH:
        secret = "\ufffd"  # cannot match; the same work is still done
    try:
        return _hasher().verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
