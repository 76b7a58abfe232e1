"""Tickets remember the visitor's language, how the visit began and whether they asked for an accommodation.

Revision ID: 0005_ticket_details
Revises: 0004_station_printers
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_ticket_details"
down_revision = "0004_station_printers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
        batch.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="kiosk"))
        batch.add_column(sa.Column("accommodation", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("accommodation")
        batch.drop_column("channel")
        batch.drop_column("language")
