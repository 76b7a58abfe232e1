"""The call-next path's statements run on the driver connection (kiosk/storage/driver.py) read and
write what SQLAlchemy would, and a connection the server dropped costs at most one failed action."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, select, text, update

from kiosk.services import checkin, counters, queue
from kiosk.storage import database
from kiosk.storage.driver import DriverStatement
from kiosk.storage.models import ChangeCounterRow, CounterRow, TicketRow


@pytest.fixture
def pg_backend(make_settings, clock, pg_url):
    from kiosk.app import build_backend

    backend = build_backend(make_settings(database_url=pg_url), clock=clock)
    yield backend
    backend.dispose()


def _both_ways(backend, statement, params: dict) -> tuple[dict | None, dict | None]:
    with backend.ctx.uow() as uow:
        core = uow.session.connection().execute(statement, params).first()
        driver = DriverStatement(statement).first(uow.session, params)
    return (dict(core._mapping) if core else None), driver


def test_a_driver_statement_reads_every_column_type_as_sqlalchemy_does(pg_backend, clock):
    ctx = pg_backend.ctx
    ticket = checkin.check_in(ctx, "information").ticket
    counters.set_services(ctx, "2", ["information", "permits"])
    counters.start_break(ctx, "2")

    tickets = TicketRow.__table__
    core, driver = _both_ways(
        pg_backend, select(tickets).where(tickets.c.id == bindparam("id")), {"id": ticket.id}
    )
    assert driver == core
    # Aware UTC datetimes, as the UTCDateTime type gives them, and nulls left alone.
    assert driver["queued_at"] == ticket.queued_at and driver["queued_at"].tzinfo is UTC
    assert driver["called_at"] is None and driver["accommodation"] is False

    row = CounterRow.__table__
    core, driver = _both_ways(pg_backend, select(row).where(row.c.name == bindparam("name")), {"name": "2"})
    assert driver == core
    assert driver["services"] == ["information", "permits"] and driver["break_since"].tzinfo is UTC

    assert _both_ways(pg_backend, select(tickets).where(tickets.c.id == bindparam("id")), {"id": -1}) == (
        None,
        None,
    )


def test_a_driver_statement_writes_with_the_types_conversions_and_the_statements_own_values(
    pg_backend, clock
):
    ctx = pg_backend.ctx
    ticket = checkin.check_in(ctx, "information").ticket
    before = queue.change_marker(ctx)
    assert before > 0
    counters_table = ChangeCounterRow.__table__
    bump = (
        update(counters_table)
        .where(counters_table.c.name == bindparam("marker"))
        .values(version=counters_table.c.version + 2)
        .returning(counters_table.c.version)
    )
    with ctx.uow(write=True) as uow:
        assert DriverStatement(bump).first(uow.session, {"marker": "queue"}) == {"version": before + 2}
        uow.commit()
    assert queue.change_marker(ctx) == before + 2

    # A time from another zone is stored as the same instant.
    tickets = TicketRow.__table__
    at = datetime(2026, 11, 25, 9, 30, tzinfo=UTC).astimezone(ZoneInfo("America/Los_Angeles"))
    write = (
        update(tickets)
        .where(tickets.c.id == bindparam("id"))
        .values(called_at=bindparam("at", type_=tickets.c.called_at.type))
    )
    with ctx.uow(write=True) as uow:
        assert DriverStatement(write).first(uow.session, {"id": ticket.id, "at": at}) is None
        uow.commit()
    with ctx.uow() as uow:
        assert uow.tickets.get(ticket.id).called_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_a_driver_statement_refuses_a_list_parameter(pg_backend):
    tickets = TicketRow.__table__
    statement = DriverStatement(
        select(tickets.c.id).where(tickets.c.service_code.in_(bindparam("codes", expanding=True)))
    )
    with pg_backend.ctx.uow() as uow, pytest.raises(ValueError, match="expanding"):
        statement.first(uow.session, {"codes": ["information"]})


def _kill_other_connections(pg_url: str) -> int:
    from sqlalchemy import create_engine

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        admin.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(pg_backend, pg_url, monkeypatch):
    ctx = pg_backend.ctx
    checkin.check_in(ctx, "information")
    checkin.check_in(ctx, "information")
    assert _kill_other_connections(pg_url) >= 1
    # As if the pooled connection had sat idle past the threshold.
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)

    called = queue.call_next(ctx, "1")

    assert called.number
    assert queue.finish(ctx, called.id).status.value == "done"


def test_a_connection_dropped_while_busy_fails_one_action_and_the_next_one_works(
    pg_backend, pg_url, monkeypatch
):
    """Within the idle threshold the connection is not tested: the call that meets the dropped link
    fails (the console says so and the visitor stays waiting), the pool forgets the connection, and
    the next call gets a new one."""
    ctx = pg_backend.ctx
    checkin.check_in(ctx, "information")
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 3600.0)
    queue.change_marker(ctx)
    assert _kill_other_connections(pg_url) >= 1

    with pytest.raises(Exception) as failed:
        queue.call_next(ctx, "1")
    assert "terminat" in str(failed.value).lower() or "closed" in str(failed.value).lower()

    called = queue.call_next(ctx, "1")
    assert called.status.value == "called"
    with ctx.uow() as uow:
        assert [t.id for t in uow.tickets.at_counters()] == [called.id]


def test_the_idle_threshold_is_measured_from_the_connections_last_use(pg_backend, monkeypatch):
    pings = []
    dialect = pg_backend.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(1) or real_ping(connection))
    ctx = pg_backend.ctx
    queue.change_marker(ctx)
    queue.change_marker(ctx)
    assert pings == []
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)
    queue.change_marker(ctx)
    assert pings == [1]
