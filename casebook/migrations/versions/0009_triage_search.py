"""triage queue: full-text search over listings and sellers, indexes for filters in id order

SQLite keeps FTS5 external-content tables in step with listings and sellers by triggers;
PostgreSQL reads GIN indexes over to_tsvector('simple', ...). The b-tree indexes let a filtered
queue walk listings newest first (id order) and stop after one page.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_at IS NULL")
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE listing_search USING fts5(title, description, content='listings', "
    f"content_rowid='id', {TOKENIZE})",
    "CREATE VIRTUAL TABLE seller_search USING fts5(name, content='sellers', "
    f"content_rowid='id', {TOKENIZE})",
    """CREATE TRIGGER listing_search_insert AFTER INSERT ON listings BEGIN
      INSERT INTO listing_search(rowid, title, description)
      VALUES (new.id, new.title, new.description); END""",
    """CREATE TRIGGER listing_search_delete AFTER DELETE ON listings BEGIN
      INSERT INTO listing_search(listing_search, rowid, title, description)
      VALUES ('delete', old.id, old.title, old.description); END""",
    """CREATE TRIGGER listing_search_update AFTER UPDATE OF title, description ON listings BEGIN
      INSERT INTO listing_search(listing_search, rowid, title, description)
      VALUES ('delete', old.id, old.title, old.description);
      INSERT INTO listing_search(rowid, title, description)
      VALUES (new.id, new.title, new.description); END""",
    """CREATE TRIGGER seller_search_insert AFTER INSERT ON sellers BEGIN
      INSERT INTO seller_search(rowid, name) VALUES (new.id, new.name); END""",
    """CREATE TRIGGER seller_search_delete AFTER DELETE ON sellers BEGIN
      INSERT INTO seller_search(seller_search, rowid, name) VALUES ('delete', old.id, old.name);
      END""",
    """CREATE TRIGGER seller_search_update AFTER UPDATE OF name ON sellers BEGIN
      INSERT INTO seller_search(seller_search, rowid, name) VALUES ('delete', old.id, old.name);
      INSERT INTO seller_search(rowid, name) VALUES (new.id, new.name); END""",
    # Listings and sellers stored before this migration are indexed too.
    "INSERT INTO listing_search(listing_search) VALUES ('rebuild')",
    "INSERT INTO seller_search(seller_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    *(f"DROP TRIGGER {name}_{event}" for name in ("listing_search", "seller_search")
      for event in ("insert", "delete", "update")),
    "DROP TABLE listing_search",
    "DROP TABLE seller_search",
]  # fmt: skip
POSTGRES_UP = [
    "CREATE INDEX ix_listings_search ON listings "
    "USING gin (to_tsvector('simple', title || ' ' || description))",
    "CREATE INDEX ix_sellers_search ON sellers USING gin (to_tsvector('simple', name))",
]
POSTGRES_DOWN = ["DROP INDEX ix_listings_search", "DROP INDEX ix_sellers_search"]


def upgrade() -> None:
    for column in ("platform", "status", "category"):
        op.create_index(f"ix_listings_{column}_id", "listings", [column, "id"])
    op.create_index("ix_listings_first_seen", "listings", ["first_seen"])
    # A seller's listings in id order: a search that matches the seller's name, window by window.
    op.create_index("ix_listings_seller_id_id", "listings", ["seller_id", "id"])
    op.create_index("ix_sellers_location", "sellers", ["location"])
    op.create_index(
        "ix_hits_current_listing", "hits", ["listing_id"],
        sqlite_where=CURRENT, postgresql_where=CURRENT,
    )  # fmt: skip
    for statement in _dialect(SQLITE_UP, POSTGRES_UP):
        op.execute(statement)


def downgrade() -> None:
    for statement in _dialect(SQLITE_DOWN, POSTGRES_DOWN):
        op.execute(statement)
    op.drop_index("ix_hits_current_listing", table_name="hits")
    op.drop_index("ix_sellers_location", table_name="sellers")
    op.drop_index("ix_listings_seller_id_id", table_name="listings")
    op.drop_index("ix_listings_first_seen", table_name="listings")
    for column in ("platform", "status", "category"):
        op.drop_index(f"ix_listings_{column}_id", table_name="listings")


def _dialect(sqlite: list[str], postgresql: list[str]) -> list[str]:
    name = op.get_bind().dialect.name
    return {"sqlite": sqlite, "postgresql": postgresql}.get(name, [])
