"""Running the rules for the casebook: one matcher built from the stored registry and warnings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from casebook.models import Listing, utcnow
from casebook.services import registry as registry_service
from casebook.services.listings import ListingRecord, SellerRecord, apply_verdict
from rules.catalogue import Catalogue, load_catalogue
from rules.matcher import check
from rules.model import Listing as RulesListing
from rules.model import Verdict
from rules.registry import RegistryIndex, WarningIndex


class Matcher:
    """Registry index, warning index and catalogue, built once and reused for every listing."""

    def __init__(self, registry: RegistryIndex, warnings: WarningIndex, catalogue: Catalogue):
        self.registry, self.warnings, self.catalogue = registry, warnings, catalogue

    @classmethod
    def from_session(cls, session: Session, catalogue: Catalogue | None = None) -> Matcher:
        return cls(
            RegistryIndex.build(registry_service.registry_products(session)),
            WarningIndex.build(registry_service.public_warnings(session)),
            catalogue or load_catalogue(),
        )

    @property
    def version(self) -> str:
        return self.catalogue.version

    def check(self, record: ListingRecord, *, today: date) -> Verdict:
        return check(
            to_rules_listing(record), self.registry, self.warnings, self.catalogue, today=today
        )


def to_rules_listing(record: ListingRecord, listing_id: str = "") -> RulesListing:
    seller = record.seller or SellerRecord(platform=record.platform)
    phones = [value for kind, value in seller.identifiers if kind in ("phone", "whatsapp")]
    return RulesListing(
        id=listing_id or record.url,
        title=record.title,
        description=record.description,
        url=record.url,
        platform=record.platform,
        price=record.price,
        currency=record.currency,
        seller_name=seller.name,
        seller_url=seller.url,
        seller_location=seller.location,
        seller_phone=phones[0] if phones else "",
    )


def record_of(listing: Listing) -> ListingRecord:
    seller = None
    if listing.seller is not None:
        seller = SellerRecord(
            platform=listing.seller.platform,
            name=listing.seller.name,
            url=listing.seller.url,
            location=listing.seller.location,
            identifiers=tuple((i.kind, i.value) for i in listing.seller.identifiers),
        )
    return ListingRecord(
        url=listing.url,
        platform=listing.platform,
        title=listing.title,
        description=listing.description,
        price=listing.price,
        currency=listing.currency,
        external_id=listing.external_id,
        images=tuple(listing.images or ()),
        seller=seller,
    )


def rematch(session: Session, matcher: Matcher, *, today: date, now: datetime | None = None) -> int:
    """Re-run the rules over every stored listing (after a registry import or a new catalogue)."""
    now = now or utcnow()
    count = 0
    query = select(Listing).options(selectinload(Listing.hits), selectinload(Listing.seller))
    for listing in session.scalars(query.execution_options(yield_per=500)):
        apply_verdict(listing, matcher.check(record_of(listing), today=today), now)
        count += 1
    return count
