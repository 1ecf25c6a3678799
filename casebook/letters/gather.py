"""The facts behind a letter's links, read in bulk: listings, sellers, the hits and captures the
register entry was decided on, each hit's legal basis from the rule catalogue.

A letter cites what the decision stood on (the entry's hits and captures), not what a later
crawl may have found since: letters keep pointing at the evidence they were based on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Row as Found
from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.letters import safe
from casebook.letters.bundle import Evidence
from casebook.letters.xlsx import Row
from casebook.models import Capture, Hit, Listing, RegisterEntry, Seller, TakedownLink
from casebook.vocabulary import status_label, violation_label
from rules.catalogue import load_catalogue

WIB = ZoneInfo("Asia/Jakarta")
LISTING = (Listing.id, Listing.title, Listing.seller_id, Listing.category, Listing.first_seen,
           Listing.last_seen)  # fmt: skip
ENTRY = (RegisterEntry.id, RegisterEntry.hit_ids, RegisterEntry.capture_ids)
SELLER = (Seller.id, Seller.name)
HIT = (Hit.id, Hit.code, Hit.rule, Hit.catalogue_version)
CAPTURE = (Capture.id, Capture.url, Capture.kind, Capture.captured_at, Capture.manifest_path,
           Capture.manifest_sha256)  # fmt: skip


@dataclass(frozen=True)
class Gathered:
    rows: list[Row]
    evidence: list[Evidence]
    platforms: list[str]
    violations: list[str]
    seller_count: int
    period: tuple[date, date] | None


def local_date(at: datetime) -> date:
    """The date in Jakarta (WIB), as a letter is dated."""
    return at.astimezone(WIB).date()


def gather(session: Session, links: Sequence[TakedownLink]) -> Gathered:
    listings = _by_id(session, LISTING, {link.listing_id for link in links})
    entries = _by_id(session, ENTRY, {link.entry_id for link in links})
    sellers = _by_id(session, SELLER, {x.seller_id for x in listings.values() if x.seller_id})
    hits = _by_id(session, HIT, {h for e in entries.values() for h in e.hit_ids or ()})
    captures = _by_id(session, CAPTURE, {c for e in entries.values() for c in e.capture_ids or ()})
    catalogue = load_catalogue()
    rows, evidence, platforms, violations, days = [], [], [], [], []
    for number, link in enumerate(links, start=1):
        listing, entry = listings[link.listing_id], entries[link.entry_id]
        seller = sellers.get(listing.seller_id) if listing.seller_id else None
        found = [hits[h] for h in entry.hit_ids or () if h in hits]
        labels = list(dict.fromkeys(violation_label(h.code) for h in found))
        bases = list(dict.fromkeys(_basis(catalogue, h, listing.category) for h in found))
        capture = _evidence_capture([captures[c] for c in entry.capture_ids or () if c in captures])
        rows.append(
            Row(
                url=link.url,
                platform=link.platform,
                seller=seller.name if seller else "",
                product=listing.title,
                violations="; ".join(labels),
                legal_basis="; ".join(bases),
                evidence_sha256=capture.manifest_sha256 if capture else "",
                captured_at=_utc(capture.captured_at) if capture else "",
                status=status_label(link.link_status),
            )
        )
        if capture is not None:
            evidence.append(_evidence(number, capture, listing.title))
            days.append(local_date(capture.captured_at))
        else:
            days += [local_date(listing.first_seen), local_date(listing.last_seen)]
        platforms.append(link.platform)
        violations.extend(labels)
    seller_keys = {listing.seller_id or f"listing:{listing.id}" for listing in listings.values()}
    period = (min(days), max(days)) if days else None
    return Gathered(rows, evidence, platforms, violations, len(seller_keys), period)


def _basis(catalogue, hit: Found, category: str | None) -> str:
    rule = catalogue.rules.get(hit.rule)
    if rule is None:  # a rule of an older catalogue: say which, rather than leave it blank
        return f"aturan {hit.rule} (katalog {hit.catalogue_version})"
    return rule.basis_for(category)


def _evidence_capture(captures: Iterable[Found]) -> Found | None:
    """The latest capture of the listing itself; a re-check's capture only when there is none."""
    ordered = sorted(captures, key=lambda c: (c.kind != "recheck", c.captured_at, c.id))
    return ordered[-1] if ordered else None


def _evidence(number: int, capture: Found, title: str) -> Evidence:
    return Evidence(
        number=number,
        capture_id=capture.id,
        url=capture.url,
        title=safe.clean(title),
        captured_at=capture.captured_at,
        manifest_path=capture.manifest_path,
        manifest_sha256=capture.manifest_sha256,
    )


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _by_id(session: Session, columns: tuple, ids: set[int]) -> dict[int, Found]:
    """Rows of plain columns by id (no ORM objects: a 10,000-link letter reads ~50,000 rows)."""
    found: dict[int, Found] = {}
    ordered, key = sorted(ids), columns[0]
    # SQLite caps bound parameters per statement; PostgreSQL is happy either way.
    for start in range(0, len(ordered), 900):
        query = select(*columns).where(key.in_(ordered[start : start + 900]))
        found.update((row[0], row) for row in session.execute(query))
    return found
