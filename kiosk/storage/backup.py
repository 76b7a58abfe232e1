"""Backing up and restoring the embedded SQLite database, safely while stations write to it.

The copy is made with SQLite's online backup API from a read transaction: under WAL that is one
consistent snapshot (every ticket committed before it, none after) and writers never wait for it. The
copy is then switched out of WAL, so a backup is one self-contained file, and checked with
``PRAGMA integrity_check``.

A restore replaces the live database, which no station may be using at that moment. Every station holds
a connection open for as long as it runs (``StationPresence``); under WAL, SQLite refuses to leave WAL
mode while another connection has the database open, and that refusal is how a restore sees them. Before
anything is overwritten the current database is copied aside the same way as a backup.

PostgreSQL is backed up with its own tools (pg_dump), which are made for it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

PG_ADVICE = (
    "this is a PostgreSQL database: back it up with pg_dump (pg_dump -Fc -f kiosk.dump DBNAME) and "
    "restore with pg_restore; the kiosk's own backup is for the embedded SQLite file"
)
BUSY_MS = 10_000


class BackupError(RuntimeError):
    """The backup or restore did not happen; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    tickets: int | None
    revision: str | None


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    safety_copy: Path | None
    revision: str | None


def sqlite_path(url: str) -> Path:
    """The SQLite file behind ``url``; BackupError for any other database."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise BackupError(PG_ADVICE)
    if backend != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise BackupError(f"only a SQLite database file can be backed up this way, not {backend}")
    return Path(parsed.database)


def _connect(path: Path, read_only: bool = False, timeout_ms: int = BUSY_MS) -> sqlite3.Connection:
    if read_only:
        # mode=ro: checking a file (a backup given to restore) must never create or change it.
        uri = f"file:{path.as_posix()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout_ms / 1000)
    else:
        connection = sqlite3.connect(path, isolation_level=None, timeout=timeout_ms / 1000)
    connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    return connection


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def _describe(connection: sqlite3.Connection) -> tuple[int | None, str | None]:
    """(tickets, schema revision) of a kiosk database; None where the table is missing."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tickets = (
        connection.execute("SELECT count(*) FROM tickets").fetchone()[0] if "tickets" in tables else None
    )
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    return tickets, revision


def _copy(source: Path, target: Path) -> None:
    """An online backup of ``source`` into a new file ``target`` (written aside, then renamed)."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    src = _connect(source)
    try:
        dst = sqlite3.connect(partial, isolation_level=None)
        try:
            # pages=-1: the whole database in one step, under one read transaction: one snapshot.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")
            problems = integrity_problems(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if problems:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {'; '.join(problems[:5])}")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)


def backup(url: str, target: Path) -> BackupResult:
    """Copy the live database to ``target``; safe while stations are running."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"there is no database at {source} to back up")
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name (a backup never overwrites)")
    if target.resolve() == source.resolve():
        raise BackupError("the backup cannot be the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy(source, target)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from exc
    with contextlib.closing(_connect(target, read_only=True)) as copy:
        tickets, revision = _describe(copy)
    return BackupResult(target, target.stat().st_size, tickets, revision)


def check_backup(path: Path) -> tuple[int | None, str | None]:
    """(tickets, revision) of a backup file that passes the integrity check; BackupError otherwise."""
    if not path.is_file():
        raise BackupError(f"there is no backup file {path}")
    try:
        with contextlib.closing(_connect(path, read_only=True)) as connection:
            problems = integrity_problems(connection)
            if problems:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:5])}")
            tickets, revision = _describe(connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a usable SQLite database ({exc})") from exc
    if revision is None:
        raise BackupError(f"{path} is not a kiosk database (it has no schema revision)")
    return tickets, revision


def _take_over(live: sqlite3.Connection) -> None:
    """Leave WAL, which SQLite allows only when no other connection has the database open."""
    try:
        live.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError(
                "stations are using the database (a kiosk, a console or kiosk sync): stop them all, "
                "then restore"
            ) from exc
        raise


def restore(url: str, source: Path, keep_safety_copy: bool = True) -> RestoreResult:
    """Replace the live database with the backup ``source``, after a safety copy of the current one.

    Refused while any station has the database open, and when the backup fails its integrity check.
    """
    database = sqlite_path(url)
    check_backup(Path(source))
    safety = None
    database.parent.mkdir(parents=True, exist_ok=True)
    live = _connect(database, timeout_ms=0)
    try:
        if database.exists() and database.stat().st_size > 0:
            _take_over(live)
            if keep_safety_copy:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                safety = database.with_name(f"{database.stem}.before-restore-{stamp}{database.suffix}")
                _copy(database, safety)
        with contextlib.closing(_connect(Path(source), read_only=True)) as backup_connection:
            backup_connection.backup(live, pages=-1)
        problems = integrity_problems(live)
        if problems:
            raise BackupError(
                f"the restored database failed its integrity check ({'; '.join(problems[:5])}); "
                f"the previous one is at {safety}"
            )
        # Back to what every station expects; they would switch it themselves, but not all at once.
        live.execute("PRAGMA journal_mode = WAL")
        _, revision = _describe(live)
    except sqlite3.Error as exc:
        raise BackupError(
            f"the restore failed: {exc}" + (f"; the previous database is at {safety}" if safety else "")
        ) from exc
    finally:
        live.close()
    return RestoreResult(database, safety, revision)


class StationPresence:
    """A connection a station keeps open while it runs, so that a restore can see it is running.

    It holds no transaction (writers and checkpoints never wait for it), only SQLite's shared lock on
    the WAL index, taken by one read.
    """

    def __init__(self, url: str) -> None:
        self._connection: sqlite3.Connection | None = None
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
            return
        connection = sqlite3.connect(parsed.database, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        self._connection = connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
