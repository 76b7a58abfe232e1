"""Staff accounts: roles, what a sign-in secret must be, and the lockout after wrong attempts."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.errors import DomainError, InvalidInput
from kiosk.domain.text import N_

MAX_FAILED_ATTEMPTS = 5
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
PIN_MIN_DIGITS = 6
PASSWORD_MIN_LENGTH = 10
SECRET_MAX_LENGTH = 128


class Role(enum.StrEnum):
    RECEPTION = "reception"
    SECURITY = "security"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.RECEPTION: N_("Reception"),
    Role.SECURITY: N_("Security"),
    Role.ADMIN: N_("Administrator"),
}


class SignInRefused(DomainError):
    # One message for an unknown name and a wrong secret: the screen must not tell a stranger
    # which staff names exist.
    message = N_("The name or PIN is not right. Please try again.")


class AccountLocked(DomainError):
    message = N_("Too many wrong attempts. This account is locked until {time}.")


class NotAllowed(DomainError):
    message = N_("Your role does not allow this. Ask an administrator.")


def clean_username(raw: str) -> str:
    name = unicodedata.normalize("NFKC", raw or "").strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise InvalidInput(N_("A user name has 2 to 32 letters a-z, digits, dots, dashes or underscores."))
    return name


def is_typeable(secret: str) -> bool:
    """No control characters and no lone surrogates: what a keyboard can type, and UTF-8 can carry."""
    return not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in secret)


def check_secret(secret: str) -> str:
    """A PIN of at least six digits or a password of at least ten characters.

    Five attempts before a lock make a six-digit PIN a one-in-200,000 guess per lock period.
    """
    if not secret or len(secret) > SECRET_MAX_LENGTH or not is_typeable(secret):
        raise InvalidInput(N_("A PIN has at least 6 digits; a password at least 10 characters."))
    if secret.isdigit():
        if len(secret) < PIN_MIN_DIGITS:
            raise InvalidInput(N_("A PIN has at least 6 digits; a password at least 10 characters."))
    elif len(secret) < PASSWORD_MIN_LENGTH:
        raise InvalidInput(N_("A PIN has at least 6 digits; a password at least 10 characters."))
    return secret


@dataclass
class StaffUser:
    username: str
    display_name: str
    role: Role
    secret_hash: str
    created_at: datetime
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = None
    last_sign_in_at: datetime | None = None
    id: int | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def sign_in_failed(self, now: datetime, lock_for: timedelta) -> None:
        self.failed_attempts += 1
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS:
            self.locked_until = now + lock_for
            self.failed_attempts = 0

    def signed_in(self, now: datetime) -> None:
        self.failed_attempts = 0
        self.locked_until = None
        self.last_sign_in_at = now

    def may(self, *roles: Role) -> bool:
        """Admins may do everything a station offers."""
        return self.active and (self.role is Role.ADMIN or self.role in roles)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    station: str
    action: str
    subject: str = ""
    detail: str = ""
    id: int | None = None
