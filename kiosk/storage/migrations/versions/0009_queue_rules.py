"""Counters, the services each serves, breaks and priority rules; the wait each ticket was told.

Revision ID: 0009_queue_rules
Revises: 0008_feedback
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_queue_rules"
down_revision = "0008_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("break_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    op.create_table(
        "queue_rules",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_queue_rules"),
    )
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("estimated_wait_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("estimated_wait_seconds")
    op.drop_table("queue_rules")
    op.drop_table("counters")
