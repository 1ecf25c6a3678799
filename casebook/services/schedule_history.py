"""Scheduled patrols, read: the scheduler's run history and each scheduled plan's next firings
and last run (the runs themselves are made by services.schedule), scoped like the plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from casebook.models import SCHEDULED_STATUSES, PatrolPlan, ScheduledRun
from casebook.services.schedule import ScheduleError, next_firings, plan_key


def history(
    session: Session,
    plan_where: ColumnElement[bool],
    *,
    national: bool,
    plan_id: int | None = None,
    status: str | None = None,
    after_id: int = 0,
    newest_first: bool = False,
    before_id: int | None = None,
    limit: int = 50,
) -> list[ScheduledRun]:
    """Runs the caller may see: those of plans `plan_where` (services.access.plan_condition)
    lets through, and for `national` callers the re-checks, which belong to no plan. In id order
    after `after_id` (the API's cursor), or newest first (before `before_id`: the pages)."""
    if status is not None and status not in SCHEDULED_STATUSES:
        raise ScheduleError(f"status: {status!r} is not one of {', '.join(SCHEDULED_STATUSES)}")
    unplanned = ScheduledRun.plan_id.is_(None) if national else false()
    query = (
        select(ScheduledRun)
        .outerjoin(PatrolPlan, PatrolPlan.id == ScheduledRun.plan_id)
        .where(or_(unplanned, and_(ScheduledRun.plan_id.is_not(None), plan_where)))
    )
    if plan_id is not None:
        query = query.where(ScheduledRun.plan_id == plan_id)
    if status is not None:
        query = query.where(ScheduledRun.status == status)
    if newest_first:
        if before_id is not None:
            query = query.where(ScheduledRun.id < before_id)
        query = query.order_by(ScheduledRun.id.desc())
    else:
        query = query.where(ScheduledRun.id > after_id).order_by(ScheduledRun.id)
    return list(session.scalars(query.limit(limit)))


@dataclass(frozen=True)
class Planned:
    """A scheduled plan as the schedule page shows it: its next firings and its last run."""

    plan: PatrolPlan
    upcoming: list[datetime]
    last: ScheduledRun | None


def scheduled_plans(
    session: Session, plan_where: ColumnElement[bool], *, count: int = 3, now=None
) -> list[Planned]:
    """The active plans with a schedule that `plan_where` lets the caller see."""
    found = session.scalars(
        select(PatrolPlan)
        .where(PatrolPlan.status == "active", PatrolPlan.schedule != "", plan_where)
        .order_by(PatrolPlan.id)
    )
    return [
        Planned(
            plan, next_firings(plan.schedule, count, now=now), last_run(session, plan_key(plan.id))
        )
        for plan in found
    ]


def plan_names(session: Session, plan_ids: list[int | None]) -> dict[int, str]:
    """Plan id -> name, for the plans these runs belong to."""
    ids = {i for i in plan_ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(PatrolPlan.id, PatrolPlan.name).where(PatrolPlan.id.in_(ids)))
    return {plan_id: name for plan_id, name in rows}


def last_run(session: Session, key: str) -> ScheduledRun | None:
    query = select(ScheduledRun).where(ScheduledRun.key == key)
    return session.scalar(query.order_by(ScheduledRun.id.desc()).limit(1))


def public(run: ScheduledRun) -> dict[str, Any]:
    """A run as the API and `patroli scheduler history` show it (times ISO 8601 UTC, Z)."""
    return {
        "id": run.id,
        "key": run.key,
        "kind": run.kind,
        "plan_id": run.plan_id,
        "schedule": run.schedule,
        "due_at": _iso(run.due_at),
        "missed": run.missed,
        "status": run.status,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "reason": run.reason,
        "job_id": run.job_id,
        "crawl_run_ids": list((run.result or {}).get("crawl_runs") or []),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
