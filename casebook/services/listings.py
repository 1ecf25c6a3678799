"""Recording crawled listings: upsert by canonical URL, track changes, keep hits current."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload

from casebook.models import Hit, Listing, ListingChange, Seller, SellerIdentifier, utcnow
from rules.model import Verdict

# Crawled text is hostile: bounded before it reaches the database.
MAX_TITLE = 1_000
MAX_DESCRIPTION = 20_000
MAX_IMAGES = 20


@dataclass(frozen=True)
class SellerRecord:
    platform: str
    name: str = ""
    url: str = ""
    location: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, normalized value)

    @property
    def key(self) -> str:
        return self.url or f"name:{self.name.casefold().strip()}"


@dataclass(frozen=True)
class ListingRecord:
    """A listing as a crawler saw it, in plain values."""

    url: str  # canonical
    platform: str
    title: str = ""
    description: str = ""
    price: float | None = None
    currency: str | None = None
    external_id: str | None = None
    images: tuple[str, ...] = ()
    seller: SellerRecord | None = None

    def clipped(self) -> ListingRecord:
        return ListingRecord(
            url=self.url,
            platform=self.platform,
            title=self.title[:MAX_TITLE],
            description=self.description[:MAX_DESCRIPTION],
            price=self.price,
            currency=self.currency,
            external_id=self.external_id,
            images=tuple(self.images[:MAX_IMAGES]),
            seller=self.seller,
        )


@dataclass
class RecordResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    listing_ids: dict[str, int] = field(default_factory=dict)  # url -> id


def content_hash(record: ListingRecord) -> str:
    """What a listing says, hashed: a re-crawl with the same hash changed nothing of substance."""
    seller = record.seller.key if record.seller else ""
    body = [record.title, record.description, record.price, record.currency, seller, record.images]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def record_listings(
    session: Session,
    entries: Sequence[tuple[ListingRecord, Verdict]],
    *,
    now: datetime | None = None,
) -> RecordResult:
    """Store one batch of crawled listings with their verdicts; never duplicates a listing."""
    now = now or utcnow()
    entries = _last_per_url([(record.clipped(), verdict) for record, verdict in entries])
    sellers = record_sellers(session, [r.seller for r, _ in entries if r.seller], now=now)
    existing = {
        listing.url: listing
        for listing in session.scalars(
            select(Listing)
            .where(Listing.url.in_([r.url for r, _ in entries]))
            .options(selectinload(Listing.hits))
        )
    }
    result = RecordResult()
    for record, verdict in entries:
        seller = sellers.get((record.seller.platform, record.seller.key)) if record.seller else None
        listing = existing.get(record.url)
        if listing is None:
            listing = _new_listing(record, seller, now)
            session.add(listing)
            result.added += 1
        elif _update_listing(session, listing, record, seller, now):
            result.changed += 1
        else:
            result.unchanged += 1
        apply_verdict(listing, verdict, now)
    session.flush()
    result.listing_ids = {
        listing.url: listing.id
        for listing in session.scalars(
            select(Listing).where(Listing.url.in_([r.url for r, _ in entries]))
        )
    }
    return result


def _last_per_url(entries):
    by_url = {record.url: (record, verdict) for record, verdict in entries}
    return list(by_url.values())


def record_sellers(
    session: Session, records: Sequence[SellerRecord], *, now: datetime | None = None
) -> dict[tuple[str, str], Seller]:
    """Upsert sellers by (platform, key) and add the identifiers not yet known."""
    now = now or utcnow()
    if not records:
        return {}
    keys = {(r.platform, r.key) for r in records}
    found = {
        (s.platform, s.key): s
        for s in session.scalars(
            select(Seller)
            .where(tuple_(Seller.platform, Seller.key).in_(list(keys)))
            .options(selectinload(Seller.identifiers))
        )
    }
    for record in records:
        seller = found.get((record.platform, record.key))
        if seller is None:
            seller = Seller(platform=record.platform, key=record.key, first_seen=now)
            seller.identifiers = []
            session.add(seller)
            found[(record.platform, record.key)] = seller
        seller.name = record.name[:300] or seller.name or ""
        seller.url = record.url[:2048] or seller.url or ""
        seller.location = record.location[:200] or seller.location or ""
        seller.last_seen = now
        known = {(i.kind, i.value) for i in seller.identifiers}
        for kind, value in record.identifiers:
            if (kind, value) not in known:
                seller.identifiers.append(
                    SellerIdentifier(kind=kind, value=value[:200], first_seen=now)
                )
                known.add((kind, value))
    session.flush()
    return found


def _new_listing(record: ListingRecord, seller: Seller | None, now: datetime) -> Listing:
    return Listing(
        url=record.url,
        platform=record.platform,
        external_id=record.external_id,
        title=record.title,
        description=record.description,
        price=record.price,
        currency=record.currency,
        images=list(record.images),
        seller=seller,
        content_hash=content_hash(record),
        first_seen=now,
        last_seen=now,
        status="active",
        hits=[],
    )


def _update_listing(session, listing: Listing, record: ListingRecord, seller, now) -> bool:
    """Bring a stored listing up to date; returns whether its content changed."""
    listing.last_seen = now
    if listing.status != "active":  # seen again: it is back up
        listing.status, listing.status_reason, listing.status_checked_at = "active", None, now
    new_hash = content_hash(record)
    if new_hash == listing.content_hash:
        return False
    after: dict[str, Any] = {
        "title": record.title,
        "description": record.description,
        "price": record.price,
        "currency": record.currency,
        "images": list(record.images),
        "seller_id": seller.id if seller else None,
    }
    changes = {
        name: [getattr(listing, name), value]
        for name, value in after.items()
        if getattr(listing, name) != value
    }
    for name, value in after.items():
        setattr(listing, name, value)
    listing.seller = seller
    listing.content_hash = new_hash
    if changes:
        session.add(ListingChange(listing_id=listing.id, seen_at=now, changes=changes))
    return True


def apply_verdict(listing: Listing, verdict: Verdict, now: datetime) -> None:
    """Replace the listing's hits when the rules now say something different."""
    listing.category = verdict.category
    listing.nies = list(verdict.nies)
    fresh = [
        (hit.code, hit.rule, round(hit.score, 3), hit.evidence.as_dict(), hit.version)
        for hit in verdict.hits
    ]
    stored = [
        (h.code, h.rule, round(h.score, 3), h.evidence, h.catalogue_version) for h in listing.hits
    ]
    if fresh != stored:
        listing.hits = [
            Hit(code=c, rule=r, score=s, evidence=e, catalogue_version=v, found_at=now)
            for c, r, s, e, v in fresh
        ]
    listing.catalogue_version = verdict.version or listing.catalogue_version


@dataclass(frozen=True)
class StatusCheck:
    listing_id: int
    status: str  # active | nonactive
    reason: str


def record_statuses(
    session: Session, checks: Sequence[StatusCheck], *, now: datetime | None = None
) -> int:
    """Store re-check results; a change of status is kept in the listing's history."""
    now = now or utcnow()
    wanted = {check.listing_id: check for check in checks}
    changed = 0
    for listing in session.scalars(select(Listing).where(Listing.id.in_(list(wanted)))):
        check = wanted[listing.id]
        if check.status not in ("active", "nonactive"):
            raise ValueError(f"unknown status {check.status!r}")
        if listing.status != check.status:
            session.add(
                ListingChange(
                    listing_id=listing.id,
                    seen_at=now,
                    changes={"status": [listing.status, check.status], "reason": check.reason},
                )
            )
            changed += 1
        listing.status, listing.status_reason = check.status, check.reason[:300]
        listing.status_checked_at = now
        if check.status == "active":
            listing.last_seen = now
    return changed
