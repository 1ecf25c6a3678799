"""Crawl runs: when a spider started and finished, and what it reported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casebook.models import CrawlRun, utcnow


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
