"""Operational figures of the casebook for monitoring (GET /metrics): crawl runs, what they
fetched and stored, jobs, scheduled runs, open alerts, SLA overdue work, takedown links.

Every figure is an aggregate the database answers (COUNT / SUM / MAX with GROUP BY over
indexed or small tables); no row comes back to Python per listing, link or run, so a scrape
stays cheap at millions of listings. The SLA overdue counts are the dashboard's own
(services.dashboard), for every unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.models import (
    ALERT_KINDS,
    JOB_STATUSES,
    SCHEDULED_STATUSES,
    Alert,
    Capture,
    CrawlRun,
    Job,
    Listing,
    PatrolPlan,
    ScheduledRun,
    TakedownLink,
    utcnow,
)
from casebook.services import access, dashboard

# The run stats (crawler/extensions.py) summed over a day: pages answered, items stored, URLs
# that failed after their retries.
RUN_FIGURES = {
    "pages": "response_received_count",
    "stored": "patroli/stored",
    "failed_urls": "patroli/failed_urls",
}
LINK_STATUSES = ("active", "nonactive", "unknown")
DAY = timedelta(hours=24)
# Who the SLA counts are for: every unit's work (a national role), as the monitoring sees it.
EVERY_UNIT = access.Scope("metrics", "admin")


@dataclass(frozen=True)
class PlanLastRun:
    plan_id: int
    name: str
    status: str
    age_seconds: float  # since its latest run started


@dataclass
class Figures:
    crawl_runs: dict[str, int] = field(default_factory=dict)  # status -> runs
    last_day: dict[str, int] = field(default_factory=dict)  # RUN_FIGURES of runs ended in 24 h
    listings: int = 0
    captures: int = 0
    plans: list[PlanLastRun] = field(default_factory=list)
    jobs: dict[str, int] = field(default_factory=dict)
    scheduled_runs: dict[str, int] = field(default_factory=dict)
    alerts_open: dict[str, int] = field(default_factory=dict)
    sla_overdue: dict[str, int] = field(default_factory=dict)  # plans / links / letters
    takedown_links: dict[str, int] = field(default_factory=dict)


def gather(session: Session, *, now: datetime | None = None) -> Figures:
    now = now or utcnow()
    out = Figures()
    out.crawl_runs = _count_by(session, CrawlRun.status, ())
    out.last_day = _last_day(session, now)
    out.listings = session.scalar(select(func.count(Listing.id))) or 0
    out.captures = session.scalar(select(func.count(Capture.id))) or 0
    out.plans = _plans(session, now)
    out.jobs = _count_by(session, Job.status, JOB_STATUSES)
    out.scheduled_runs = _count_by(session, ScheduledRun.status, SCHEDULED_STATUSES)
    out.alerts_open = _count_by(session, Alert.kind, ALERT_KINDS, Alert.acknowledged_at.is_(None))
    out.sla_overdue = _overdue(session, now)
    out.takedown_links = _count_by(session, TakedownLink.link_status, LINK_STATUSES)
    return out


def _count_by(session: Session, column, known, *where) -> dict[str, int]:
    """Rows per value of `column`; every known value is there, at zero if none."""
    counts = dict.fromkeys(known, 0)
    query = select(column, func.count()).where(*where).group_by(column)
    counts.update({str(value): n for value, n in session.execute(query)})
    return counts


def _last_day(session: Session, now: datetime) -> dict[str, int]:
    """Figures of the runs that ended in the last 24 hours, summed in the database."""
    sums = [func.coalesce(func.sum(CrawlRun.stats[key].as_float()), 0)
            for key in RUN_FIGURES.values()]  # fmt: skip
    row = session.execute(select(*sums).where(CrawlRun.finished_at >= now - DAY)).one()
    return {name: int(value or 0) for name, value in zip(RUN_FIGURES, row, strict=True)}


def _plans(session: Session, now: datetime) -> list[PlanLastRun]:
    """Each plan that is not closed and has run: how long ago its latest run started."""
    latest = (
        select(CrawlRun.plan_id, func.max(CrawlRun.started_at).label("started"))
        .where(CrawlRun.plan_id.is_not(None))
        .group_by(CrawlRun.plan_id)
        .subquery()
    )
    query = (
        select(PatrolPlan.id, PatrolPlan.name, PatrolPlan.status, latest.c.started)
        .join(latest, latest.c.plan_id == PatrolPlan.id)
        .where(PatrolPlan.status != "closed")
        .order_by(PatrolPlan.id)
    )
    out = []
    for plan_id, name, status, started in session.execute(query):
        started = _aware(started)
        out.append(PlanLastRun(plan_id, name, status, max(0.0, (now - started).total_seconds())))
    return out


def _aware(moment) -> datetime:
    """MAX() over a timestamp comes back as the driver gives it (SQLite: text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _overdue(session: Session, now: datetime) -> dict[str, int]:
    """The dashboard's SLA overdue counts, for every unit: draft plans past their 5 HK (SOP 1),
    listed links still up past the platform's deadline (SOP 5), sent letters unanswered past
    their mutu baku (SOP 6). The dashboard's own count: one definition of overdue."""
    overdue = dashboard.overdue(session, EVERY_UNIT, now=now)
    return {"plans": overdue.plans, "links": overdue.links, "letters": overdue.letters}
