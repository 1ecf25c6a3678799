"""Who sees what: a user's role, unit and clearance, as conditions on casebook queries.

The UI and the API ask the same questions here, so a page and an endpoint can never disagree
about what one user may see. Roles are ordered (models.people.ROLES); unit and classification
limits come on top of the order:

- analysts and admins (Dit. Siber) see every unit's work, up to rahasia;
- everyone else sees their own unit's plans, entries, lists and letters, and what another unit
  shared with theirs, up to their clearance (a share never lifts a clearance);
- reviewers (Dit. Was, Dit. Intelijen) also see the letters addressed to their directorate;
- listings carry no classification: Dit. Siber's members read every one, another unit the
  listings its plans found, its entries stand on, and those shared with it.

A user without a unit, like a plan without one, is Dit. Siber's. A single object the caller may
not see answers as one that does not exist (NotVisible; the web's 404), so an id cannot be
probed for another unit's work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select, true
from sqlalchemy.orm import Session

from casebook.models import (
    CLASSIFICATIONS,
    ROLES,
    SHARE_KINDS,
    Actor,
    ActorAccount,
    Capture,
    CrawlRun,
    Letter,
    Listing,
    PatrolPlan,
    RegisterEntry,
    Share,
    TakedownLink,
    TakedownList,
    UnitListing,
    utcnow,
)
from casebook.services import audit

# Dit. Siber's analysts and admins work for every unit; every other role for its own.
NATIONAL_ROLES = frozenset({"analyst", "admin"})
# The highest classification (naskah dinas: biasa < terbatas < rahasia) each role may read.
CLEARANCE = {
    "viewer": "biasa",
    "reviewer": "terbatas",
    "upt_officer": "terbatas",
    "analyst": "rahasia",
    "admin": "rahasia",
}
# The same name services.plans gives Dit. Siber (kept here too: plans imports this module).
DIT_SIBER = "Direktorat Siber Obat dan Makanan"
_DIT_SIBER_NAMES = {"dit. siber", "dit siber", "direktorat siber", "siber", DIT_SIBER.lower()}
# A reviewer's unit -> the letter recipient it answers for (DESIGN §3 recipients).
_REVIEWED = (
    (re.compile(r"intel", re.IGNORECASE), "dit_intelijen"),
    (re.compile(r"\bwas\b|pengawasan", re.IGNORECASE), "dit_was"),
)
KINDS = {
    "plan": PatrolPlan,
    "entry": RegisterEntry,
    "list": TakedownList,
    "letter": Letter,
    "listing": Listing,
    "capture": Capture,
    "run": CrawlRun,
    "actor": Actor,
}


class AccessError(Exception):
    """The user may not do this (role too low) or see this (other unit, higher classification)."""


class NotVisible(AccessError):
    """No such object, or one the user may not see: the two answer alike (404)."""


def home_unit(unit: str | None) -> str:
    """A unit's one name: spaces collapsed; none, or any name of Dit. Siber, is Dit. Siber."""
    unit = " ".join((unit or "").split())
    return DIT_SIBER if not unit or unit.lower().rstrip(".") in _DIT_SIBER_NAMES else unit


@dataclass(frozen=True)
class Scope:
    """The part of a user that access depends on."""

    username: str
    role: str
    unit: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise AccessError(f"unknown role {self.role!r}")
        object.__setattr__(self, "unit", home_unit(self.unit))

    @classmethod
    def of(cls, user) -> Scope:
        """From anything with `username`, `role` and `unit` (a User, the web's session user)."""
        return cls(user.username, user.role, getattr(user, "unit", "") or "")

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def national(self) -> bool:
        return self.role in NATIONAL_ROLES

    @property
    def cleared_for(self) -> tuple[str, ...]:
        top = CLASSIFICATIONS.index(CLEARANCE[self.role])
        return CLASSIFICATIONS[: top + 1]

    @property
    def reviews_for(self) -> str | None:
        """The recipient whose referrals this reviewer reads and answers (None: not a reviewer)."""
        if self.role != "reviewer":
            return None
        return next((to for pattern, to in _REVIEWED if pattern.search(self.unit)), None)


def require(scope: Scope, role: str) -> None:
    if not scope.may(role):
        raise AccessError(f"this needs the role {role} or higher")


# -- conditions (one per kind; each keeps to indexed columns) ---------------------------------


def plan_condition(scope: Scope) -> ColumnElement[bool]:
    """Plans `scope` may see: cleared for the plan's classification, and of its unit or shared
    with it unless national."""
    return _unit_work(scope, "plan", PatrolPlan.id, PatrolPlan.unit, PatrolPlan.classification)


def entry_condition(scope: Scope) -> ColumnElement[bool]:
    """Register Informasi entries `scope` may see (as plans)."""
    return _unit_work(
        scope, "entry", RegisterEntry.id, RegisterEntry.unit, RegisterEntry.classification
    )


def list_condition(scope: Scope) -> ColumnElement[bool]:
    """Takedown lists `scope` may see (as plans)."""
    return _unit_work(
        scope, "list", TakedownList.id, TakedownList.unit, TakedownList.classification
    )


def letter_condition(scope: Scope) -> ColumnElement[bool]:
    """Letters `scope` may see: cleared for the letter's classification, and the letter's list
    is its unit's (or shared with it), or the letter itself was shared with it, or it refers an
    actor the unit may see, or — for a reviewer — the letter is addressed to the reviewer's
    directorate."""
    cleared = Letter.classification.in_(scope.cleared_for)
    if scope.national:
        return cleared
    lists = select(TakedownList.id).where(
        or_(_own_unit(TakedownList.unit, scope), _shared("list", TakedownList.id, scope))
    )
    reach = [Letter.list_id.in_(lists), _shared("letter", Letter.id, scope)]
    # a Rekomendasi Pelaku has no list: it is read with the actor it is about
    reach.append(Letter.actor_id.in_(select(Actor.id).where(actor_condition(scope))))
    if scope.reviews_for:
        reach.append(Letter.recipient == scope.reviews_for)
    return and_(cleared, or_(*reach))


def listing_condition(scope: Scope) -> ColumnElement[bool]:
    """Listings `scope` may read: every one for the national roles and Dit. Siber's members;
    for another unit, one indexed lookup in the listings it reached (UnitListing)."""
    if scope.national or scope.unit == DIT_SIBER:
        return true()
    reached = select(UnitListing.listing_id).where(UnitListing.unit == scope.unit)
    return Listing.id.in_(reached)


def capture_condition(scope: Scope) -> ColumnElement[bool]:
    """Captures (evidence files) `scope` may open: those of the listings it may read."""
    if scope.national or scope.unit == DIT_SIBER:
        return true()
    reached = select(UnitListing.listing_id).where(UnitListing.unit == scope.unit)
    return Capture.listing_id.in_(reached)


def actor_condition(scope: Scope) -> ColumnElement[bool]:
    """Actors (offenders) `scope` may see: every one for the national roles and Dit. Siber's
    members; for another unit, an actor with at least one account whose listing it may read."""
    if scope.national or scope.unit == DIT_SIBER:
        return true()
    reached = (
        select(ActorAccount.actor_id)
        .join(Listing, Listing.seller_id == ActorAccount.seller_id)
        .join(UnitListing, UnitListing.listing_id == Listing.id)
        .where(UnitListing.unit == scope.unit)
    )
    return Actor.id.in_(reached)


def run_condition(scope: Scope) -> ColumnElement[bool]:
    """Crawl runs `scope` may see: those of the plans it may see; a run of no plan (an ad-hoc
    crawl of tips) only for the national roles."""
    planned = CrawlRun.plan_id.in_(select(PatrolPlan.id).where(plan_condition(scope)))
    return or_(CrawlRun.plan_id.is_(None), planned) if scope.national else planned


CONDITIONS = {
    "plan": plan_condition,
    "entry": entry_condition,
    "list": list_condition,
    "letter": letter_condition,
    "listing": listing_condition,
    "capture": capture_condition,
    "run": run_condition,
    "actor": actor_condition,
}


def condition(scope: Scope, kind: str) -> ColumnElement[bool]:
    if kind not in CONDITIONS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(CONDITIONS)}")
    return CONDITIONS[kind](scope)


def _unit_work(scope: Scope, kind: str, id_column, unit_column, classification_column):
    cleared = classification_column.in_(scope.cleared_for)
    if scope.national:
        return cleared
    return and_(cleared, or_(_own_unit(unit_column, scope), _shared(kind, id_column, scope)))


def _own_unit(column, scope: Scope) -> ColumnElement[bool]:
    # Work nobody assigned to a unit (unit "") is Dit. Siber's, like a plan without a unit.
    return column.in_(("", DIT_SIBER)) if scope.unit == DIT_SIBER else column == scope.unit


def _shared(kind: str, id_column, scope: Scope) -> ColumnElement[bool]:
    shared = select(Share.object_id).where(Share.unit == scope.unit, Share.kind == kind)
    return id_column.in_(shared)


# -- one object, or many by id ----------------------------------------------------------------


def ensure_visible(session: Session, scope: Scope, kind: str, object_id: int) -> None:
    """Nothing when `scope` may see this object; NotVisible when it may not or it does not
    exist — the same answer, so another unit's ids cannot be probed."""
    model = KINDS.get(kind)
    if model is None:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    found = session.scalar(select(model.id).where(model.id == object_id, _one(scope, kind)))
    if found is None:
        raise NotVisible(f"no {_NAMES[kind]} {object_id}")


def _one(scope: Scope, kind: str) -> ColumnElement[bool]:
    """The condition for a few objects by id: a listing (or its capture) is looked up in the
    unit's listings by primary key, not by reading every listing the unit reaches."""
    if kind not in ("listing", "capture") or scope.national or scope.unit == DIT_SIBER:
        return condition(scope, kind)
    listing_id = Listing.id if kind == "listing" else Capture.listing_id
    return exists().where(UnitListing.unit == scope.unit, UnitListing.listing_id == listing_id)


def visible(session: Session, scope: Scope, kind: str, object_id: int) -> bool:
    """Whether `scope` may see this object (False also when it does not exist)."""
    try:
        ensure_visible(session, scope, kind, object_id)
    except NotVisible:
        return False
    return True


def require_visible(session: Session, scope: Scope, kind: str, ids: Sequence[int]) -> None:
    """NotVisible naming the first ids of `ids` that `scope` may not see (or that do not exist)."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    model, seen = KINDS[kind], set()
    for chunk in _chunks(wanted):
        query = select(model.id).where(model.id.in_(chunk), _one(scope, kind))
        seen.update(session.scalars(query))
    missing = [i for i in wanted if i not in seen]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise NotVisible(f"no {_NAMES[kind]} {shown}")


_NAMES = {"plan": "patrol plan", "entry": "register entry", "list": "takedown list",
          "letter": "letter", "listing": "listing", "capture": "capture",
          "run": "crawl run", "actor": "actor"}  # fmt: skip


# -- sharing ----------------------------------------------------------------------------------


def share(
    session: Session,
    scope: Scope,
    kind: str,
    object_id: int,
    unit: str,
    *,
    now: datetime | None = None,
) -> Share:
    """Share one piece of work with another unit (audited); sharing again changes nothing.

    Analysts and admins share anything; an UPT officer only its own unit's work. The unit's
    members then read it up to their own clearance: a share never lifts a classification."""
    target = _check_share(session, scope, kind, object_id, unit)
    existing = session.scalar(
        select(Share).where(Share.kind == kind, Share.object_id == object_id, Share.unit == target)
    )
    if existing is not None:
        return existing
    now = now or utcnow()
    shared = Share(kind=kind, object_id=object_id, unit=target, shared_by=scope.username,
                   shared_at=now)  # fmt: skip
    session.add(shared)
    claim_listings(session, target, _listings_of(session, kind, object_id), f"{kind}:{object_id}")
    session.flush()
    audit.record(session, scope.username, "access.share", f"{kind}:{object_id}", None,
                 {"unit": target}, now=now)  # fmt: skip
    return shared


def unshare(
    session: Session,
    scope: Scope,
    kind: str,
    object_id: int,
    unit: str,
    *,
    now: datetime | None = None,
) -> bool:
    """Take a share back (audited): the unit no longer reads the work, nor the listings the
    share let it read. False when it was not shared with that unit."""
    target = _check_share(session, scope, kind, object_id, unit)
    gone = session.execute(
        delete(Share).where(Share.kind == kind, Share.object_id == object_id, Share.unit == target)
    ).rowcount
    if not gone:
        return False
    session.execute(
        delete(UnitListing).where(
            UnitListing.unit == target, UnitListing.via == f"{kind}:{object_id}"
        )
    )
    audit.record(session, scope.username, "access.unshare", f"{kind}:{object_id}",
                 {"unit": target}, None, now=now)  # fmt: skip
    return True


def shares_of(session: Session, kind: str, object_id: int) -> list[Share]:
    """The units one piece of work is shared with, in the order it was shared."""
    query = select(Share).where(Share.kind == kind, Share.object_id == object_id)
    return list(session.scalars(query.order_by(Share.id)))


def _check_share(session: Session, scope: Scope, kind: str, object_id: int, unit: str) -> str:
    if kind not in SHARE_KINDS:
        raise ValueError(f"cannot share a {kind!r}; one of {', '.join(SHARE_KINDS)}")
    if not (unit or "").strip():
        raise ValueError("share with which unit? none given")
    target = home_unit(unit)
    require(scope, "upt_officer")
    ensure_visible(session, scope, kind, object_id)
    if not scope.national and _owner_unit(session, kind, object_id) != scope.unit:
        raise AccessError(f"only an analyst may share {_NAMES[kind]} {object_id}: "
                          "it is not your unit's work")  # fmt: skip
    return target


def _owner_unit(session: Session, kind: str, object_id: int) -> str | None:
    if kind == "letter":
        list_id = session.scalar(select(Letter.list_id).where(Letter.id == object_id))
        return _owner_unit(session, "list", list_id) if list_id is not None else None
    column = {"plan": PatrolPlan.unit, "entry": RegisterEntry.unit, "list": TakedownList.unit}
    if kind not in column:
        return None  # a listing belongs to no unit: only the national roles share one
    model = KINDS[kind]
    return home_unit(session.scalar(select(column[kind]).where(model.id == object_id)))


def _listings_of(session: Session, kind: str, object_id: int) -> list[int]:
    """The listings a share of this object lets the unit read."""
    if kind == "listing":
        return [object_id]
    if kind == "entry":
        query = select(RegisterEntry.listing_id).where(RegisterEntry.id == object_id)
    elif kind == "list":
        query = select(TakedownLink.listing_id).where(TakedownLink.list_id == object_id)
    elif kind == "letter":
        letter = session.get(Letter, object_id)
        covered = [int(i) for i in (letter.files or {}).get("link_ids", ())] if letter else []
        query = select(TakedownLink.listing_id).where(
            or_(TakedownLink.letter_id == object_id, TakedownLink.id.in_(covered))
        )
    else:  # a plan: what its runs found (rows kept for the plan's own unit)
        query = select(UnitListing.listing_id).where(UnitListing.via == f"plan:{object_id}")
    return list(dict.fromkeys(session.scalars(query)))


# -- the listings a unit reaches --------------------------------------------------------------


def claim_listings(session: Session, unit: str, listing_ids: Iterable[int], via: str) -> int:
    """Let `unit` read these listings for the reason `via`; rows it has already are kept.
    Dit. Siber reads every listing, so nothing is written for it. Returns how many were new."""
    unit = home_unit(unit)
    ids = list(dict.fromkeys(int(i) for i in listing_ids))
    if unit == DIT_SIBER or not ids:
        return 0
    added = 0
    for chunk in _chunks(ids):
        have = set(session.scalars(select(UnitListing.listing_id).where(
            UnitListing.unit == unit, UnitListing.via == via, UnitListing.listing_id.in_(chunk)
        )))  # fmt: skip
        rows = [UnitListing(unit=unit, listing_id=i, via=via) for i in chunk if i not in have]
        session.add_all(rows)
        added += len(rows)
    session.flush()
    return added


def claim_plan_listings(session: Session, plan_id: int, listing_ids: Iterable[int]) -> int:
    """A run of a plan stored these listings: its unit, and the units it is shared with, read
    them from now on."""
    unit = session.scalar(select(PatrolPlan.unit).where(PatrolPlan.id == plan_id))
    if unit is None:
        return 0
    ids = list(listing_ids)
    sharers = session.scalars(
        select(Share.unit).where(Share.kind == "plan", Share.object_id == plan_id)
    )
    return sum(claim_listings(session, u, ids, f"plan:{plan_id}") for u in [unit, *sharers])


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    # SQLite caps bound parameters per statement; PostgreSQL is happy either way.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
