"""Shared fixtures: settings on a temporary directory, backends on SQLite and PostgreSQL, a fake clock."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

# Before anything imports Qt: widgets render offscreen, with no screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

PG_URL = os.environ.get("KIOSK_TEST_PG_URL", "")


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 9:00 in Portland

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_settings(tmp_path: Path):
    """Settings isolated from the user's own file and environment."""
    from kiosk.settings import load_settings

    def make(**overrides):
        overrides.setdefault("data_dir", str(tmp_path))
        return load_settings(path=tmp_path / "no-settings.toml", environ={}, **overrides)

    return make


@pytest.fixture
def sqlite_backend(make_settings, clock):
    from kiosk.app import build_backend

    backend = build_backend(make_settings(), clock=clock)
    yield backend
    backend.dispose()


def fresh_pg_database() -> str:
    """A new empty database on the test server; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from kiosk.storage.database import make_engine

    name = f"kiosk_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    admin = create_engine(admin.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def pg_url() -> str:
    if not PG_URL:
        pytest.skip("KIOSK_TEST_PG_URL is not set: no PostgreSQL server to test against (.ci/run starts one)")
    return fresh_pg_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, make_settings, clock):
    """The same test on the embedded SQLite default and on a real PostgreSQL."""
    from kiosk.app import build_backend

    if request.param == "sqlite":
        settings = make_settings()
    else:
        settings = make_settings(database_url=request.getfixturevalue("pg_url"))
    backend = build_backend(settings, clock=clock)
    yield backend
    backend.dispose()
