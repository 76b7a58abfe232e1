"""`kiosk users` and `kiosk purge` as an operator runs them: real processes, a real database file."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

from tests.e2e.helpers import assert_no_traceback


def _with_stdin(kiosk, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        env=kiosk.env,
        cwd=kiosk.data_dir,
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_the_first_administrator_and_an_operator_are_added_listed_disabled_and_reset(kiosk):
    listed = kiosk.run("users", "list")
    assert listed.returncode == 0 and "kiosk users add NAME --role admin" in listed.stdout

    added = _with_stdin(
        kiosk, "730194\n", "users", "add", "Chen.Li", "--role", "admin", "--name", "陳莉", "--secret-stdin"
    )
    assert added.returncode == 0, added.stderr
    assert "Added chen.li (admin)" in added.stdout
    weak = _with_stdin(kiosk, "1234\n", "users", "add", "guard", "--role", "security", "--secret-stdin")
    assert weak.returncode == 1 and "at least 6 digits" in weak.stderr
    assert (
        _with_stdin(
            kiosk, "guard house 22\n", "users", "add", "guard", "--role", "security", "--secret-stdin"
        ).returncode
        == 0
    )
    duplicate = _with_stdin(kiosk, "730194\n", "users", "add", "guard", "--role", "admin", "--secret-stdin")
    assert duplicate.returncode == 1 and "already a user called guard" in duplicate.stderr

    listing = kiosk.run("users", "list").stdout
    assert re.search(r"^chen\.li\s+admin\s+active\s+last sign-in never\s+陳莉$", listing, re.MULTILINE), (
        listing
    )
    assert re.search(r"^guard\s+security\s+active", listing, re.MULTILINE)
    assert kiosk.run("users", "disable", "guard").returncode == 0
    assert re.search(r"^guard\s+security\s+disabled", kiosk.run("users", "list").stdout, re.MULTILINE)
    assert _with_stdin(kiosk, "guard house 23\n", "users", "reset", "guard", "--secret-stdin").returncode == 0

    with sqlite3.connect(kiosk.database) as connection:
        hashes = [row[0] for row in connection.execute("SELECT secret_hash FROM staff_users")]
        actions = [row[0] for row in connection.execute("SELECT action FROM audit_log ORDER BY id")]
        actors = {row[0] for row in connection.execute("SELECT actor FROM audit_log")}
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("730194" in h or "guard house" in h for h in hashes)
    assert actions == ["user.add", "user.add", "user.disable", "user.reset"]
    assert all(actor.startswith("cli:") for actor in actors)
    for result in (listed, added, weak, duplicate):
        assert_no_traceback(result)


def test_purge_dry_run_counts_and_changes_nothing(kiosk):
    assert kiosk.run("db", "upgrade").returncode == 0
    with sqlite3.connect(kiosk.database) as connection:
        connection.execute(
            "INSERT INTO queue_services (code, prefix, names, descriptions, sort_order, priority, average_minutes,"
            " active) VALUES ('information', 'A', '{}', '{}', 1, 0, 5, 1)"
        )
        connection.execute(
            "INSERT INTO tickets (number, sequence, service_code, service_date, status, first_name, priority,"
            " created_at, queued_at, recall_count, language, channel, accommodation)"
            " VALUES ('A001', 1, 'information', '2020-01-02', 'done', 'Ana', 0, '2020-01-02 17:00:00',"
            " '2020-01-02 17:00:00', 0, 'es', 'kiosk', 0)"
        )
    dry = kiosk.run("purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "queue tickets' first names would be cleared: 1" in dry.stdout
    with sqlite3.connect(kiosk.database) as connection:
        assert connection.execute("SELECT first_name FROM tickets").fetchone() == ("Ana",)
    done = kiosk.run("purge")
    assert "queue tickets' first names were cleared: 1" in done.stdout
    with sqlite3.connect(kiosk.database) as connection:
        assert connection.execute("SELECT first_name FROM tickets").fetchone() == (None,)
    assert_no_traceback(dry)
