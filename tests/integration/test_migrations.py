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
