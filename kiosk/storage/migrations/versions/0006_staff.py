"""Staff accounts, their sign-in attempts and the audit log of staff actions.

Revision ID: 0006_staff
Revises: 0005_ticket_details
Create Date: 2026-11-26
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_staff"
down_revision = "0005_ticket_details"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
