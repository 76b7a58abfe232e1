"""LISTEN/NOTIFY on PostgreSQL: a queue change committed anywhere is heard at once; a rolled-back one
never; a listener cut off by the server comes back by itself."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from kiosk.app import build_backend
from kiosk.services import checkin, queue
from kiosk.storage.notify import change_feed_for

pytestmark = pytest.mark.postgres


class Heard:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.event = threading.Event()

    def __call__(self) -> None:
        self.times.append(time.perf_counter())
        self.event.set()

    def wait(self, timeout: float = 2.0) -> float:
        """Seconds until the next notification (fails after ``timeout``)."""
        started = time.perf_counter()
        assert self.event.wait(timeout), "no notification"
        self.event.clear()
        return self.times[-1] - started


@pytest.fixture
def pg_backend(make_settings, pg_url):
    backend = build_backend(make_settings(database_url=pg_url))
    yield backend
    backend.dispose()


def test_a_committed_change_is_heard_and_a_rolled_back_one_is_not(pg_backend):
    feed = change_feed_for(pg_backend.engine)
    heard = Heard()
    feed.start(heard)
    try:
        assert feed.wait_connected(5)
        heard.wait()  # on connecting: changes may have been missed before
        checkin.check_in(pg_backend.ctx, "information")
        assert heard.wait() < 0.5
        queue.call_next(pg_backend.ctx, "1")
        assert heard.wait() < 0.5

        with pg_backend.ctx.uow(write=True) as uow:
            uow.changes.bump()  # never committed
        time.sleep(0.7)
        assert not heard.event.is_set(), "a change nobody committed was announced"
    finally:
        feed.stop()
    assert feed.notifications == 2


def test_a_listener_cut_off_by_the_server_comes_back(pg_backend):
    feed = change_feed_for(pg_backend.engine)
    heard = Heard()
    feed.start(heard)
    try:
        assert feed.wait_connected(5)
        heard.wait()
        with pg_backend.engine.connect() as connection:
            cut = (
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kiosk-listen' AND datname = current_database()"
                    )
                )
                .scalars()
                .all()
            )
        assert cut == [True]
        # Back within the first pause, and says so (changes may have been missed meanwhile).
        heard.wait(timeout=5)
        assert feed.connected and feed.reconnects == 2
        checkin.check_in(pg_backend.ctx, "permits")
        assert heard.wait() < 0.5
    finally:
        started = time.perf_counter()
        feed.stop()
        assert time.perf_counter() - started < 1.5, "stopping must not hang"
