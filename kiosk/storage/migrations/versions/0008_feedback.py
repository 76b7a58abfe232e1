"""Visitors' ratings of their visit, and the tokens of the ticket's feedback link.

Revision ID: 0008_feedback
Revises: 0007_visitors
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_feedback"
down_revision = "0007_visitors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name="fk_feedback_ticket_id_tickets"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("ticket_id", name="uq_feedback_ticket_id"),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_table(
        "feedback_tokens",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name="fk_feedback_tokens_ticket_id_tickets"),
        sa.PrimaryKeyConstraint("token", name="pk_feedback_tokens"),
        sa.UniqueConstraint("ticket_id", name="uq_feedback_tokens_ticket_id"),
    )


def downgrade() -> None:
    op.drop_table("feedback_tokens")
    op.drop_index("ix_feedback_created_at", table_name="feedback")
    op.drop_table("feedback")
