"""What the patrol found: sellers and their identifiers, listings, hits, changes, crawl runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from casebook.models.base import Base


class Seller(Base):
    """A shop or account on one platform; the same actor may run several."""

    __tablename__ = "sellers"
    __table_args__ = (
        UniqueConstraint("platform", "key"),
        Index("ix_sellers_location", "location"),  # the triage queue's seller-city filter
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(2048))  # profile URL, or "name:<name>" when none
    name: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(2048), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]

    identifiers: Mapped[list[SellerIdentifier]] = relationship(
        back_populates="seller", cascade="all, delete-orphan"
    )


class SellerIdentifier(Base):
    """A phone/WhatsApp number, e-mail, bank account or handle a seller shows, normalized."""

    __tablename__ = "seller_identifiers"
    __table_args__ = (
        UniqueConstraint("seller_id", "kind", "value"),
        Index("ix_seller_identifiers_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))
    first_seen: Mapped[datetime]

    seller: Mapped[Seller] = relationship(back_populates="identifiers")


class Listing(Base):
    """One product listing or post, keyed by its canonical URL; re-crawls update it in place."""

    __tablename__ = "listings"
    __table_args__ = (
        Index("ix_listings_platform_last_seen", "platform", "last_seen"),
        # The triage queue walks listings newest first (id order) within each filter; full-text
        # search lives beside them in migration 0009 (FTS5 tables on SQLite, GIN on PostgreSQL).
        Index("ix_listings_platform_id", "platform", "id"),
        Index("ix_listings_status_id", "status", "id"),
        Index("ix_listings_category_id", "category", "id"),
        Index("ix_listings_first_seen", "first_seen"),
        Index("ix_listings_seller_id_id", "seller_id", "id"),
        # The dashboard counts listings with and without findings per platform, commodity and
        # seller straight from these, never probing the hits (migration 0012).
        Index("ix_listings_platform_has_findings", "platform", "has_findings"),
        Index("ix_listings_category_has_findings", "category", "has_findings"),
        Index("ix_listings_seller_id_has_findings", "seller_id", "has_findings"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    platform: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(1000), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[float | None]
    currency: Mapped[str | None] = mapped_column(String(8))
    images: Mapped[list[Any]] = mapped_column(default=list)
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(32))
    nies: Mapped[list[Any]] = mapped_column(default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    catalogue_version: Mapped[str | None] = mapped_column(String(32))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|nonactive|unknown
    status_checked_at: Mapped[datetime | None]
    status_reason: Mapped[str | None] = mapped_column(String(300))
    # An unknown re-check (bot block, timeout) is tried again later, each time after longer.
    recheck_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    recheck_after: Mapped[datetime | None]
    read_by: Mapped[str | None] = mapped_column(String(16))  # json-ld | microdata | generic ...
    # Whether the listing has a current finding (a hit not superseded): kept by
    # services.listings.apply_verdict beside the hits it summarises, in the same transaction.
    has_findings: Mapped[bool] = mapped_column(default=False, server_default=false())

    seller: Mapped[Seller | None] = relationship()
    # Findings are records: every hit ever found is kept in hit_records (append-only, written
    # without loading the history); `hits` is the current findings, `past_hits` the superseded.
    hit_records: WriteOnlyMapped[Hit] = relationship(
        back_populates="listing", cascade="save-update, merge", passive_deletes="all"
    )
    hits: Mapped[list[Hit]] = relationship(
        primaryjoin="and_(Listing.id == Hit.listing_id, Hit.superseded_at.is_(None))",
        order_by="Hit.id",
        viewonly=True,
    )
    past_hits: Mapped[list[Hit]] = relationship(
        primaryjoin="and_(Listing.id == Hit.listing_id, Hit.superseded_at.is_not(None))",
        order_by=lambda: (Hit.superseded_at.desc(), Hit.id.desc()),
        viewonly=True,
    )


class Hit(Base):
    """One violation the rules found in a listing, with the evidence that explains it."""

    __tablename__ = "hits"
    # Filters and counts read current findings only: a partial index keeps them index-only.
    __table_args__ = (
        Index(
            "ix_hits_current_code_listing",
            "code",
            "listing_id",
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        Index(
            "ix_hits_current_listing",
            "listing_id",
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(64))
    score: Mapped[float]
    evidence: Mapped[dict[str, Any]]
    catalogue_version: Mapped[str] = mapped_column(String(32))
    found_at: Mapped[datetime]
    # Findings are records: a hit a later verdict no longer finds is superseded, not deleted.
    superseded_at: Mapped[datetime | None]
    superseded_version: Mapped[str | None] = mapped_column(String(32))

    listing: Mapped[Listing] = relationship(back_populates="hit_records")


class ListingChange(Base):
    """What a re-crawl saw differ from the stored listing (field -> [before, after])."""

    __tablename__ = "listing_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    seen_at: Mapped[datetime]
    changes: Mapped[dict[str, Any]]


class Capture(Base):
    """Evidence of one fetch: WARC, rendered HTML, screenshot, manifest, each with its SHA-256."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listings.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(16))  # http | browser | recheck
    status_code: Mapped[int | None]
    captured_at: Mapped[datetime]
    manifest_path: Mapped[str] = mapped_column(String(500))  # relative to the data dir
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[Any]] = mapped_column(default=list)  # [{role, path, sha256, bytes}]
    software: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CrawlRun(Base):
    """One run of one spider: when, with what arguments, and its final statistics."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(64))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_plans.id"))
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
