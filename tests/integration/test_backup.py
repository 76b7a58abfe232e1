"""`kiosk db backup` / `kiosk db restore`: a backup taken while another process writes tickets is one
consistent moment of the database, and a restore never overwrites a database a station is using."""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.storage.backup import BackupError, backup, check_backup, restore

WRITES = 300


def write_tickets(url: str, count: int, started) -> None:
    """Another station checking visitors in, one ticket per transaction, as fast as it can."""
    from kiosk.services import checkin
    from tests.integration.workers import context

    ctx, engine = context(url)
    try:
        for index in range(count):
            checkin.check_in(ctx, ("information", "permits", "payments")[index % 3], f"V{index}")
            if index == 10:
                started.set()
    finally:
        engine.dispose()


def tickets(path: Path) -> list[tuple]:
    # closing(): sqlite3's own context manager commits but leaves the connection open.
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            "SELECT id, number, service_code, first_name FROM tickets ORDER BY id"
        ).fetchall()


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def test_a_backup_taken_during_writes_restores_to_a_consistent_prefix(make_settings, tmp_path):
    from kiosk.app import build_backend

    settings = make_settings()
    url = settings.effective_database_url
    build_backend(settings).dispose()  # the schema and the services, as a station's start makes them
    spawn = multiprocessing.get_context("spawn")
    started = spawn.Event()
    writer = spawn.Process(target=write_tickets, args=(url, WRITES, started))
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while not started.wait(0.1):
            assert writer.is_alive() and time.monotonic() < deadline, "the writing station did not start"
        copies = []
        while writer.is_alive() and len(copies) < 5:
            target = tmp_path / f"backup-{len(copies)}.sqlite3"
            backup(url, target)
            copies.append(target)
            time.sleep(0.05)
        writer.join(120)
    finally:
        if writer.is_alive():
            writer.kill()
    assert writer.exitcode == 0
    final = tickets(Path(settings.data_path / "kiosk.sqlite3"))
    assert len(final) == WRITES
    counts = []
    for index, copy in enumerate(copies):
        restored = tmp_path / f"restored-{index}.sqlite3"
        result = restore(f"sqlite:///{restored}", copy)
        assert result.revision is not None
        assert integrity(restored) == "ok"
        rows = tickets(restored)
        # Exactly the tickets committed before the backup's moment, each as it was: a prefix.
        assert rows == final[: len(rows)]
        counts.append(len(rows))
    assert any(0 < n < WRITES for n in counts), f"no backup was taken while tickets were written: {counts}"


def test_restore_is_refused_while_a_station_runs_and_keeps_a_safety_copy(make_settings, tmp_path):
    from kiosk.app import build_backend
    from kiosk.services import checkin

    settings = make_settings()
    url = settings.effective_database_url
    station = build_backend(settings)
    checkin.check_in(station.ctx, "information", "Before")
    saved = tmp_path / "saved.sqlite3"
    backup(url, saved)
    checkin.check_in(station.ctx, "information", "After")
    with pytest.raises(BackupError, match="stations are using the database"):
        restore(url, saved)
    assert len(tickets(settings.data_path / "kiosk.sqlite3")) == 2  # untouched
    station.dispose()

    result = restore(url, saved)
    assert [row[3] for row in tickets(settings.data_path / "kiosk.sqlite3")] == ["Before"]
    assert [row[3] for row in tickets(result.safety_copy)] == ["Before", "After"]
    assert integrity(settings.data_path / "kiosk.sqlite3") == "ok"
    # A station starts again on the restored file and carries on numbering from it.
    again = build_backend(settings)
    try:
        assert checkin.check_in(again.ctx, "information").ticket.number == "A002"
    finally:
        again.dispose()


def test_a_damaged_backup_is_refused_before_anything_is_touched(make_settings, tmp_path):
    from kiosk.app import build_backend

    settings = make_settings()
    build_backend(settings).dispose()
    good = tmp_path / "good.sqlite3"
    backup(settings.effective_database_url, good)
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(good.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096
    damaged.write_bytes(bytes(data))
    before = (settings.data_path / "kiosk.sqlite3").read_bytes()
    with pytest.raises(BackupError):
        restore(settings.effective_database_url, damaged)
    with pytest.raises(BackupError, match="not a usable SQLite database"):
        check_backup(Path(__file__))
    assert (settings.data_path / "kiosk.sqlite3").read_bytes() == before
    assert not list(settings.data_path.glob("*before-restore*"))


def test_postgresql_is_pointed_to_pg_dump_and_the_cli_backs_up(make_settings, tmp_path, monkeypatch, capsys):
    from kiosk.app import build_backend
    from kiosk.cli import main

    with pytest.raises(BackupError, match="pg_dump"):
        backup("postgresql+psycopg://kiosk@db.example/kiosk", tmp_path / "x")
    settings = make_settings()
    build_backend(settings).dispose()
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(settings.data_path))
    target = tmp_path / "cli.sqlite3"
    assert main(["db", "backup", str(target)]) == 0
    assert "integrity check ok" in capsys.readouterr().out
    assert main(["db", "backup", str(target)]) == 1  # never overwrites
    assert "exists" in capsys.readouterr().err
    assert main(["db", "restore", str(target)]) == 0
    assert "kept at" in capsys.readouterr().out
