"""Each kiosk's printer state, for the console.

Revision ID: 0004_station_printers
Revises: 0003_requests
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_station_printers"
down_revision = "0003_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_printers",
        sa.Column("station", sa.String(80), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("station", name="pk_station_printers"),
    )


def downgrade() -> None:
    op.drop_table("station_printers")
