"""After the crawl (SOP steps 3-6, 8): Register Informasi, takedown lists, letters, responses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.models.base import Base

DECISIONS = ("takedown", "intelligence", "dismissed")
RECIPIENTS = ("idea", "komdigi", "dit_was", "dit_intelijen", "upt")
LINK_STATUSES = ("active", "nonactive", "unknown")


class RegisterEntry(Base):
    """SOP step 3: one evaluated listing in the Register Informasi; re-deciding updates it."""

    __tablename__ = "register_entries"
    # An UPT's Register Informasi page reads its unit's entries in id order.
    __table_args__ = (Index("ix_register_entries_unit_id", "unit", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="patroli")  # or the tip's unit
    # What the decision stood on: the current hits and the captures at that moment.
    hit_ids: Mapped[list[Any]] = mapped_column(default=list)
    capture_ids: Mapped[list[Any]] = mapped_column(default=list)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime]
    # Whose work it is (the unit of whoever first decided it; "" is Dit. Siber's) and who may
    # read it (naskah dinas classification: biasa < terbatas < rahasia); see services.access.
    unit: Mapped[str] = mapped_column(String(200), default="", server_default="")
    classification: Mapped[str] = mapped_column(String(16), default="biasa", server_default="biasa")
    # Optimistic versioning: two analysts deciding at once cannot silently overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class TakedownList(Base):
    """SOP step 4: links recommended for takedown, re-checked just before they are sent."""

    __tablename__ = "takedown_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft|verified|sent
    unit: Mapped[str] = mapped_column(String(200), default="")
    classification: Mapped[str] = mapped_column(String(16), default="biasa", server_default="biasa")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]

    links: Mapped[list[TakedownLink]] = relationship(
        back_populates="takedown_list", order_by="TakedownLink.id"
    )


class TakedownLink(Base):
    """One link of a list: where it goes (recipient), whether it is still up, what came of it."""

    __tablename__ = "takedown_links"
    __table_args__ = (UniqueConstraint("list_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("takedown_lists.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    platform: Mapped[str] = mapped_column(String(64))
    platform_kind: Mapped[str] = mapped_column(String(16))  # marketplace | social | website
    commodity: Mapped[str] = mapped_column(String(32), default="lainnya")  # listing's category
    recipient: Mapped[str] = mapped_column(String(16), index=True)
    link_status: Mapped[str] = mapped_column(String(16), default="unknown")
    checked_at: Mapped[datetime | None]
    # Re-proposal (SOP step 8): the link of an earlier list this one proposes again.
    proposal: Mapped[int] = mapped_column(default=1)
    previous_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("takedown_links.id"), index=True
    )
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), index=True)
    response: Mapped[str | None] = mapped_column(String(16))  # done|refused|more_info|partial
    responded_at: Mapped[datetime | None]
    taken_down_at: Mapped[datetime | None]

    takedown_list: Mapped[TakedownList] = relationship(back_populates="links")


class Letter(Base):
    """A naskah dinas (DESIGN §7): numbered, addressed to one recipient, sent, answered."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("takedown_lists.id"), index=True)
    # A Rekomendasi Pelaku is about an actor (offender), not a list: list_id NULL, actor_id set.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(100))
    year: Mapped[int]
    seq: Mapped[int]
    classification: Mapped[str] = mapped_column(String(16), default="biasa")
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | sent
    link_count: Mapped[int] = mapped_column(default=0)
    files: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {docx|pdf|xlsx: {path, sha256}}
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_on: Mapped[date | None]
    due_on: Mapped[date | None]  # the SOP's mutu baku, in working days
    deadline_at: Mapped[datetime | None]  # the platform's hours after the order


class LetterResponse(Base):
    """What a recipient answered about a letter's links (done, refused, asks more, partial)."""

    __tablename__ = "letter_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("takedown_links.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class LetterSequence(Base):
    """The running letter number per year: taken by one atomic UPDATE, never repeated or skipped."""

    __tablename__ = "letter_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class HolidayOverride(Base):
    """An office's correction of the holiday calendar (cuti bersama decreed after the package)."""

    __tablename__ = "holiday_overrides"

    day: Mapped[date] = mapped_column(primary_key=True)
    off: Mapped[bool]
    name: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
