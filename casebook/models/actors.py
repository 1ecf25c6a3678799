"""Offender profiling (SOP step 7): actors behind seller accounts, the evidence joining them,
the suggestions an analyst decides, the pins that keep decisions, the identifier stoplist and
perceptual hashes of the evidence's images.

A seller is an *account*; an actor (pelaku) is the real-world offender behind one or more of
them. Nothing here is deleted: an actor merged into another is superseded (`merged_into_id`),
a pin is superseded by a newer pin for the pair, a stop is removed by stamping who and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# How an account came to its actor: the linker, an analyst's confirmation, a merge, a split.
MEMBERSHIP_HOWS = ("auto", "confirmed", "merged", "split")
SUGGESTION_STATUSES = ("pending", "confirmed", "rejected")
IMAGE_SOURCES = ("screenshot", "product")


class Actor(Base):
    """The offender behind one or more seller accounts; its id is stable across re-linking."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")  # the most common shop name
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # An actor merged away is superseded, never deleted: old links and letters still resolve.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"), index=True)
    risk_score: Mapped[int] = mapped_column(default=0, server_default="0")  # the profile's cache
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class ActorAccount(Base):
    """One seller account's membership: every account belongs to at most one actor."""

    __tablename__ = "actor_accounts"

    seller_id: Mapped[int] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id"), index=True)
    joined_at: Mapped[datetime]
    how: Mapped[str] = mapped_column(String(16), default="auto")


class ActorLink(Base):
    """The evidence: the identifier that joined a seller to its actor (and through whom)."""

    __tablename__ = "actor_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))
    other_seller_id: Mapped[int | None] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime]


class LinkSuggestion(Base):
    """A pair of accounts weak signals say may be one actor, for an analyst to decide."""

    __tablename__ = "link_suggestions"
    __table_args__ = (
        UniqueConstraint("seller_a_id", "seller_b_id"),
        Index("ix_link_suggestions_status_id", "status", "id"),  # the queue, oldest first
        Index("ix_link_suggestions_seller_b_id", "seller_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_a_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    seller_b_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    score: Mapped[float]
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]


class LinkPin(Base):
    """An analyst's decision that two accounts are (or are not) one actor; re-linking keeps it.
    A newer pin for the same pair supersedes the older one."""

    __tablename__ = "link_pins"
    __table_args__ = (
        Index("ix_link_pins_seller_a_id_seller_b_id", "seller_a_id", "seller_b_id"),
        Index("ix_link_pins_seller_b_id", "seller_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_a_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    seller_b_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    together: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    superseded_at: Mapped[datetime | None]


class IdentifierStop(Base):
    """An identifier too common to link anything (a marketplace's customer service, a courier,
    a rekber escrow, a template's number); removing it stamps who and when."""

    __tablename__ = "identifier_stoplist"
    __table_args__ = (Index("ix_identifier_stoplist_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime]
    removed_by: Mapped[str | None] = mapped_column(String(64))
    removed_at: Mapped[datetime | None]


class ImageHash(Base):
    """A 64-bit perceptual hash (dHash, 16 hex digits) of a screenshot or a product image."""

    __tablename__ = "image_hashes"
    __table_args__ = (UniqueConstraint("capture_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="CASCADE"))
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    seller_id: Mapped[int | None] = mapped_column(
        ForeignKey("sellers.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    dhash: Mapped[str] = mapped_column(String(16))
    computed_at: Mapped[datetime]
