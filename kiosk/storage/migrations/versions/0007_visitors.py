"""The security desk's visitor log.

Revision ID: 0007_visitors
Revises: 0006_staff
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_visitors"
down_revision = "0006_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("badge", sa.String(12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("organisation", sa.String(80), nullable=False),
        sa.Column("host", sa.String(120), nullable=False),
        sa.Column("purpose", sa.String(120), nullable=False),
        sa.Column("id_checked", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_out_how", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
        sa.UniqueConstraint("token", name="uq_visits_token"),
    )
    op.create_index("ix_visits_signed_in_at", "visits", ["signed_in_at"])
    op.create_index("ix_visits_day_sequence", "visits", ["service_date", "sequence"])
    op.create_index(
        "uq_visits_badge_in_building",
        "visits",
        ["badge"],
        unique=True,
        sqlite_where=sa.text("signed_out_at IS NULL"),
        postgresql_where=sa.text("signed_out_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_visits_badge_in_building", table_name="visits")
    op.drop_index("ix_visits_day_sequence", table_name="visits")
    op.drop_index("ix_visits_signed_in_at", table_name="visits")
    op.drop_table("visits")
