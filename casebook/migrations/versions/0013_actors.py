"""profiling: actors behind seller accounts, their links (evidence), suggestions, pins, the
identifier stoplist, perceptual image hashes, and letters about an actor (Rekomendasi Pelaku)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import casebook.models.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _seller_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["sellers.id"], name=op.f(f"fk_{table}_{column}_sellers"), ondelete="CASCADE"
    )


def _indexes(table: str, indexes: dict[str, list[str]]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, columns in indexes.items():
            batch_op.create_index(name, columns, unique=False)


def upgrade() -> None:
    utc = casebook.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("risk_score", sa.Integer(), server_default="0", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["actors.id"], name=op.f("fk_actors_merged_into_id_actors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
    )
    _indexes("actors", {"ix_actors_merged_into_id": ["merged_into_id"]})
    op.create_table(
        "identifier_stoplist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", utc, nullable=False),
        sa.Column("removed_by", sa.String(length=64), nullable=True),
        sa.Column("removed_at", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifier_stoplist")),
    )
    _indexes("identifier_stoplist", {"ix_identifier_stoplist_kind_value": ["kind", "value"]})
    op.create_table(
        "actor_accounts",
        sa.Column("seller_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", utc, nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_actor_accounts_actor_id_actors")
        ),
        _seller_fk("seller_id", "actor_accounts"),
        sa.PrimaryKeyConstraint("seller_id", name=op.f("pk_actor_accounts")),
    )
    _indexes("actor_accounts", {"ix_actor_accounts_actor_id": ["actor_id"]})
    op.create_table(
        "actor_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("other_seller_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_actor_links_actor_id_actors")
        ),
        _seller_fk("other_seller_id", "actor_links"),
        _seller_fk("seller_id", "actor_links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_links")),
    )
    _indexes(
        "actor_links",
        {"ix_actor_links_actor_id": ["actor_id"], "ix_actor_links_seller_id": ["seller_id"]},
    )
    op.create_table(
        "link_pins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seller_a_id", sa.Integer(), nullable=False),
        sa.Column("seller_b_id", sa.Integer(), nullable=False),
        sa.Column("together", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("superseded_at", utc, nullable=True),
        _seller_fk("seller_a_id", "link_pins"),
        _seller_fk("seller_b_id", "link_pins"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_pins")),
    )
    _indexes(
        "link_pins",
        {
            "ix_link_pins_seller_a_id_seller_b_id": ["seller_a_id", "seller_b_id"],
            "ix_link_pins_seller_b_id": ["seller_b_id"],
        },
    )
    op.create_table(
        "link_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seller_a_id", sa.Integer(), nullable=False),
        sa.Column("seller_b_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", utc, nullable=True),
        _seller_fk("seller_a_id", "link_suggestions"),
        _seller_fk("seller_b_id", "link_suggestions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_suggestions")),
        sa.UniqueConstraint(
            "seller_a_id", "seller_b_id", name=op.f("uq_link_suggestions_seller_a_id")
        ),
    )
    _indexes(
        "link_suggestions",
        {
            "ix_link_suggestions_seller_b_id": ["seller_b_id"],
            "ix_link_suggestions_status_id": ["status", "id"],
        },
    )
    op.create_table(
        "image_hashes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("dhash", sa.String(length=16), nullable=False),
        sa.Column("computed_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["captures.id"],
            name=op.f("fk_image_hashes_capture_id_captures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_image_hashes_listing_id_listings"),
            ondelete="CASCADE",
        ),
        _seller_fk("seller_id", "image_hashes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_image_hashes")),
        sa.UniqueConstraint("capture_id", "source", name=op.f("uq_image_hashes_capture_id")),
    )
    _indexes(
        "image_hashes",
        {"ix_image_hashes_listing_id": ["listing_id"], "ix_image_hashes_seller_id": ["seller_id"]},
    )
    # SQLite cannot add a foreign key to a table in place: batch mode copies the table.
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_letters_actor_id", ["actor_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_letters_actor_id_actors"), "actors", ["actor_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_letters_actor_id_actors"), type_="foreignkey")
        batch_op.drop_index("ix_letters_actor_id")
        batch_op.drop_column("actor_id")
    for table in (
        "image_hashes",
        "link_suggestions",
        "link_pins",
        "actor_links",
        "actor_accounts",
        "identifier_stoplist",
        "actors",
    ):
        op.drop_table(table)  # their indexes go with them
