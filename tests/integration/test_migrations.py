"""Alembic: from empty to head, a linear chain, models equal to the migrated schema, pragmas in force."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from kiosk.storage.database import make_engine
from kiosk.storage.migrate import HEAD, alembic_config, current_revision, upgrade
from kiosk.storage.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_the_revision_chain_is_linear_and_head_is_known():
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD]
    assert len(scripts.get_bases()) == 1
    revisions = list(scripts.walk_revisions())
    ids = {r.revision for r in revisions}
    for revision in revisions:
        assert revision.down_revision is None or revision.down_revision in ids
        assert not isinstance(revision.down_revision, tuple), "merge revisions are not allowed"


def test_upgrade_from_empty_to_head_then_nothing_to_do(empty_engine):
    assert upgrade(empty_engine) is True
    with empty_engine.connect() as connection:
        assert current_revision(connection) == HEAD
        assert {"tickets", "queue_services", "ticket_sequences", "change_counters"} <= set(
            inspect(connection).get_table_names()
        )
    assert upgrade(empty_engine) is False


def test_the_models_match_the_migrated_schema(empty_engine):
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_downgrade_to_empty_and_back(empty_engine):
    from alembic import command

    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    with empty_engine.connect() as connection:
        assert "tickets" not in inspect(connection).get_table_names()
    assert upgrade(empty_engine) is True


def test_sqlite_runs_with_wal_full_sync_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


def test_tickets_called_before_0010_get_their_call_as_first_call(empty_engine):
    """0010 keeps the wait of tickets already called: first_called_at from called_at."""
    from datetime import UTC, date, datetime

    from alembic import command
    from sqlalchemy import MetaData, Table

    config = alembic_config()
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009_queue_rules")
        meta = MetaData()
        services = Table("queue_services", meta, autoload_with=connection)
        tickets = Table("tickets", meta, autoload_with=connection)
        connection.execute(
            services.insert().values(
                code="information",
                prefix="A",
                names={"en": "Information"},
                descriptions={},
                sort_order=1,
                priority=0,
                average_minutes=5,
                active=True,
            )
        )
        at = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
        common = {
            "sequence": 1,
            "service_code": "information",
            "service_date": date(2026, 11, 25),
            "priority": 0,
            "created_at": at,
            "queued_at": at,
            "recall_count": 0,
            "language": "en",
            "channel": "kiosk",
            "accommodation": False,
        }
        connection.execute(tickets.insert().values(number="A001", status="done", called_at=at, **common))
        connection.execute(
            tickets.insert().values(number="A002", status="waiting", **{**common, "sequence": 2})
        )
    assert upgrade(empty_engine) is True
    with empty_engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT number, first_called_at FROM tickets")).all())
    assert rows["A002"] is None
    called = rows["A001"]
    # PostgreSQL hands back an aware datetime, SQLite its text: either way, the instant of the call.
    if isinstance(called, datetime):
        assert called == at
    else:
        assert called.startswith("2026-11-25 17:00:00")
