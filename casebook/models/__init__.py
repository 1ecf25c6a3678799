"""Typed models on one DeclarativeBase; import from here."""

from casebook.models.audit import AuditEvent
from casebook.models.base import Base, utcnow
from casebook.models.listings import (
    Capture,
    CrawlRun,
    Hit,
    Listing,
    ListingChange,
    Seller,
    SellerIdentifier,
)
from casebook.models.people import ROLES, User
from casebook.models.plans import PatrolPlan
from casebook.models.registry import PublicWarningEntry, RegisteredProduct

__all__ = [
    "ROLES",
    "AuditEvent",
    "Base",
    "Capture",
    "CrawlRun",
    "Hit",
    "Listing",
    "ListingChange",
    "PatrolPlan",
    "PublicWarningEntry",
    "RegisteredProduct",
    "Seller",
    "SellerIdentifier",
    "User",
    "utcnow",
]
