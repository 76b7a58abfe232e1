"""The security desk's visitor log.

Revision ID: 0007_visitors
Revises: 0006_staff
Create Date: 2026-11-26
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_visitors"
down_revision = "0006_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
