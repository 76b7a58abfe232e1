"""When each ticket was first called (a recall moves called_at), and an index for the latest calls.

Revision ID: 0010_first_called_at
Revises: 0009_queue_rules
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_first_called_at"
down_revision = "0009_queue_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("first_called_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_tickets_called_at", ["called_at"])
    # Tickets called before this version: their last call is the best known; a ticket never recalled
    # has it exact.
    op.execute("UPDATE tickets SET first_called_at = called_at WHERE called_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_called_at")
        batch.drop_column("first_called_at")
