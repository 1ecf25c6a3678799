"""Crawl runs: when a spider started and finished, and what it reported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from casebook.models import CrawlRun, PatrolPlan, utcnow
from casebook.services.access import NotVisible


class RunNotFound(LookupError):
    """No crawl run has this id (the API's 404)."""


def start_run(
    session: Session,
    spider: str,
    arguments: dict[str, Any] | None = None,
    *,
    plan_id: int | None = None,
    now: datetime | None = None,
) -> CrawlRun:
    run = CrawlRun(
        spider=spider, arguments=arguments or {}, plan_id=plan_id, started_at=now or utcnow()
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    status: str,
    stats: dict[str, Any],
    *,
    now: datetime | None = None,
) -> None:
    run = session.get_one(CrawlRun, run_id)
    run.status, run.stats, run.finished_at = status, stats, now or utcnow()


def runs_after(
    session: Session,
    plan_where: ColumnElement[bool],
    *,
    national: bool,
    plan_id: int | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[CrawlRun]:
    """Runs in id order after a cursor: those of plans `plan_where` (an access condition) lets
    through, and, for `national` callers, the ad-hoc runs no plan started (tips, re-checks)."""
    query = _visible(select(CrawlRun), plan_where, national).where(CrawlRun.id > after_id)
    if plan_id is not None:
        query = query.where(CrawlRun.plan_id == plan_id)
    return list(session.scalars(query.order_by(CrawlRun.id).limit(limit)))


def visible_run(
    session: Session, run_id: int, plan_where: ColumnElement[bool], *, national: bool
) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise RunNotFound(f"no crawl run {run_id}")
    seen = _visible(select(CrawlRun.id), plan_where, national).where(CrawlRun.id == run_id)
    if session.scalar(seen) is None:
        raise NotVisible(f"no crawl run {run_id}")  # another unit's answers as a missing one
    return run


def _visible(query, plan_where: ColumnElement[bool], national: bool):
    adhoc = CrawlRun.plan_id.is_(None) if national else false()
    return query.outerjoin(PatrolPlan, PatrolPlan.id == CrawlRun.plan_id).where(
        or_(adhoc, and_(CrawlRun.plan_id.is_not(None), plan_where))
    )
