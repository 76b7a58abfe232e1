"""Engines for the embedded SQLite default and for a shared PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "kiosk_write"
# A pooled server connection idle this long is tested before use (see _ping_when_idle).
PING_AFTER_IDLE_S = 5.0


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # psycopg 3 is the driver we ship and test with; a bare postgresql:// URL would pick psycopg2.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, pool_size=5, max_overflow=5)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use when it has been idle a while, as pool_pre_ping does on
    every use: a server restart or a dropped link then costs nobody an error. A connection used a
    moment ago is not tested: at a busy counter the test was a third of the round trips of a call
    (tests/benchmarks/queue.py). Should the server vanish in that moment, the failing statement
    invalidates the connection and the pool opens a new one for the next try."""
    idle_since = "kiosk_idle_since"

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info[idle_since] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get(idle_since)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        dialect = engine.dialect
        try:
            # SQLAlchemy 2.0 answers False for a lost connection; 2.1 raises the driver's error.
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            # The pool throws this connection away and checks out (or opens) another.
            raise exc.DisconnectionError("the database connection was lost while idle")


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # NullPool: a connection per unit of work is cheap on SQLite and leaves no connection shared
    # between the UI thread and workers.
    engine = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a ticket the visitor was given survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # A writer takes the write lock at BEGIN: upgrading a read transaction to a write one
        # fails at once with SQLITE_BUSY under WAL instead of waiting for the busy timeout.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine
