"""End-to-end helpers: the real `kiosk` command in a child process, isolated from the user's own setup."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

COMMAND_TIMEOUT = 60.0


@dataclass
class Kiosk:
    """Runs ``python -m kiosk ...`` with the data directory and settings file under one temporary dir."""

    env: dict[str, str]
    data_dir: Path
    config: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "kiosk.sqlite3"

    def run(
        self, *args: str, extra_env: dict[str, str] | None = None, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        env = dict(self.env, **(extra_env or {}))
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            env=env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )

    def python(
        self, code: str, *args: str, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """Another Python process in the same environment (another station on the same database)."""
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )


def isolated_environment(data_dir: Path, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_DATA_DIR=str(data_dir),
        KIOSK_CONFIG=str(config),
        QT_QPA_PLATFORM="offscreen",
        PYTHONIOENCODING="utf-8",
    )
    return env


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
