"""Patrol plans (SOP step 1, mutu baku 5 HK): risk basis, categories, keywords, target sites,
schedule, responsible unit, classification, period; their status; the crawl runs they produced.

A plan is made in draft, approved (on its risk basis), run while active and closed at the end
of its period: draft -> approved -> active -> closed, and a draft or an approved plan may be
closed (dropped) early. Changing what an approved or active plan looks for sends it back to
draft. Bad input is a PlanError that names the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from casebook.models import CLASSIFICATIONS, PLAN_STATUSES, CrawlRun, PatrolPlan, utcnow
from casebook.services import audit
from casebook.services.access import NotVisible
from casebook.sla import WorkingCalendar, due
from rules.model import CATEGORIES

JAKARTA = ZoneInfo("Asia/Jakarta")  # schedules and the plan's own dates are read in WIB
DIT_SIBER = "Direktorat Siber Obat dan Makanan"
_DIT_SIBER_NAMES = {"dit. siber", "dit siber", "direktorat siber", DIT_SIBER.lower(), "siber"}
# Regional offices (UPT BPOM): Balai Besar POM, Balai POM, Loka POM, as they write themselves.
_UPT = re.compile(r"(balai besar pom|balai pom|loka pom|bbpom|bpom|loka|upt)\b", re.IGNORECASE)
# "pangan" covers both kinds of processed food when a plan does not tell them apart.
PRODUCT_CATEGORIES = (*CATEGORIES, "pangan")
TRANSITIONS = {
    "draft": ("approved", "closed"),
    "approved": ("active", "closed"),
    "active": ("closed",),
    "closed": (),
}
_CONTENT = ("keywords", "targets", "categories", "unit", "schedule", "risk_basis",
            "classification", "period_start", "period_end")  # fmt: skip


class PlanError(ValueError):
    """A plan that cannot be saved or moved; the message names the field or the plan."""


class PlanNotFound(PlanError):
    """No patrol plan has this id (the API's 404)."""


def save_plan(
    session: Session,
    name: str,
    *,
    keywords: list[str],
    targets: list[dict[str, Any]],
    categories: list[str] | None = None,
    unit: str = "",
    schedule: str = "",
    risk_basis: str = "",
    classification: str = "biasa",
    period_start: date | None = None,
    period_end: date | None = None,
    actor: str,
    now: datetime | None = None,
) -> PatrolPlan:
    """Create the plan, or update the one with the same name (saving the same twice is a
    no-op). A closed plan stays as it was; a changed approved or active plan is a draft again."""
    name = _required("name", name, 200)
    values = {
        "keywords": _keywords(keywords),
        "targets": [_target(n, t) for n, t in enumerate(targets or [], start=1)],
        "categories": _categories(categories or []),
        "unit": responsible_unit(unit),
        "schedule": normalize_schedule(schedule),
        "risk_basis": (risk_basis or "").strip(),
        "classification": _choice("classification", classification, CLASSIFICATIONS),
        "period_start": period_start,
        "period_end": period_end,
    }
    if period_start and period_end and period_end < period_start:
        raise PlanError(f"period_end: {period_end} is before period_start {period_start}")
    plan = session.scalar(select(PatrolPlan).where(PatrolPlan.name == name))
    before = public(plan) if plan else None
    if plan is None:
        plan = PatrolPlan(name=name, status="draft", created_by=actor, created_at=now or utcnow())
        session.add(plan)
    elif plan.status == "closed":
        raise PlanError(f"plan {plan.id} ({name}) is closed: make a new plan")
    changed = any(getattr(plan, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(plan, field, value)
    if changed and plan.status in ("approved", "active"):
        plan.status, plan.approved_by, plan.approved_at = "draft", None, None
    session.flush()
    if before != public(plan):
        audit.record(session, actor, "plan.save", f"plan:{plan.id}", before, public(plan), now=now)
    return plan


def set_status(
    session: Session, plan_id: int, status: str, *, actor: str, now: datetime | None = None
) -> PatrolPlan:
    """Move a plan along draft -> approved -> active -> closed; the same status twice is a
    no-op. Approval needs a risk basis, keywords and targets (SOP step 1: plan from a risk
    assessment)."""
    plan = get_plan(session, plan_id)
    status = _choice("status", status, PLAN_STATUSES)
    if plan.status == status:
        return plan
    if status not in TRANSITIONS[plan.status]:
        raise PlanError(f"plan {plan.id} is {plan.status}: it cannot become {status}")
    if status == "approved":
        for field in ("risk_basis", "keywords", "targets"):
            if not getattr(plan, field):
                raise PlanError(f"{field}: plan {plan.id} cannot be approved without it")
        plan.approved_by, plan.approved_at = actor, now or utcnow()
    before = public(plan)
    plan.status = status
    session.flush()
    audit.record(session, actor, "plan.status", f"plan:{plan.id}", before, public(plan), now=now)
    return plan


def get_plan(session: Session, plan_id: int) -> PatrolPlan:
    """The plan with this id; a missing one is a plain error naming it."""
    plan = session.get(PatrolPlan, plan_id)
    if plan is None:
        raise PlanNotFound(f"no patrol plan {plan_id}")
    return plan


def visible_plan(session: Session, plan_id: int, where: ColumnElement[bool]) -> PatrolPlan:
    """The plan, when `where` (an access condition, services.access.plan_condition) lets the
    caller see it; another unit's plan answers as a missing one (NotVisible)."""
    plan = get_plan(session, plan_id)
    if session.scalar(select(PatrolPlan.id).where(PatrolPlan.id == plan_id, where)) is None:
        raise NotVisible(f"no patrol plan {plan_id}")
    return plan


def plan_named(session: Session, name: str) -> PatrolPlan | None:
    return session.scalar(select(PatrolPlan).where(PatrolPlan.name == " ".join(name.split())))


def plans_after(
    session: Session,
    where: ColumnElement[bool],
    *,
    status: str | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[PatrolPlan]:
    """Plans the access condition `where` lets through, in id order after a cursor."""
    query = select(PatrolPlan).where(where, PatrolPlan.id > after_id)
    if status:
        query = query.where(PatrolPlan.status == _choice("status", status, PLAN_STATUSES))
    return list(session.scalars(query.order_by(PatrolPlan.id).limit(limit)))


def list_plans(
    session: Session, *, status: str | None = None, unit: str | None = None
) -> list[PatrolPlan]:
    query = select(PatrolPlan).order_by(PatrolPlan.id)
    if status:
        query = query.where(PatrolPlan.status == _choice("status", status, PLAN_STATUSES))
    if unit:
        query = query.where(PatrolPlan.unit == responsible_unit(unit))
    return list(session.scalars(query))


@dataclass(frozen=True)
class RunSummary:
    """One crawl run of a plan, with the figures an officer reads from it."""

    id: int
    spider: str
    site: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    pages: int
    stored: int
    with_violations: int
    failed: int

    def public(self) -> dict[str, Any]:
        return {**self.__dict__, "started_at": _iso(self.started_at),
                "finished_at": _iso(self.finished_at)}  # fmt: skip


def plan_runs(session: Session, plan_id: int) -> list[RunSummary]:
    """The crawl runs this plan produced, oldest first."""
    get_plan(session, plan_id)
    runs = session.scalars(
        select(CrawlRun).where(CrawlRun.plan_id == plan_id).order_by(CrawlRun.id)
    )
    return [run_summary(run) for run in runs]


def run_summary(run: CrawlRun) -> RunSummary:
    stats = run.stats or {}
    return RunSummary(
        id=run.id,
        spider=run.spider,
        site=str(run.arguments.get("site") or run.arguments.get("url") or ""),
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        pages=int(stats.get("response_received_count", 0)),
        stored=int(stats.get("patroli/stored", 0)),
        with_violations=int(stats.get("patroli/listings_with_hits", 0)),
        failed=int(stats.get("patroli/failed_urls", 0)),
    )


def planning_due(plan: PatrolPlan, calendar: WorkingCalendar | None = None) -> date:
    """The SOP's mutu baku for step 1: 5 working days after the plan was started (WIB)."""
    return due(plan.created_at.astimezone(JAKARTA).date(), "plan", calendar)


def public(plan: PatrolPlan, calendar: WorkingCalendar | None = None) -> dict[str, Any]:
    """The plan as the CLI and the API show it (and the audit trail keeps it)."""
    out: dict[str, Any] = {"name": plan.name, "status": plan.status}
    for field in _CONTENT:
        value = getattr(plan, field)
        out[field] = value.isoformat() if isinstance(value, date) else value
    if calendar is not None:  # only for showing: the audit trail keeps what was decided
        out = {"id": plan.id, **out, "approved_by": plan.approved_by,
               "approved_at": _iso(plan.approved_at), "created_by": plan.created_by,
               "created_at": _iso(plan.created_at),
               "planning_due": planning_due(plan, calendar).isoformat()}  # fmt: skip
    return out


# Field checks: each error names its field.


def _required(field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise PlanError(f"{field}: required")
    if len(value) > limit:
        raise PlanError(f"{field}: longer than {limit} characters")
    return value


def _choice(field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise PlanError(f"{field}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _keywords(keywords: list[str]) -> list[str]:
    if isinstance(keywords, str):
        raise PlanError("keywords: a list of words, not one string")
    out: list[str] = []
    for n, word in enumerate(keywords, start=1):
        word = _required(f"keywords[{n}]", word, 100)
        if word.lower() not in (seen.lower() for seen in out):
            out.append(word)
    if not out:
        raise PlanError("keywords: a plan needs at least one keyword")
    return out


def _categories(categories: list[str]) -> list[str]:
    for category in categories:
        _choice("categories", category, PRODUCT_CATEGORIES)
    return list(dict.fromkeys(categories))


def _target(n: int, target: dict[str, Any]) -> dict[str, Any]:
    """{"spider": NAME, "site": PROFILE} or {"spider": NAME, "url": URL}, plus spider options."""
    if not isinstance(target, dict) or not isinstance(target.get("spider"), str):
        raise PlanError(f"targets[{n}]: needs a spider name")
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", target["spider"]):
        raise PlanError(f"targets[{n}]: {target['spider']!r} is not a spider name")
    url = target.get("url")
    if url is not None and not re.match(r"https?://[^\s/]+", str(url)):
        raise PlanError(f"targets[{n}]: url {url!r} is not an http(s) address")
    return dict(target)


def responsible_unit(unit: str) -> str:
    """Dit. Siber (any of its names; also when none is given) or an UPT BPOM by its name."""
    unit = " ".join((unit or "").split())
    if not unit or unit.lower().rstrip(".") in _DIT_SIBER_NAMES:
        return DIT_SIBER
    if len(unit) > 200 or not _UPT.match(unit):
        raise PlanError(f"unit: {unit!r} is neither Dit. Siber nor an UPT BPOM "
                        "(Balai Besar POM / Balai POM / Loka POM di ...)")  # fmt: skip
    return unit


# Schedules: five cron fields (minute hour day-of-month month day-of-week) in Asia/Jakarta.

_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12),
           ("day of week", 0, 7))  # fmt: skip
_ALIASES = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0",
            "@monthly": "0 0 1 * *"}  # fmt: skip


def normalize_schedule(schedule: str) -> str:
    """A cron line, checked; "" is no schedule (run by hand). `@daily`-style aliases and
    "daily HH:MM" are written out as cron."""
    text = " ".join((schedule or "").split())
    if not text:
        return ""
    daily = re.fullmatch(r"daily (\d{1,2}):(\d{2})", text, re.IGNORECASE)
    if daily:
        text = f"{int(daily[2])} {int(daily[1])} * * *"
    text = _ALIASES.get(text.lower(), text)
    cron_fields(text)
    return text


def cron_fields(cron: str) -> list[set[int]]:
    """Minute, hour, day, month and weekday (0 is Sunday): the one reading of a cron line."""
    parts = cron.split()
    if len(parts) != 5:
        raise PlanError(f"schedule: {cron!r} needs 5 fields (minute hour day month weekday)")
    return [_field(part, *spec) for part, spec in zip(parts, _FIELDS, strict=True)]


def _field(part: str, name: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for item in part.split(","):
        match = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", item)
        if not match:
            raise PlanError(f"schedule: {name} {item!r} is not a cron value")
        first, last = (low, high) if match[1] == "*" else (int(match[2]), int(match[3] or match[2]))
        step = int(match[4] or 1)
        if not (low <= first <= last <= high) or step < 1:
            raise PlanError(f"schedule: {name} {item!r} is out of {low}-{high}")
        values.update(range(first, last + 1, step))
    if name == "day of week" and 7 in values:
        values = (values - {7}) | {0}  # both 0 and 7 are Sunday
    return values


def next_run(schedule: str, after: datetime) -> datetime | None:
    """The first time (aware, Asia/Jakarta) after `after` that the schedule names; None for
    no schedule or one that never fires (e.g. 31 February)."""
    if not schedule:
        return None
    minutes, hours, days, months, weekdays = cron_fields(schedule)
    start = after.astimezone(JAKARTA).replace(second=0, microsecond=0) + timedelta(minutes=1)
    # Cron's rule: when both day fields are restricted, either one matching is enough.
    either = len(days) < 31 and len(weekdays) < 7
    day = start.date()
    for _ in range(366 * 5):
        cron_weekday = (day.weekday() + 1) % 7
        hit = (day.day in days or cron_weekday in weekdays) if either else (
            day.day in days and cron_weekday in weekdays)  # fmt: skip
        if day.month in months and hit:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=JAKARTA)
                    if at >= start:
                        return at
        day += timedelta(days=1)
    return None


def next_runs(schedule: str, after: datetime, count: int = 5) -> list[datetime]:
    """The next `count` times (Asia/Jakarta) the schedule names after `after`."""
    out: list[datetime] = []
    at = next_run(schedule, after)
    while at is not None and len(out) < count:
        out.append(at)
        at = next_run(schedule, at)
    return out


def targets_from_text(text: str) -> list[dict[str, Any]]:
    """Targets as an officer types them, one a line: `SPIDER SITE` (a site profile) or
    `SPIDER URL`; each bad line is a PlanError naming it."""
    targets: list[dict[str, Any]] = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if len(words) != 2:
            raise PlanError(f"targets[{n}]: {line.strip()!r} is not 'SPIDER SITE' or 'SPIDER URL'")
        spider, where = words
        key = "url" if "://" in where else "site"  # a URL is checked as one: http(s) only
        targets.append(_target(n, {"spider": spider, key: where}))
    return targets


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
