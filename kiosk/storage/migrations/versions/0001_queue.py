"""The queue: services, tickets, day sequences and the change counter.

Revision ID: 0001_queue
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_queue"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_services",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("prefix", sa.String(2), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("descriptions", sa.JSON(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("average_minutes", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_queue_services"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(40), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_name", sa.String(80), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("counter", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("serving_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recall_count", sa.Integer(), nullable=False),
        sa.Column("transferred_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_code"], ["queue_services.code"], name="fk_tickets_service_code_queue_services"
        ),
        sa.ForeignKeyConstraint(
            ["transferred_from_id"], ["tickets.id"], name="fk_tickets_transferred_from_id_tickets"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
    )
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index("ix_tickets_queue", "tickets", ["status", "priority", "queued_at"])
    op.create_index(
        "uq_tickets_issued_number",
        "tickets",
        ["service_date", "service_code", "sequence"],
        unique=True,
        sqlite_where=sa.text("transferred_from_id IS NULL"),
        postgresql_where=sa.text("transferred_from_id IS NULL"),
    )
    op.create_table(
        "ticket_sequences",
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(40), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_date", "service_code", name="pk_ticket_sequences"),
    )
    op.create_table(
        "change_counters",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_change_counters"),
    )


def downgrade() -> None:
    op.drop_table("change_counters")
    op.drop_table("ticket_sequences")
    op.drop_index("uq_tickets_issued_number", table_name="tickets")
    op.drop_index("ix_tickets_queue", table_name="tickets")
    op.drop_index("ix_tickets_status", table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("queue_services")
