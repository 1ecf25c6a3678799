"""Read side for the UI and API: filtered, paged listings with their current hits, and counts.

Every filter and count here reads current findings only (hits not superseded); a listing's
past findings are shown on its own page, never matched by a filter."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from casebook.models import Capture, Hit, Listing, ListingChange, Seller


@dataclass(frozen=True)
class ListingFilter:
    code: str | None = None
    platform: str | None = None
    status: str | None = None
    text: str | None = None
    with_hits: bool | None = None


@dataclass(frozen=True)
class Page:
    items: Sequence[Listing]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def search(session: Session, wanted: ListingFilter, *, page: int = 1, size: int = 50) -> Page:
    page, size = max(1, page), min(max(1, size), 200)
    query = _filtered(select(Listing), wanted)
    total = session.scalar(_filtered(select(func.count(Listing.id)), wanted)) or 0
    items = session.scalars(
        query.options(
            selectinload(Listing.hits),
            selectinload(Listing.past_hits),
            selectinload(Listing.seller),
        )
        .order_by(Listing.last_seen.desc(), Listing.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    return Page(items, total, page, size)


def current_hits() -> Select:
    """The listing ids of current findings: superseded hits are history, never a filter match."""
    return select(Hit.listing_id).where(Hit.superseded_at.is_(None))


def _filtered(query: Select, wanted: ListingFilter) -> Select:
    if wanted.code:
        query = query.where(Listing.id.in_(current_hits().where(Hit.code == wanted.code)))
    if wanted.with_hits is not None:
        has = Listing.id.in_(current_hits())
        query = query.where(has if wanted.with_hits else ~has)
    if wanted.platform:
        query = query.where(Listing.platform == wanted.platform)
    if wanted.status:
        query = query.where(Listing.status == wanted.status)
    if wanted.text:
        pattern = f"%{wanted.text.strip()}%"
        query = query.where(or_(Listing.title.ilike(pattern), Listing.url.ilike(pattern)))
    return query


def get_listing(session: Session, listing_id: int) -> Listing | None:
    return session.scalar(
        select(Listing)
        .where(Listing.id == listing_id)
        .options(
            selectinload(Listing.hits),
            selectinload(Listing.past_hits),
            selectinload(Listing.seller).selectinload(Seller.identifiers),
        )
    )


@dataclass(frozen=True)
class Summary:
    listings: int
    with_hits: int
    by_code: dict[str, int]
    by_platform: dict[str, int]


def summary(session: Session, visible: ColumnElement[bool] | None = None) -> Summary:
    """Listings per platform and current findings per code; with `visible` (a condition on
    listings, access.listing_condition) only the listings the caller may read are counted."""
    current = Hit.superseded_at.is_(None)
    listings = select(Listing.platform, func.count())
    if visible is not None:
        current = current & Hit.listing_id.in_(select(Listing.id).where(visible))
        listings = listings.where(visible)
    by_code = dict(
        session.execute(
            select(Hit.code, func.count(func.distinct(Hit.listing_id)))
            .where(current)
            .group_by(Hit.code)
        ).all()
    )
    by_platform = dict(session.execute(listings.group_by(Listing.platform)).all())
    return Summary(
        listings=sum(by_platform.values()),
        with_hits=session.scalar(select(func.count(func.distinct(Hit.listing_id))).where(current))
        or 0,
        by_code=by_code,
        by_platform=by_platform,
    )


def platforms(session: Session) -> list[str]:
    return list(session.scalars(select(Listing.platform).distinct().order_by(Listing.platform)))


def export(session: Session, wanted: ListingFilter) -> Iterator[dict]:
    """Every listing that matches, as the listing JSON of DESIGN.md §3 plus its verdict."""
    query = _filtered(select(Listing), wanted).order_by(Listing.id)
    query = query.options(
        selectinload(Listing.hits),
        selectinload(Listing.past_hits),
        selectinload(Listing.seller).selectinload(Seller.identifiers),  # no query per seller
    )
    for listing in session.scalars(query.execution_options(yield_per=500)):
        yield {
            "id": str(listing.id),
            "url": listing.url,
            "platform": listing.platform,
            "title": listing.title,
            "description": listing.description,
            "price": listing.price,
            "currency": listing.currency,
            "seller": _seller_json(listing.seller),
            "captured_at": listing.last_seen.isoformat(),
            "first_seen": listing.first_seen.isoformat(),
            "status": listing.status,
            "category": listing.category,
            "nies": listing.nies,
            "read_by": listing.read_by,
            "violations": [
                {"type": h.code, "rule": h.rule, "score": h.score, "evidence": h.evidence,
                 "version": h.catalogue_version, "found_at": h.found_at.isoformat()}
                for h in listing.hits
            ],
            "past_violations": [  # findings a later verdict superseded, kept as records
                {"type": h.code, "rule": h.rule, "score": h.score, "evidence": h.evidence,
                 "version": h.catalogue_version, "found_at": h.found_at.isoformat(),
                 "superseded_at": h.superseded_at.isoformat(),
                 "superseded_version": h.superseded_version}
                for h in listing.past_hits
            ],
        }  # fmt: skip


def _seller_json(seller: Seller | None) -> dict:
    if seller is None:
        return {"name": None, "url": None, "location": None, "phone": None}
    phone = next((i.value for i in seller.identifiers if i.kind == "phone"), None)
    return {"name": seller.name, "url": seller.url, "location": seller.location, "phone": phone}


def listing_history(session: Session, listing_id: int) -> list[ListingChange]:
    """What re-crawls and re-checks saw change, newest first."""
    return list(
        session.scalars(
            select(ListingChange)
            .where(ListingChange.listing_id == listing_id)
            .order_by(ListingChange.seen_at.desc(), ListingChange.id.desc())
        )
    )


def listings_after(
    session: Session,
    wanted: ListingFilter,
    *,
    after_id: int = 0,
    limit: int = 50,
    visible: ColumnElement[bool] | None = None,
) -> list[Listing]:
    """Matching listings in id order after a cursor (keyset pagination: a page deep in the
    results costs what the first one does), with their current hits and seller; `visible` is
    the caller's access condition (services.access.listing_condition)."""
    query = _filtered(select(Listing), wanted).where(Listing.id > after_id)
    if visible is not None:
        query = query.where(visible)
    query = query.options(selectinload(Listing.hits), selectinload(Listing.seller))
    return list(session.scalars(query.order_by(Listing.id).limit(limit)))


def captures_of(session: Session, listing_ids: Sequence[int]) -> dict[int, list[Capture]]:
    """Each listing's captures (evidence of its fetches), oldest first."""
    out: dict[int, list[Capture]] = {i: [] for i in listing_ids}
    ids = list(out)
    for start in range(0, len(ids), 900):  # SQLite caps bound parameters per statement
        query = select(Capture).where(Capture.listing_id.in_(ids[start : start + 900]))
        for capture in session.scalars(query.order_by(Capture.id)):
            out[capture.listing_id].append(capture)  # type: ignore[index]
    return out
