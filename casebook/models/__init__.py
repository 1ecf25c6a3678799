"""Typed models on one DeclarativeBase; import from here."""

from casebook.models.access import SHARE_KINDS, Share, UnitListing
from casebook.models.actors import (
    IMAGE_SOURCES,
    MEMBERSHIP_HOWS,
    SUGGESTION_STATUSES,
    Actor,
    ActorAccount,
    ActorLink,
    IdentifierStop,
    ImageHash,
    LinkPin,
    LinkSuggestion,
)
from casebook.models.audit import AuditEvent, AuditHead
from casebook.models.base import Base, utcnow
from casebook.models.followup import LetterEscalation as LetterEscalation
from casebook.models.jobs import JOB_KINDS, JOB_STATUSES, Job
from casebook.models.listings import (
    Capture,
    CrawlRun,
    Hit,
    Listing,
    ListingChange,
    Seller,
    SellerIdentifier,
)
from casebook.models.operations import (
    ALERT_KINDS,
    SCHEDULED_KINDS,
    SCHEDULED_STATUSES,
    Alert,
    ScheduledRun,
)
from casebook.models.people import ROLES, ApiToken, User
from casebook.models.plans import CLASSIFICATIONS, PLAN_STATUSES, PatrolPlan
from casebook.models.registry import PublicWarningEntry, RegisteredProduct
from casebook.models.sop import (
    DECISIONS,
    LINK_STATUSES,
    RECIPIENTS,
    HolidayOverride,
    Letter,
    LetterResponse,
    LetterSequence,
    RegisterEntry,
    TakedownLink,
    TakedownList,
)

__all__ = [
    "ALERT_KINDS",
    "CLASSIFICATIONS",
    "DECISIONS",
    "IMAGE_SOURCES",
    "JOB_KINDS",
    "JOB_STATUSES",
    "LINK_STATUSES",
    "MEMBERSHIP_HOWS",
    "PLAN_STATUSES",
    "RECIPIENTS",
    "ROLES",
    "SCHEDULED_KINDS",
    "SCHEDULED_STATUSES",
    "SHARE_KINDS",
    "SUGGESTION_STATUSES",
    "Actor",
    "ActorAccount",
    "ActorLink",
    "Alert",
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Capture",
    "CrawlRun",
    "Hit",
    "HolidayOverride",
    "IdentifierStop",
    "ImageHash",
    "Job",
    "Letter",
    "LetterResponse",
    "LetterSequence",
    "LinkPin",
    "LinkSuggestion",
    "Listing",
    "ListingChange",
    "PatrolPlan",
    "PublicWarningEntry",
    "RegisterEntry",
    "RegisteredProduct",
    "ScheduledRun",
    "Seller",
    "SellerIdentifier",
    "Share",
    "TakedownLink",
    "TakedownList",
    "UnitListing",
    "User",
    "utcnow",
]
