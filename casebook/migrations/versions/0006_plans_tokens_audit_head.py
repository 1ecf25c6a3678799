"""patrol plan details and status, API tokens, audit event sequence and chain head, new roles

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import casebook.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
# supervisor became reviewer; a user with a role the code no longer knows could not log in.
OLD_ROLES = {"supervisor": "reviewer"}


def upgrade() -> None:
    _plans()
    _tokens()
    _audit()
    for old, new in OLD_ROLES.items():
        op.execute(sa.text("UPDATE users SET role = :new WHERE role = :old").bindparams(
            new=new, old=old))  # fmt: skip
    op.execute(sa.text("UPDATE users SET role = 'viewer' WHERE role NOT IN "
                       "('viewer', 'reviewer', 'upt_officer', 'analyst', 'admin')"))  # fmt: skip


def _plans() -> None:
    with op.batch_alter_table("patrol_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_basis", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("classification", sa.String(length=16), nullable=False,
                                      server_default="biasa"))  # fmt: skip
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False,
                                      server_default="draft"))  # fmt: skip
        batch_op.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("approved_at",
                                      casebook.models.base.UTCDateTime(timezone=True),
                                      nullable=True))  # fmt: skip
        batch_op.create_index(batch_op.f("ix_patrol_plans_status"), ["status"], unique=False)
    # Plans made before statuses existed were already being crawled.
    op.execute("UPDATE patrol_plans SET status = 'active'")


def _tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", casebook.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", casebook.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", casebook.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)


def _audit() -> None:
    """Number the existing events in chain order and anchor the chain's head."""
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE audit_events SET seq = numbered.n FROM "
        "(SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM audit_events) AS numbered "
        "WHERE audit_events.id = numbered.id"
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_seq"), ["seq"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    last = (
        op.get_bind()
        .execute(sa.text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"))
        .first()
    )
    op.bulk_insert(head, [{"id": 1, "seq": last[0] if last else 0,
                           "hash": last[1] if last else GENESIS}])  # fmt: skip


def downgrade() -> None:
    op.execute("UPDATE users SET role = 'supervisor' WHERE role = 'reviewer'")
    op.execute("UPDATE users SET role = 'analyst' WHERE role = 'upt_officer'")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_seq"), type_="unique")
        batch_op.drop_column("seq")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))
    op.drop_table("api_tokens")
    with op.batch_alter_table("patrol_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patrol_plans_status"))
        for column in ("approved_at", "approved_by", "period_end", "period_start", "status",
                       "classification", "risk_basis"):  # fmt: skip
            batch_op.drop_column(column)
