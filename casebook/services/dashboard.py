"""The operational-center dashboard: counts per SOP stage, platform, commodity, violation and
seller city; takedown figures; SLA overdue; weekly trends — all from aggregate SQL.

Every figure is a GROUP BY the database answers (a few dozen rows come back, never the
listings themselves), so the page stays fast at millions of listings. Each stage is counted
by its own date within the period: listings — with their findings, commodities and sellers'
cities — by when they were first seen, register entries by when they were decided, links by
when their list was made (and taken down by when a re-check found them gone), letters by
when they were sent. Weeks are ISO weeks in Asia/Jakarta time. What a user sees comes from
`services.access` (role, unit, classification); a national role may narrow it to one unit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, distinct, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import True_

from casebook.models import (
    Hit,
    Letter,
    LetterResponse,
    Listing,
    PatrolPlan,
    RegisterEntry,
    Seller,
    TakedownLink,
    TakedownList,
    utcnow,
)
from casebook.services import access, dashboard_weeks
from casebook.services.calendar import working_calendar
from casebook.services.plans import planning_due

JAKARTA = ZoneInfo("Asia/Jakarta")
STAGES = ("plans", "found", "with_findings", "registered", "listed", "letters_sent", "taken_down")
TOP = 10  # cities and platforms beyond the top ten are summed as "lainnya"
DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Filters:
    """The period [since, until) and, for national roles, one unit ("" = every unit)."""

    since: datetime | None = None
    until: datetime | None = None
    unit: str = ""


@dataclass
class PlatformFigures:
    found: int = 0
    with_findings: int = 0
    listed: int = 0
    taken_down: int = 0


@dataclass
class Overdue:
    """Work past its due time: links still up after the platform's deadline (1×24 h), sent
    letters with no answer after their mutu baku, draft plans past their 5 HK."""

    links: int = 0
    letters: int = 0
    plans: int = 0

    @property
    def total(self) -> int:
        return self.links + self.letters + self.plans


@dataclass
class Dashboard:
    filters: Filters
    stages: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    link_statuses: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, PlatformFigures] = field(default_factory=dict)
    by_commodity: dict[str, int] = field(default_factory=dict)
    by_violation: dict[str, int] = field(default_factory=dict)
    by_city: list[tuple[str, int]] = field(default_factory=list)
    median_hours_to_takedown: float | None = None
    overdue: Overdue = field(default_factory=Overdue)
    weeks: list[str] = field(default_factory=list)
    trend: dict[str, list[int]] = field(default_factory=dict)  # found / listed / taken_down

    @property
    def takedown_rate(self) -> float | None:
        listed = self.stages.get("listed", 0)
        return round(self.stages.get("taken_down", 0) / listed, 4) if listed else None


def _where(scope: access.Scope, filters: Filters, kind: str) -> ColumnElement[bool]:
    """What `scope` may see of `kind` (services.access), narrowed to one unit on request of a
    national role; any other role sees its own unit and what was shared with it."""
    where = access.condition(scope, kind)
    if not (scope.national and filters.unit):
        return where
    unit = access.home_unit(filters.unit)
    narrowed = {
        "plan": lambda: _unit_is(PatrolPlan.unit, unit),
        "entry": lambda: _unit_is(RegisterEntry.unit, unit),
        "list": lambda: _unit_is(TakedownList.unit, unit),
        "letter": lambda: Letter.list_id.in_(
            select(TakedownList.id).where(_unit_is(TakedownList.unit, unit))
        ),
        # The listings that unit reads: its plans' finds, its entries', those shared with it.
        "listing": lambda: access.listing_condition(access.Scope("", "upt_officer", unit)),
    }[kind]()
    return and_(where, narrowed)


def _unit_is(column, unit: str) -> ColumnElement[bool]:
    # Work nobody assigned to a unit is Dit. Siber's (as services.access reads it).
    return column.in_(("", access.DIT_SIBER)) if unit == access.DIT_SIBER else column == unit


def _everything(where: ColumnElement[bool]) -> bool:
    return isinstance(where, True_)


def figures(
    session: Session, scope: access.Scope, filters: Filters, *, now: datetime | None = None
) -> Dashboard:
    """Everything the dashboard shows, for what `scope` may see."""
    now = now or utcnow()
    out = Dashboard(filters)
    _plans(session, scope, filters, out, now)
    _listings(session, scope, filters, out)
    _findings(session, scope, filters, out)
    _register(session, scope, filters, out)
    _links(session, scope, filters, out, now)
    _letters(session, scope, filters, out, now)
    _median_hours(session, scope, filters, out)
    _trend(session, scope, filters, out, now)
    return out


def overdue(session: Session, scope: access.Scope, *, now: datetime | None = None) -> Overdue:
    """Only the SLA overdue counts (draft plans past 5 HK, listed links up past the platform's
    deadline, letters past mutu baku), all time, as the dashboard counts them."""
    now = now or utcnow()
    out = Dashboard(Filters())
    _plans(session, scope, out.filters, out, now)
    _links(session, scope, out.filters, out, now)
    _letters(session, scope, out.filters, out, now)
    return out.overdue


def units(session: Session, scope: access.Scope) -> list[str]:
    """The units a national role may narrow the dashboard to (those with plans or lists)."""
    if not scope.national:
        return []
    found = set(session.scalars(select(PatrolPlan.unit).distinct()))
    found |= set(session.scalars(select(TakedownList.unit).distinct()))
    found |= set(session.scalars(select(RegisterEntry.unit).distinct()))
    return sorted({access.home_unit(unit) for unit in found})


# Plans (SOP step 1)


def _plans(session, scope, filters, out: Dashboard, now: datetime) -> None:
    where = _in_period(_where(scope, filters, "plan"), PatrolPlan.created_at, filters)
    out.stages["plans"] = session.scalar(select(func.count(PatrolPlan.id)).where(where)) or 0
    # Drafts are few (a unit plans a handful a month): their due dates are read one by one.
    drafts = session.scalars(
        select(PatrolPlan).where(_where(scope, filters, "plan"), PatrolPlan.status == "draft")
    ).all()
    if drafts:
        calendar = working_calendar(session)
        today = now.astimezone(JAKARTA).date()
        out.overdue.plans = sum(1 for plan in drafts if planning_due(plan, calendar) < today)


# Listings and findings (SOP step 2)


def _listings(session, scope, filters: Filters, out: Dashboard) -> None:
    """Found and with-findings per platform, commodity and seller city.

    Whether a listing has a current finding is its `has_findings` flag (kept beside the hits
    by services.listings), so each count reads one small index — (platform, has_findings),
    (category, has_findings), (seller_id, has_findings) — never the hits: probing the hits
    listing by listing cost ~3 s of CPU at a million listings."""
    where = _in_period(_where(scope, filters, "listing"), Listing.first_seen, filters)
    flagged = and_(where, Listing.has_findings)
    if filters.since or filters.until:  # the rows are read for their date: one pass for both
        commodities = _one_pass(session, where, out)
    else:
        query = (
            select(Listing.platform, Listing.has_findings, func.count())
            .where(where)
            .group_by(Listing.platform, Listing.has_findings)
        )
        for platform, has_findings, n in session.execute(query):
            figures = out.by_platform.setdefault(platform, PlatformFigures())
            figures.found += n
            figures.with_findings += n if has_findings else 0
        commodities = Counter(
            {
                category or "lainnya": n
                for category, n in session.execute(_count_by(Listing.category, flagged))
            }
        )
    out.stages["found"] = sum(f.found for f in out.by_platform.values())
    out.stages["with_findings"] = sum(f.with_findings for f in out.by_platform.values())
    out.by_commodity = dict(sorted(commodities.items(), key=lambda item: (-item[1], item[0])))
    # Counted per seller first (one index, in order), then the few thousand sellers' cities.
    per_seller = _count_by(Listing.seller_id, flagged).subquery()
    cities = (
        select(Seller.location, func.sum(per_seller.c.n))
        .join(per_seller, per_seller.c.seller_id == Seller.id)
        .group_by(Seller.location)
    )
    out.by_city = _top(_fold_cities(session.execute(cities)))


def _one_pass(session, where, out: Dashboard) -> Counter[str]:
    flagged = func.sum(case((Listing.has_findings, 1), else_=0))
    query = (
        select(Listing.platform, Listing.category, func.count(), flagged)
        .where(where)
        .group_by(Listing.platform, Listing.category)
    )
    commodities: Counter[str] = Counter()
    for platform, category, found, with_findings in session.execute(query):
        figures = out.by_platform.setdefault(platform, PlatformFigures())
        figures.found += found
        figures.with_findings += with_findings or 0
        if with_findings:
            commodities[category or "lainnya"] += with_findings
    return commodities


def _count_by(column, where):
    return select(column, func.count().label("n")).where(where).group_by(column)


def _findings(session, scope, filters: Filters, out: Dashboard) -> None:
    # Current findings only; counted per listing, so a listing with two hits of one code is one.
    # The period is the listings' (first seen), read from its index, never from the hits' rows.
    where = Hit.superseded_at.is_(None)
    listing_where = _in_period(_where(scope, filters, "listing"), Listing.first_seen, filters)
    if not _everything(listing_where):  # national roles, all time: a pure index count
        where = and_(where, Hit.listing_id.in_(select(Listing.id).where(listing_where)))
    query = (
        select(Hit.code, func.count(distinct(Hit.listing_id)))
        .where(where)
        .group_by(Hit.code)
        .order_by(func.count(distinct(Hit.listing_id)).desc(), Hit.code)
    )
    out.by_violation = dict(session.execute(query).all())


def _fold_cities(rows) -> Counter[str]:
    """Sellers write their city many ways ("KOTA BANDUNG", "Bandung "): one name per city."""
    cities: Counter[str] = Counter()
    for location, n in rows:
        name = " ".join((location or "").split()).title()
        for prefix in ("Kota ", "Kabupaten ", "Kab. ", "Kab "):
            name = name.removeprefix(prefix)
        cities[name or "(tidak diketahui)"] += n
    return cities


def _top(counts: Counter[str]) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    head, rest = ranked[:TOP], ranked[TOP:]
    return head + ([("lainnya", sum(n for _, n in rest))] if rest else [])


# Register Informasi (SOP step 3)


def _register(session, scope, filters: Filters, out: Dashboard) -> None:
    where = _in_period(_where(scope, filters, "entry"), RegisterEntry.decided_at, filters)
    query = (
        select(RegisterEntry.decision, func.count()).where(where).group_by(RegisterEntry.decision)
    )
    out.decisions = dict(session.execute(query).all())
    out.stages["registered"] = sum(out.decisions.values())


# Takedown lists, letters, monitoring (SOP steps 4-8)


def _links(session, scope, filters: Filters, out: Dashboard, now: datetime) -> None:
    late = and_(
        Letter.deadline_at.is_not(None),
        Letter.deadline_at < now,
        TakedownLink.link_status != "nonactive",
    )
    query = (
        select(
            TakedownLink.platform,
            TakedownLink.link_status,
            func.count(),
            func.sum(case((late, 1), else_=0)),
        )
        .join(TakedownList, TakedownList.id == TakedownLink.list_id)
        .outerjoin(Letter, Letter.id == TakedownLink.letter_id)
        .where(_in_period(_where(scope, filters, "list"), TakedownList.created_at, filters))
        .group_by(TakedownLink.platform, TakedownLink.link_status)
    )
    statuses: Counter[str] = Counter()
    for platform, status, n, overdue in session.execute(query):
        figures = out.by_platform.setdefault(platform, PlatformFigures())
        figures.listed += n
        figures.taken_down += n if status == "nonactive" else 0
        statuses[status] += n
        out.overdue.links += overdue or 0
    out.link_statuses = dict(statuses)
    out.stages["listed"] = sum(statuses.values())
    out.stages["taken_down"] = statuses.get("nonactive", 0)


def _letters(session, scope, filters: Filters, out: Dashboard, now: datetime) -> None:
    where = and_(_where(scope, filters, "letter"), Letter.status == "sent")
    since, until = _days(filters)
    if since is not None:
        where = and_(where, Letter.sent_on >= since)
    if until is not None:
        where = and_(where, Letter.sent_on < until)
    sent = select(func.count(Letter.id))
    out.stages["letters_sent"] = session.scalar(sent.where(where)) or 0
    answered = select(LetterResponse.id).where(LetterResponse.letter_id == Letter.id).exists()
    today = now.astimezone(JAKARTA).date()
    late = where & Letter.due_on.is_not(None) & (Letter.due_on < today) & ~answered
    out.overdue.letters = session.scalar(sent.where(late)) or 0


def _median_hours(session, scope, filters: Filters, out: Dashboard) -> None:
    """Median hours from the list to the re-check that found the link gone, by ORDER BY and
    OFFSET in the database: only the one or two middle values come back."""
    hours = _hours(session, TakedownList.created_at, TakedownLink.taken_down_at).label("hours")
    where = _in_period(_where(scope, filters, "list"), TakedownList.created_at, filters)
    where = and_(
        where, TakedownLink.taken_down_at.is_not(None), TakedownLink.link_status == "nonactive"
    )
    base = select(hours).join(TakedownList, TakedownList.id == TakedownLink.list_id).where(where)
    n = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    if not n:
        return
    middle = session.scalars(base.order_by(hours).offset((n - 1) // 2).limit(2 - n % 2)).all()
    out.median_hours_to_takedown = round(max(0.0, sum(map(float, middle)) / len(middle)), 1)


def _hours(session: Session, start, end):
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return func.extract("epoch", end - start) / 3600.0


# Weekly trends (services.dashboard_weeks)


def _trend(session, scope, filters: Filters, out: Dashboard, now: datetime) -> None:
    first, last = dashboard_weeks.span(filters.since, filters.until, now, DEFAULT_WEEKS)
    start = datetime.combine(first, datetime.min.time(), JAKARTA)
    end = datetime.combine(last + timedelta(days=7), datetime.min.time(), JAKARTA)
    shown = Filters(start.astimezone(UTC), end.astimezone(UTC), filters.unit)
    out.weeks, out.trend = dashboard_weeks.trend(
        session,
        first,
        last,
        found=_in_period(_where(scope, filters, "listing"), Listing.first_seen, shown),
        listed=_in_period(_where(scope, filters, "list"), TakedownList.created_at, shown),
        taken_down=_in_period(_where(scope, filters, "list"), TakedownLink.taken_down_at, shown),
    )


# Period helpers


def _in_period(where, column, filters: Filters):
    if filters.since is not None:
        where = and_(where, column >= filters.since)
    if filters.until is not None:
        where = and_(where, column < filters.until)
    return where


def _days(filters: Filters) -> tuple[date | None, date | None]:
    """The period as Jakarta dates, for date columns (a letter's sent_on)."""

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(JAKARTA).date() if moment else None

    return day(filters.since), day(filters.until)
