"""Re-checks (SOP steps 4 and 8): which links are due, and what a re-check found.

A verdict is `active`, `nonactive` or `unknown` (DESIGN.md §1). An unknown result — a bot block,
a timeout — is tried again later, each time after longer, and never undoes a verdict: a listing
confirmed taken down keeps its status and the reason that confirmed it; a live one becomes
`unknown`, never `nonactive`. A listing found again after it was gone is `active` (reappeared)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casebook.models import Listing, ListingChange, utcnow

VERDICTS = ("active", "nonactive", "unknown")
# After the 1st, 2nd, 3rd and later unknown results in a row.
BACKOFF = (timedelta(hours=1), timedelta(hours=4), timedelta(hours=24))
MAX_REASON = 300


@dataclass(frozen=True)
class LinkToCheck:
    listing_id: int
    url: str


@dataclass(frozen=True)
class RecheckResult:
    """What one re-check found, in plain values."""

    listing_id: int
    status: str  # active | nonactive | unknown
    reason: str
    http_status: int | None = None


@dataclass(frozen=True)
class RecheckTally:
    changed: int = 0  # listings whose status changed
    unknown: int = 0  # results that proved nothing, to be tried again


def links_to_recheck(
    session: Session,
    *,
    ids: Sequence[int] = (),
    status: str | None = None,
    platform: str | None = None,
    due_at: datetime | None = None,
    after_id: int = 0,
    limit: int = 1_000,
) -> list[LinkToCheck]:
    """One page of links to re-check, in id order after `after_id`. With `due_at`, only links
    whose back-off has passed by then (a scheduled sweep); without, all that match (an officer
    asking for these links now)."""
    if status is not None and status not in VERDICTS:
        raise ValueError(f"unknown status {status!r} (one of {', '.join(VERDICTS)})")
    query = select(Listing.id, Listing.url).where(Listing.id > after_id)
    if ids:
        query = query.where(Listing.id.in_(list(ids)))
    if status:
        query = query.where(Listing.status == status)
    if platform:
        query = query.where(Listing.platform == platform)
    if due_at is not None:
        query = query.where(or_(Listing.recheck_after.is_(None), Listing.recheck_after <= due_at))
    rows = session.execute(query.order_by(Listing.id).limit(limit))
    return [LinkToCheck(listing_id, url) for listing_id, url in rows]


def next_recheck(failures: int, now: datetime) -> datetime:
    """When to try again after `failures` unknown results in a row (capped back-off)."""
    return now + BACKOFF[min(max(failures, 1), len(BACKOFF)) - 1]


def record_rechecks(
    session: Session, results: Sequence[RecheckResult], *, now: datetime | None = None
) -> RecheckTally:
    """Store re-check results; every change of status, and every unknown result, is kept in
    the listing's history with its reason."""
    now = now or utcnow()
    for result in results:
        if result.status not in VERDICTS:
            raise ValueError(f"unknown status {result.status!r} for listing {result.listing_id}")
    wanted = {result.listing_id: result for result in results}
    changed = unknown = 0
    for listing in session.scalars(select(Listing).where(Listing.id.in_(list(wanted)))):
        result = wanted[listing.id]
        before = listing.status
        reason = result.reason[:MAX_REASON]
        if result.status == "unknown":
            _record_unknown(listing, reason, now)
            unknown += 1
        else:
            reason = _record_verdict(listing, result.status, reason, now)
        history = {"status": [before, listing.status]} if listing.status != before else {}
        if history or result.status == "unknown":
            history |= {"recheck": result.status, "reason": reason}
            if result.http_status is not None:
                history["http_status"] = result.http_status
            session.add(ListingChange(listing_id=listing.id, seen_at=now, changes=history))
        changed += listing.status != before
    return RecheckTally(changed=changed, unknown=unknown)


def _record_verdict(listing: Listing, status: str, reason: str, now: datetime) -> str:
    if listing.status == "nonactive" and status == "active":
        reason = f"reappeared: {reason}"[:MAX_REASON]
    listing.status, listing.status_reason, listing.status_checked_at = status, reason, now
    listing.recheck_failures, listing.recheck_after = 0, None
    if status == "active":
        listing.last_seen = now
    return reason


def _record_unknown(listing: Listing, reason: str, now: datetime) -> None:
    listing.recheck_failures = (listing.recheck_failures or 0) + 1
    listing.recheck_after = next_recheck(listing.recheck_failures, now)
    if listing.status == "nonactive":
        return  # the takedown stays confirmed by the evidence that confirmed it
    listing.status, listing.status_reason, listing.status_checked_at = "unknown", reason, now
