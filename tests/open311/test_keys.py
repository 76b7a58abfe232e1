"""The api key from the setting itself or from the operating system's keyring."""

from __future__ import annotations

import sys

import pytest

from kiosk.open311 import ApiKeyError, api_key_from


def test_a_plain_value_is_the_key():
    assert api_key_from("abc123") == "abc123"
    assert api_key_from("") == ""


def test_a_keyring_reference_reads_the_keyring(monkeypatch):
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1
        secrets = {("https://311.example.gov/open311", "kiosk-lobby"): "from-keyring"}

        def get_password(self, service, username):
            return self.secrets.get((service, username))

        def set_password(self, service, username, password):
            self.secrets[(service, username)] = password

        def delete_password(self, service, username):
            self.secrets.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        assert api_key_from("keyring:https://311.example.gov/open311/kiosk-lobby") == "from-keyring"
        with pytest.raises(ApiKeyError, match="no password"):
            api_key_from("keyring:other/kiosk-lobby")
    finally:
        keyring.set_keyring(previous)


def test_a_malformed_reference_says_what_is_expected():
    with pytest.raises(ApiKeyError, match="SERVICE/USER"):
        api_key_from("keyring:no-user")


def test_without_the_keyring_package_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring now raises ImportError
    with pytest.raises(ApiKeyError, match=r"city-kiosk\[keyring\]"):
        api_key_from("keyring:service/user")
