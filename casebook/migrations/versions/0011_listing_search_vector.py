"""triage search on PostgreSQL: the listing's tsvector stored (a generated column) under GIN

Computing to_tsvector for every row a plan walks costs ~30 µs a row: a common word read by
walking listings newest first (the cheap plan for it) took half a second. Stored, the match is
a cheap comparison and the planner may pick either the walk or the GIN index. SQLite keeps its
FTS5 tables (migration 0009).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE listings ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', title || ' ' || description)) STORED"
    )
    op.execute("CREATE INDEX ix_listings_search_vector ON listings USING gin (search_vector)")
    op.execute("DROP INDEX ix_listings_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_listings_search ON listings "
        "USING gin (to_tsvector('simple', title || ' ' || description))"
    )
    op.execute("DROP INDEX ix_listings_search_vector")
    op.execute("ALTER TABLE listings DROP COLUMN search_vector")
