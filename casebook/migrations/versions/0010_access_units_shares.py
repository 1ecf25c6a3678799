"""access: the unit and classification of register entries, the classification of takedown
lists, shares with other units, and the listings each unit may read

Entries decided before this revision are Dit. Siber's (unit "") and biasa, as are lists.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import casebook.models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unit", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "classification", sa.String(length=16), server_default="biasa", nullable=False
            )
        )
        batch_op.create_index("ix_register_entries_unit_id", ["unit", "id"], unique=False)
    with op.batch_alter_table("takedown_lists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "classification", sa.String(length=16), server_default="biasa", nullable=False
            )
        )
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("shared_by", sa.String(length=64), nullable=False),
        sa.Column("shared_at", casebook.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint("kind", "object_id", "unit", name=op.f("uq_shares_kind")),
    )
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shares_unit_kind_object_id", ["unit", "kind", "object_id"], unique=False
        )
    op.create_table(
        "unit_listings",
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_unit_listings_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("unit", "listing_id", "via", name=op.f("pk_unit_listings")),
    )


def downgrade() -> None:
    op.drop_table("unit_listings")
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_index("ix_shares_unit_kind_object_id")
    op.drop_table("shares")
    with op.batch_alter_table("takedown_lists", schema=None) as batch_op:
        batch_op.drop_column("classification")
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_register_entries_unit_id")
        batch_op.drop_column("classification")
        batch_op.drop_column("unit")
