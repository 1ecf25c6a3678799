"""SOP step 8, Monitoring dan evaluasi: did listed links go down, and what goes round again.

A link is *taken down* when the re-check of its listing found it `nonactive` (positive evidence
only) after it was listed; *still up* when found `active`; `unknown` otherwise. A link whose
letter's platform deadline has passed while it is still up is *overdue*, and is proposed
again in a new list (SOP: "link yang masih aktif diusulkan kembali"), keeping the chain of
proposals (`proposal`, `previous_link_id`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from casebook.models import Letter, Listing, TakedownLink, TakedownList, utcnow
from casebook.services import audit


@dataclass
class Figures:
    """Counts for one group (a platform, a recipient, a commodity, or everything)."""

    listed: int = 0
    taken_down: int = 0
    still_up: int = 0
    unknown: int = 0
    reproposed: int = 0
    overdue: int = 0
    hours_to_takedown: list[float] = field(default_factory=list, repr=False)

    @property
    def takedown_rate(self) -> float | None:
        return round(self.taken_down / self.listed, 4) if self.listed else None

    @property
    def median_hours_to_takedown(self) -> float | None:
        return round(median(self.hours_to_takedown), 1) if self.hours_to_takedown else None

    def as_dict(self) -> dict[str, object]:
        return {
            "listed": self.listed,
            "taken_down": self.taken_down,
            "still_up": self.still_up,
            "unknown": self.unknown,
            "reproposed": self.reproposed,
            "overdue": self.overdue,
            "takedown_rate": self.takedown_rate,
            "median_hours_to_takedown": self.median_hours_to_takedown,
        }


@dataclass
class Report:
    since: datetime | None
    until: datetime | None
    overall: Figures
    by_platform: dict[str, Figures]
    by_recipient: dict[str, Figures]
    by_commodity: dict[str, Figures]


def refresh_links(session: Session, *, now: datetime | None = None) -> int:
    """Copy the listings' latest re-checks onto every link listed before them; a link first seen
    gone gets its takedown time. Returns how many links changed."""
    now = now or utcnow()
    rows = session.execute(
        select(TakedownLink, Listing.status, Listing.status_checked_at)
        .join(Listing, Listing.id == TakedownLink.listing_id)
        .where(Listing.status_checked_at.is_not(None))
        .where(
            (TakedownLink.checked_at.is_(None))
            | (Listing.status_checked_at > TakedownLink.checked_at)
        )
    ).all()
    for link, status, checked_at in rows:
        link.link_status, link.checked_at = status, checked_at
        if status == "nonactive" and link.taken_down_at is None:
            link.taken_down_at = checked_at
        elif status == "active":
            link.taken_down_at = None  # it reappeared: not down after all
    return len(rows)


def report(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
    visible: ColumnElement[bool] | None = None,
) -> Report:
    """Figures per platform, recipient and commodity for links listed in [since, until).

    `visible` is a condition on takedown lists (access.list_condition): the figures then count
    only the links of lists the caller may see; without it, every unit's links (the national
    monev report, the CLI)."""
    now = now or utcnow()
    later = aliased(TakedownLink)
    reproposed = select(later.id).where(later.previous_link_id == TakedownLink.id).exists()
    overdue = and_(Letter.deadline_at.is_not(None), Letter.deadline_at < now,
                   TakedownLink.link_status != "nonactive")  # fmt: skip
    per_link = (
        select(
            TakedownLink.platform.label("platform"),
            TakedownLink.recipient.label("recipient"),
            TakedownLink.commodity.label("commodity"),
            TakedownLink.link_status.label("status"),
            case((reproposed, 1), else_=0).label("again"),
            case((overdue, 1), else_=0).label("late"),
        )
        .join(TakedownList, TakedownList.id == TakedownLink.list_id)
        .outerjoin(Letter, Letter.id == TakedownLink.letter_id)
    )
    per_link = _period(per_link, since, until, visible).subquery()
    groups = (per_link.c.platform, per_link.c.recipient, per_link.c.commodity, per_link.c.status)
    query = select(*groups, func.count(), func.sum(per_link.c.again),
                   func.sum(per_link.c.late)).group_by(*groups)  # fmt: skip
    out = Report(since, until, Figures(), defaultdict(Figures), defaultdict(Figures),
                 defaultdict(Figures))  # fmt: skip
    for platform, recipient, commodity, status, count, again, late in session.execute(query):
        for figures in (out.overall, out.by_platform[platform], out.by_recipient[recipient],
                        out.by_commodity[commodity]):  # fmt: skip
            _add(figures, status, count, again or 0, late or 0)
    _hours_to_takedown(session, out, since, until, visible)
    return out


def repropose(
    session: Session, *, actor: str, now: datetime | None = None, unit: str = ""
) -> TakedownList | None:
    """A new list of the links still up after their letter's deadline; None when there are none.
    Each link is proposed once more per round: a link already carried forward is skipped."""
    now = now or utcnow()
    later = aliased(TakedownLink)
    due = session.scalars(
        select(TakedownLink)
        .join(Letter, Letter.id == TakedownLink.letter_id)
        .where(Letter.status == "sent", Letter.deadline_at < now)
        .where(TakedownLink.link_status == "active")
        .where(~select(later.id).where(later.previous_link_id == TakedownLink.id).exists())
        .order_by(TakedownLink.id)
    ).all()
    if not due:
        return None
    note = "usulan ulang: tautan masih aktif setelah batas waktu"
    new_list = TakedownList(created_by=actor, created_at=now, unit=unit, note=note)
    session.add(new_list)
    session.flush()
    for old in due:
        session.add(TakedownLink(
            list_id=new_list.id, entry_id=old.entry_id, listing_id=old.listing_id, url=old.url,
            platform=old.platform, platform_kind=old.platform_kind, commodity=old.commodity,
            recipient=old.recipient,
            link_status=old.link_status, checked_at=old.checked_at,
            proposal=old.proposal + 1, previous_link_id=old.id,
        ))  # fmt: skip
    session.flush()
    audit.record(session, actor, "takedown_list.repropose", f"takedown_list:{new_list.id}", None,
                 {"previous_link_ids": [link.id for link in due]}, now=now)  # fmt: skip
    return new_list


def history(session: Session, link_id: int) -> list[TakedownLink]:
    """Every proposal of the same link, first to last."""
    first = session.get(TakedownLink, link_id)
    while first is not None and first.previous_link_id is not None:
        first = session.get(TakedownLink, first.previous_link_id)
    chain: list[TakedownLink] = []
    link = first
    while link is not None:
        chain.append(link)
        link = session.scalar(select(TakedownLink).where(TakedownLink.previous_link_id == link.id))
    return chain


def _add(figures: Figures, status: str, count: int, again: int, late: int) -> None:
    figures.listed += count
    figures.reproposed += again
    figures.overdue += late
    if status == "nonactive":
        figures.taken_down += count
    elif status == "active":
        figures.still_up += count
    else:
        figures.unknown += count


def _hours_to_takedown(session: Session, out: Report, since, until, visible) -> None:
    # From the list that recommended it to the re-check that found it gone: the letter's date
    # has no time of day. Hours are computed by the database; medians need the values.
    query = (
        select(
            TakedownLink.platform,
            TakedownLink.recipient,
            TakedownLink.commodity,
            _hours(session, TakedownList.created_at, TakedownLink.taken_down_at),
        )
        .join(TakedownList, TakedownList.id == TakedownLink.list_id)
        .where(TakedownLink.taken_down_at.is_not(None), TakedownLink.link_status == "nonactive")
    )
    rows = session.execute(_period(query, since, until, visible))
    for platform, recipient, commodity, hours in rows:
        hours = max(0.0, float(hours))
        for figures in (out.overall, out.by_platform[platform], out.by_recipient[recipient],
                        out.by_commodity[commodity]):  # fmt: skip
            figures.hours_to_takedown.append(hours)


def _hours(session: Session, start, end):
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return func.extract("epoch", end - start) / 3600.0


def _period(query, since, until, visible=None):
    """The links of lists made in [since, until), of the lists `visible` allows."""
    if visible is not None:
        query = query.where(visible)
    if since is not None:
        query = query.where(TakedownList.created_at >= since)
    if until is not None:
        query = query.where(TakedownList.created_at < until)
    return query
