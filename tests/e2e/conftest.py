"""Fixtures for the end-to-end tests: each test gets its own data directory and settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import Kiosk, isolated_environment


@pytest.fixture
def kiosk(tmp_path: Path) -> Kiosk:
    config = tmp_path / "settings.toml"
    return Kiosk(env=isolated_environment(tmp_path, config), data_dir=tmp_path, config=config)
