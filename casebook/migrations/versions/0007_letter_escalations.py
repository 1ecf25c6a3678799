"""Komdigi's escalation stages on a sent letter (ST1, ST2, blocking)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import casebook.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", casebook.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"], name=op.f("fk_letter_escalations_letter_id_letters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_escalations")),
        sa.UniqueConstraint("letter_id", "stage", name=op.f("uq_letter_escalations_letter_id")),
    )
    with op.batch_alter_table("letter_escalations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_escalations_letter_id"), ["letter_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("letter_escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_escalations_letter_id"))
    op.drop_table("letter_escalations")
