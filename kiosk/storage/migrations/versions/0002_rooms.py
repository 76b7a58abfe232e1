"""Discussion rooms: rooms, bookings and the slots they hold.

Revision ID: 0002_rooms
Revises: 0001_queue
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_rooms"
down_revision = "0001_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_rooms"),
    )
    op.create_table(
        "room_bookings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_code", sa.String(40), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("name", sa.String(80), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["room_code"], ["rooms.code"], name="fk_room_bookings_room_code_rooms"),
        sa.PrimaryKeyConstraint("id", name="pk_room_bookings"),
    )
    op.create_index("uq_room_bookings_day_code", "room_bookings", ["service_date", "code"], unique=True)
    op.create_index("ix_room_bookings_day", "room_bookings", ["service_date", "room_code"])
    op.create_table(
        "room_slots",
        sa.Column("room_code", sa.String(40), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["room_code"], ["rooms.code"], name="fk_room_slots_room_code_rooms"),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["room_bookings.id"], name="fk_room_slots_booking_id_room_bookings"
        ),
        sa.PrimaryKeyConstraint("room_code", "starts_at", name="pk_room_slots"),
    )
    op.create_index("ix_room_slots_booking_id", "room_slots", ["booking_id"])


def downgrade() -> None:
    op.drop_index("ix_room_slots_booking_id", table_name="room_slots")
    op.drop_table("room_slots")
    op.drop_index("ix_room_bookings_day", table_name="room_bookings")
    op.drop_index("uq_room_bookings_day_code", table_name="room_bookings")
    op.drop_table("room_bookings")
    op.drop_table("rooms")
