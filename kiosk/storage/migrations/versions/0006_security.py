"""Staff accounts, the audit log and the visitor log of the security desk.

Revision ID: 0006_security
Revises: 0005_ticket_details
Create Date: 2026-11-26
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_security"
down_revision = "0005_ticket_details"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
