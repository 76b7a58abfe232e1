"""An Open311 development server on 127.0.0.1 for each test, and a client with short timeouts."""

from __future__ import annotations

import pytest

from kiosk.open311 import HttpOpen311Client
from kiosk.open311.dev_server import DevServer
from kiosk.services.ports import NewRequest

CLIENT_TIMEOUT = 0.5  # seconds; the server's injected timeouts last longer than this
SERVER_HANG = 1.5


@pytest.fixture
def server(tmp_path):
    with DevServer(tmp_path / "open311.sqlite3", hang_seconds=SERVER_HANG, slow_seconds=0.1) as running:
        yield running


@pytest.fixture
def client(server):
    with HttpOpen311Client(server.url, server.api_key, timeout=CLIENT_TIMEOUT) as made:
        yield made


def graffiti(**changes) -> NewRequest:
    fields = {
        "service_code": "GRAFFITI",
        "attributes": {"SURFACE": "building"},
        "address_string": "1120 SW 5th Ave, Portland, OR",
        "description": "Tag on the east wall [ref K1-0001]",
    }
    fields.update(changes)
    return NewRequest(**fields)
