"""superseded hits, how a listing was read, re-check back-off

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import casebook.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "superseded_at", casebook.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("superseded_version", sa.String(length=32), nullable=True))
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recheck_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "recheck_after", casebook.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("read_by", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_column("read_by")
        batch_op.drop_column("recheck_after")
        batch_op.drop_column("recheck_failures")
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_column("superseded_version")
        batch_op.drop_column("superseded_at")
