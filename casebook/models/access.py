"""Who else may see a piece of work: shares with other units, and the listings each unit reaches.

A unit sees its own work; work of another unit only once it is shared with it (an audited act,
undone by unsharing). Listings carry no unit of their own, so the listings a unit may read are
kept as rows (unit, listing, via): one row per reason — a run of the unit's plan, an entry the
unit decided, a share — so one indexed lookup answers "may this unit read this listing" even at
millions of listings, and unsharing removes exactly the rows the share added.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# What can be shared: a plan, a Register Informasi entry, a takedown list, a letter, a listing.
SHARE_KINDS = ("plan", "entry", "list", "letter", "listing")


class Share(Base):
    """One piece of work shared with one unit (not a person: whoever works there may read it)."""

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", "unit"),
        Index("ix_shares_unit_kind_object_id", "unit", "kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int]
    unit: Mapped[str] = mapped_column(String(200))
    shared_by: Mapped[str] = mapped_column(String(64))
    shared_at: Mapped[datetime]


class UnitListing(Base):
    """A listing one unit may read, and why: `plan:<id>`, `entry`, or `<kind>:<id>` of a share."""

    __tablename__ = "unit_listings"

    unit: Mapped[str] = mapped_column(String(200), primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True
    )
    via: Mapped[str] = mapped_column(String(40), primary_key=True)
