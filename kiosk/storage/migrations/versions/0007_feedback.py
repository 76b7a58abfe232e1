"""Visitors' ratings of their visit.

Revision ID: 0007_feedback
Revises: 0006_security
Create Date: 2026-11-26
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_feedback"
down_revision = "0006_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
