"""Counters, the services each serves, breaks and priority rules.

Revision ID: 0009_queue_rules
Revises: 0008_feedback
Create Date: 2026-11-26
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0009_queue_rules"
down_revision = "0008_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
