"""The visitor kiosk starts as a real process, shows its welcome screen and leaves cleanly."""

from __future__ import annotations

import sqlite3
import time

from kiosk.storage.migrate import HEAD
from tests.e2e.helpers import assert_no_traceback

START_TIMEOUT = 30.0


def test_kiosk_starts_reports_ready_and_exits_cleanly(kiosk):
    started = time.monotonic()
    result = kiosk.run("--windowed", "--exit-when-ready", timeout=START_TIMEOUT)
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    assert "kiosk: ready" in result.stdout.splitlines(), result.stdout
    assert_no_traceback(result)
    assert elapsed < START_TIMEOUT
    # Errors in slots go to the staff log, not to stderr: that log must be clean too.
    log = kiosk.data_dir / "logs" / "kiosk.log"
    assert log.is_file()
    log_text = log.read_text(encoding="utf-8")
    for marker in ("Traceback", " ERROR ", " CRITICAL "):
        assert marker not in log_text, log_text
    # The kiosk opened the database in the background before leaving: it is now at the newest schema.
    with sqlite3.connect(kiosk.database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)


def test_kiosk_second_start_on_an_existing_database(kiosk):
    assert kiosk.run("db", "upgrade").returncode == 0

    result = kiosk.run("--windowed", "--exit-when-ready", timeout=START_TIMEOUT)

    assert result.returncode == 0, result.stderr
    assert "kiosk: ready" in result.stdout.splitlines(), result.stdout
    assert_no_traceback(result)
    log_text = (kiosk.data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "Upgrading the database schema" not in log_text


def test_a_second_kiosk_on_the_same_machine_is_refused_and_the_first_stays(kiosk):
    import subprocess
    import sys

    first = subprocess.Popen(
        [sys.executable, "-m", "kiosk"],
        env=kiosk.env,
        cwd=kiosk.data_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = kiosk.data_dir / "kiosk.lock"
        deadline = time.monotonic() + START_TIMEOUT
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lock.exists()
        second = kiosk.run("--exit-when-ready", timeout=START_TIMEOUT)
        assert second.returncode == 1
        assert "another kiosk is already running" in second.stderr
        assert "kiosk: ready" not in second.stdout
        assert_no_traceback(second)
        assert first.poll() is None, "the first kiosk must keep running"
    finally:
        first.kill()
        first.communicate(timeout=10)
    # Once the first is gone (even killed), a kiosk starts again: the stale lock is taken over.
    again = kiosk.run("--exit-when-ready", timeout=START_TIMEOUT)
    assert again.returncode == 0, again.stderr
