"""dashboard: listings.has_findings, whether a listing has a current finding, with indexes

Counting listings with findings by probing the hits listing by listing cost ~3 s of CPU at a
million listings; the flag is kept beside the hits (services.listings.apply_verdict) and read
from small indexes. Existing listings are backfilled from their current hits.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_listings_platform_has_findings": ["platform", "has_findings"],
    "ix_listings_category_has_findings": ["category", "has_findings"],
    "ix_listings_seller_id_has_findings": ["seller_id", "has_findings"],
}


def upgrade() -> None:
    op.add_column(
        "listings",
        sa.Column("has_findings", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(
        sa.text(
            "UPDATE listings SET has_findings = :yes WHERE EXISTS (SELECT 1 FROM hits "
            "WHERE hits.listing_id = listings.id AND hits.superseded_at IS NULL)"
        ).bindparams(yes=True)
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "listings", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="listings")
    op.drop_column("listings", "has_findings")
