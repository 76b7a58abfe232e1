"""Prompt change notification on PostgreSQL: every change-counter bump NOTIFYs, a display LISTENs.

A station on another machine then hears of a call within milliseconds of its commit, where polling
would cost every display a query several times a second. SQLite has no such thing; its stations poll
the change counter, which is cheap on a local file.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# The bump and its notification in one statement (one round trip per queue change); no row means the
# counter does not exist yet and is created by the caller.
NOTIFY_BUMP = text(
    "WITH bumped AS (UPDATE change_counters SET version = version + 1 WHERE name = :name RETURNING version) "
    "SELECT pg_notify(:channel, version::text) FROM bumped"
)
NOTIFY_NEW = text("SELECT pg_notify(:channel, '1')")

WAIT_S = 0.5  # how long one wait for notifications lasts: the longest stop() waits for the thread
HEALTH_CHECK_S = 15.0  # a connection cut without a word (a cable pulled) is found this soon
RETRY_S = (0.5, 1.0, 2.0, 5.0)


def channel(name: str) -> str:
    """The NOTIFY channel of a change counter ("queue" -> "kiosk_queue")."""
    return f"kiosk_{name}"


def connection_options(url: str) -> dict:
    """psycopg's connection keywords for a SQLAlchemy URL, with TCP keepalives on."""
    parsed = make_url(url)
    options = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": parsed.database,
        "connect_timeout": 5,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "application_name": "kiosk-listen",
    }
    options.update({key: value for key, value in parsed.query.items() if isinstance(value, str)})
    return {key: value for key, value in options.items() if value is not None}


class PgChangeFeed:
    """services.ports.ChangeFeed on PostgreSQL LISTEN, in a daemon thread with its own connection.

    ``on_change`` is called on that thread for every notification, and once each time the connection
    is (re)made, since changes may have been missed while it was down. It must return quickly (emit a
    signal, set an event). A lost connection is made again with a growing pause; nothing is raised.
    """

    def __init__(self, url: str, name: str = "queue") -> None:
        self.options = connection_options(url)
        self.channel = channel(name)
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread: threading.Thread | None = None
        self.notifications = 0
        self.reconnects = 0

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def start(self, on_change: Callable[[], None]) -> None:
        if self._thread is not None:
            raise RuntimeError("the change feed is already started")
        self._thread = threading.Thread(
            target=self._run, args=(on_change,), name="kiosk-change-feed", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, on_change: Callable[[], None]) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen(on_change)
                failures = 0
            except Exception as exc:  # noqa: BLE001 - the display keeps polling; try again shortly
                self._connected.clear()
                pause = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                log.warning(
                    "Change notifications lost (%s); reconnecting in %.1f s", type(exc).__name__, pause
                )
                self._stop.wait(pause)

    def _listen(self, on_change: Callable[[], None]) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(autocommit=True, **self.options) as connection:
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            if self.reconnects:
                log.info("Change notifications are back")
            self.reconnects += 1
            self._connected.set()
            on_change()
            checked = time.monotonic()
            while not self._stop.is_set():
                for _notify in connection.notifies(timeout=WAIT_S):
                    self.notifications += 1
                    on_change()
                    if self._stop.is_set():
                        break
                if time.monotonic() - checked > HEALTH_CHECK_S:
                    connection.execute("SELECT 1")
                    checked = time.monotonic()
        self._connected.clear()


def change_feed_for(engine: Engine, name: str = "queue") -> PgChangeFeed | None:
    """A LISTEN feed where the database can notify (PostgreSQL); None where stations poll (SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    return PgChangeFeed(engine.url.render_as_string(hide_password=False), name)
