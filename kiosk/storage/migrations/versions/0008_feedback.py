"""Visitors' ratings of their visit.

Revision ID: 0008_feedback
Revises: 0007_visitors
Create Date: 2026-11-26
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008_feedback"
down_revision = "0007_visitors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
