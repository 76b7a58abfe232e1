"""Bring a database to the newest schema; cheap when it is already there.

Alembic is imported only when an upgrade is needed: it costs about half a second, and a kiosk
starting on an up-to-date database should not pay it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from kiosk.storage.database import WRITE_OPTION

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision. tests/integration/test_migrations.py checks it against the script folder.
HEAD = "0010_first_called_at"
_PG_LOCK_KEY = 3110311


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_at_head(engine: Engine) -> bool:
    with engine.connect() as connection:
        return current_revision(connection) == HEAD


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Upgrade to ``revision``; returns True when anything was applied.

    Several stations may start at once against one database: the upgrade runs under a lock
    (PostgreSQL advisory lock, SQLite write lock) and re-checks the revision inside it.
    """
    if revision == "head" and is_at_head(engine):
        return False
    from alembic import command

    with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        if revision == "head" and current_revision(connection) == HEAD:
            connection.commit()
            return False
        config = alembic_config()
        config.attributes["connection"] = connection
        log.info("Upgrading the database schema to %s", revision)
        command.upgrade(config, revision)
        connection.commit()
    return True
