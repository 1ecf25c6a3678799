"""Recording crawled listings: upsert by canonical URL, track changes, keep findings as records."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select, text, tuple_
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from casebook.models import Hit, Listing, ListingChange, Seller, SellerIdentifier, utcnow
from rules.model import Hit as RulesHit
from rules.model import Verdict

# Crawled text is hostile: bounded before it reaches the database.
MAX_TITLE = 1_000
MAX_DESCRIPTION = 20_000
MAX_IMAGES = 20
MAX_READ_BY = 16


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


def storable(text: str) -> str:
    """Crawled text as every database stores it: no NUL (PostgreSQL refuses it) and no lone
    surrogate (not encodable as UTF-8) — a hostile page must not stop a batch."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
    read_by: str | None = None  # how the page was read: json-ld, microdata, opengraph, generic...

    def clipped(self) -> ListingRecord:
        seller = self.seller
        if seller is not None:
            seller = replace(seller, name=storable(seller.name), location=storable(seller.location))
        return ListingRecord(
            url=self.url,
            platform=self.platform,
            title=storable(self.title)[:MAX_TITLE],
            description=storable(self.description)[:MAX_DESCRIPTION],
            price=self.price,
            currency=self.currency,
            external_id=self.external_id,
            images=tuple(self.images[:MAX_IMAGES]),
            seller=seller,
            read_by=self.read_by[:MAX_READ_BY] if self.read_by else None,
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
    """Store one batch of crawled listings with their verdicts; never duplicates a listing,
    also when crawl workers store the same listing or seller at the same moment."""
    return _raced(session, lambda: _record_listings(session, entries, now=now))


def _raced(session: Session, store):
    """Run `store` so a concurrent writer of the same rows cannot fail it. SQLite: the write
    lock is taken before anything is read, so writers take turns. PostgreSQL: the other's
    row shows only once it commits, after our insert collided with it (or deadlocked on it);
    the savepoint is rolled back and `store` runs once more, now finding that row."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.driver_connection.in_transaction:
            session.execute(text("BEGIN IMMEDIATE"))
        return store()
    try:
        with session.begin_nested():
            return store()
    except (IntegrityError, OperationalError) as error:
        if isinstance(error, OperationalError) and _sqlstate(error) != DEADLOCK:
            raise
        with session.begin_nested():
            return store()


DEADLOCK = "40P01"  # two writers each waiting on a row of the other's: one is chosen to fail


def _sqlstate(error: OperationalError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _record_listings(session, entries, *, now) -> RecordResult:
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
    return _raced(session, lambda: _record_sellers(session, records, now=now))


def _record_sellers(session, records, *, now) -> dict[tuple[str, str], Seller]:
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
        read_by=record.read_by,
    )


def _update_listing(session, listing: Listing, record: ListingRecord, seller, now) -> bool:
    """Bring a stored listing up to date; returns whether its content changed."""
    listing.last_seen = now
    listing.read_by = record.read_by or listing.read_by
    if listing.status != "active":  # seen again: it is back up
        listing.status, listing.status_reason, listing.status_checked_at = "active", None, now
    listing.recheck_failures, listing.recheck_after = 0, None  # a crawl reached it: no back-off
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
    """Bring a listing's findings up to date with a verdict; no hit is ever deleted.

    A current hit the verdict finds again (same `finding_key`) stays as first recorded; one it
    no longer finds is superseded, stamped with when and by which catalogue version. A hit not
    current before - new, or found again after it was superseded - becomes a new record, so
    the history reads as periods: found, gone, found again.
    """
    listing.category = verdict.category
    listing.nies = list(verdict.nies)
    version = verdict.version or listing.catalogue_version or ""
    kept, gone, fresh = _pair_findings(list(listing.hits), list(verdict.hits))
    for stored in gone:
        stored.superseded_at, stored.superseded_version = now, version
    added = [
        Hit(code=hit.code, rule=hit.rule, score=round(hit.score, 3),
            evidence=hit.evidence.as_dict(), catalogue_version=hit.version or version,
            found_at=now)
        for hit in fresh
    ]  # fmt: skip
    for hit in added:
        listing.hit_records.add(hit)
    # keep the loaded views true to the records without a round trip to the database
    set_committed_value(listing, "hits", kept + added)
    listing.has_findings = bool(kept or added)  # the dashboard's flag, beside the hits
    if "past_hits" in inspect(listing).dict:
        set_committed_value(listing, "past_hits", gone + list(listing.past_hits))
    listing.catalogue_version = verdict.version or listing.catalogue_version


def finding_key(code: str, rule: str, evidence: Mapping[str, Any]) -> tuple[str, str, str]:
    """What makes two hits the same finding: code, rule and the evidence text (case and
    spacing aside). Where the span sits, the score, the note and the catalogue version are
    not part of it: an edit elsewhere in the listing or a retuned rule is not a new finding."""
    return code, rule, " ".join(str(evidence.get("text") or "").casefold().split())


def _pair_findings(
    current: list[Hit], found: list[RulesHit]
) -> tuple[list[Hit], list[Hit], list[RulesHit]]:
    """Pair stored current hits with a verdict's hits: (found again, gone, new).

    Several hits may share a key (one brand matching two public warnings): those pair by the
    row they were compared with first, then in order."""
    unpaired = [(hit, hit.evidence.as_dict()) for hit in found]
    kept: list[Hit] = []
    for same_row in (True, False):
        for stored in current:
            if stored in kept:
                continue
            key = finding_key(stored.code, stored.rule, stored.evidence)
            row = stored.evidence.get("compared_with")
            for entry in unpaired:
                hit, evidence = entry
                if finding_key(hit.code, hit.rule, evidence) == key and (
                    not same_row or evidence.get("compared_with") == row
                ):
                    kept.append(stored)
                    unpaired.remove(entry)
                    break
    gone = [stored for stored in current if stored not in kept]
    return [stored for stored in current if stored in kept], gone, [hit for hit, _ in unpaired]


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
