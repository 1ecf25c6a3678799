"""SOP step 4, Rekomendasi: the List takedown — entries decided `takedown`, routed, re-checked.

Routing (SOP; DESIGN §1): marketplace links go to IdEA, social media and websites to
Kominfo/Komdigi; a registered product whose only violations are advertising ones may be sent
by the technical directorate (Dit. Was) instead. The platform's kind comes from its site
profile, which the caller knows (`kind_of`); a domain without a profile is a website.
A link's status comes from the crawler's re-check of its listing just before the list goes
out: `active`, `nonactive` (positive evidence of removal) or `unknown`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from casebook.models import (
    CLASSIFICATIONS,
    Hit,
    Listing,
    RegisterEntry,
    TakedownLink,
    TakedownList,
    utcnow,
)
from casebook.services import access, audit

KindOf = Callable[[str, str], str]  # (platform, url) -> marketplace | social | website
ADVERTISING_ONLY = frozenset({"misleading_claim"})
# Categories the rules report `no_nie` for: a listing of these without that code was
# recognised as a registered product by brand and name, even with no number shown.
NEEDS_NIE = frozenset({"obat", "obat_tradisional", "suplemen_kesehatan", "kosmetik", "obat_kuasi"})
OPEN = ("draft", "verified")


class TakedownError(ValueError):
    """A list that cannot be built or changed; the message names the entry or list."""


class ListNotFound(TakedownError):
    """No takedown list has this id (the API's 404)."""


class EntryNotFound(TakedownError):
    """A register entry asked for does not exist (the API's 404)."""


class NotDecidedTakedown(TakedownError):
    """An entry was decided intelligence or dismissed: it cannot be listed (the API's 409)."""


class AlreadyListed(TakedownError):
    """An entry is on an open (draft or verified) list already (the API's 409)."""


def route(platform_kind: str, codes: set[str], registered: bool) -> str:
    """The recipient of one link."""
    if registered and codes and codes <= ADVERTISING_ONLY:
        return "dit_was"
    return "idea" if platform_kind == "marketplace" else "komdigi"


def build_list(
    session: Session,
    entry_ids: Sequence[int],
    *,
    actor: str,
    kind_of: KindOf,
    unit: str = "",
    classification: str = "biasa",
    note: str = "",
    now: datetime | None = None,
) -> TakedownList:
    """A new draft list of these entries, each link routed to its recipient; the work of the
    creator's `unit` ("" is Dit. Siber), read by whom `classification` allows."""
    if classification not in CLASSIFICATIONS:
        raise TakedownError(f"unknown classification {classification!r}; "
                            f"one of {', '.join(CLASSIFICATIONS)}")  # fmt: skip
    now = now or utcnow()
    entries = _takedown_entries(session, entry_ids)
    takedown_list = TakedownList(created_by=actor, created_at=now, unit=access.home_unit(unit),
                                 classification=classification, note=note)  # fmt: skip
    session.add(takedown_list)
    session.flush()
    for entry in entries:
        session.add(_link(session, takedown_list, entry, kind_of))
    session.flush()
    audit.record(session, actor, "takedown_list.create", f"takedown_list:{takedown_list.id}",
                 None, {"entry_ids": [e.id for e in entries]}, now=now)  # fmt: skip
    return takedown_list


def get_list(session: Session, list_id: int) -> TakedownList:
    query = (
        select(TakedownList)
        .where(TakedownList.id == list_id)
        .options(selectinload(TakedownList.links))
    )
    found = session.scalar(query)
    if found is None:
        raise ListNotFound(f"no takedown list {list_id}")
    return found


def listing_ids(session: Session, list_id: int) -> list[int]:
    """The listings whose links a verification re-checks."""
    return [link.listing_id for link in get_list(session, list_id).links]


def refresh_statuses(
    session: Session, list_id: int, *, actor: str, now: datetime | None = None
) -> TakedownList:
    """Copy the listings' re-check results onto the list's links; the list is then verified."""
    now = now or utcnow()
    takedown_list = get_list(session, list_id)
    statuses = _statuses(session, [link.listing_id for link in takedown_list.links])
    for link in takedown_list.links:
        status, checked_at = statuses[link.listing_id]
        if checked_at is not None:
            link.link_status, link.checked_at = status, checked_at
    if takedown_list.status == "draft":
        takedown_list.status, takedown_list.verified_at = "verified", now
    counts = {s: sum(link.link_status == s for link in takedown_list.links)
              for s in ("active", "nonactive", "unknown")}  # fmt: skip
    audit.record(session, actor, "takedown_list.verify", f"takedown_list:{list_id}", None,
                 counts, now=now)  # fmt: skip
    return takedown_list


def _takedown_entries(session: Session, entry_ids: Sequence[int]) -> list[RegisterEntry]:
    ids = list(dict.fromkeys(int(i) for i in entry_ids))
    if not ids:
        raise TakedownError("no register entries to list")
    found = {
        e.id: e for e in session.scalars(select(RegisterEntry).where(RegisterEntry.id.in_(ids)))
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise EntryNotFound(f"no register entry {', '.join(map(str, missing))}")
    wrong = [f"{i} ({found[i].decision})" for i in ids if found[i].decision != "takedown"]
    if wrong:
        raise NotDecidedTakedown(f"register entries not decided takedown: {', '.join(wrong)}")
    listed = session.execute(
        select(TakedownLink.entry_id, TakedownList.id, TakedownList.status)
        .join(TakedownList)
        .where(TakedownLink.entry_id.in_(ids), TakedownList.status.in_(OPEN))
    ).all()
    if listed:
        shown = ", ".join(f"{e} (list {lst}, {st})" for e, lst, st in listed)
        raise AlreadyListed(f"register entries already on an open takedown list: {shown}")
    return [found[i] for i in ids]


def _link(session: Session, takedown_list: TakedownList, entry: RegisterEntry,
          kind_of: KindOf) -> TakedownLink:  # fmt: skip
    listing = session.get(Listing, entry.listing_id)
    assert listing is not None  # an entry always has its listing (foreign key)
    codes = set(session.scalars(select(Hit.code).where(Hit.id.in_(entry.hit_ids or [-1]))))
    kind = kind_of(listing.platform, listing.url) or "website"
    return TakedownLink(
        list_id=takedown_list.id,
        entry_id=entry.id,
        listing_id=listing.id,
        url=listing.url,
        platform=listing.platform,
        platform_kind=kind,
        commodity=listing.category or "lainnya",
        recipient=route(kind, codes, _registered(listing, codes)),
        link_status=listing.status if listing.status_checked_at else "unknown",
        checked_at=listing.status_checked_at,
    )


def _registered(listing: Listing, codes: set[str]) -> bool:
    """A registered product: it shows an NIE, or the rules recognised it in the registry."""
    return bool(listing.nies) or (listing.category in NEEDS_NIE and "no_nie" not in codes)


def _statuses(session: Session, ids: list[int]) -> dict[int, tuple[str, datetime | None]]:
    query = select(Listing.id, Listing.status, Listing.status_checked_at).where(Listing.id.in_(ids))
    return {i: (status, checked) for i, status, checked in session.execute(query)}
