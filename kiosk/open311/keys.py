"""Where the Open311 api key comes from: the setting itself, or the operating system's keyring.

A setting "keyring:SERVICE/USER" keeps the key out of the settings file; the key is then read with
the optional ``keyring`` package (``pip install 'city-kiosk[keyring]'``), imported only when asked for.
"""

from __future__ import annotations

PREFIX = "keyring:"


class ApiKeyError(ValueError):
    """The api key setting names a keyring entry that cannot be read; the message says what to fix."""


def api_key_from(settings_value: str) -> str:
    """The api key a setting stands for: the value itself, or the keyring's password it names."""
    if not settings_value.startswith(PREFIX):
        return settings_value
    reference = settings_value[len(PREFIX) :]
    # The user is after the last "/": a service name may itself hold one (a URL, for example).
    service, _, user = reference.rpartition("/")
    if not service or not user:
        raise ApiKeyError(f"api key {settings_value!r}: expected keyring:SERVICE/USER")
    try:
        import keyring
        import keyring.errors
    except ImportError as exc:
        raise ApiKeyError(
            f"api key {settings_value!r} is in the keyring, but the keyring package is not installed: "
            "pip install 'city-kiosk[keyring]'"
        ) from exc
    try:
        secret = keyring.get_password(service, user)
    except keyring.errors.KeyringError as exc:
        raise ApiKeyError(f"api key {settings_value!r}: the keyring could not be read ({exc})") from exc
    if not secret:
        raise ApiKeyError(
            f"api key {settings_value!r}: the keyring has no password for service {service!r}, user {user!r}"
        )
    return secret
