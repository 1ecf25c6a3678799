"""current findings indexed apart: filters and counts skip superseded hits

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_hits_current_code_listing",
        "hits",
        ["code", "listing_id"],
        unique=False,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )
    op.drop_index("ix_hits_code_listing", table_name="hits")


def downgrade() -> None:
    op.create_index("ix_hits_code_listing", "hits", ["code", "listing_id"], unique=False)
    op.drop_index("ix_hits_current_code_listing", table_name="hits")
