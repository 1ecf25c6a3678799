"""Operations: the scheduler's run history, and alerts raised on anomalous crawls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# What a schedule fires: a patrol plan's crawl, or the monitoring re-check of takedown links.
SCHEDULED_KINDS = ("crawl_plan", "recheck")
# running -> done | failed; skipped: the previous run of the same key was still going (no
# overlap); missed fire times after downtime are not rows of their own: the one catch-up run
# carries how many it stands for (`missed`).
SCHEDULED_STATUSES = ("running", "done", "failed", "skipped")
# A plan's item count dropped, its error rate climbed, a site started blocking.
ALERT_KINDS = ("item_drop", "error_rate", "blocking")


class ScheduledRun(Base):
    """One firing of a schedule: for which time it was due, what it started, how it ended.

    `key` is "plan:<id>" or "recheck"; (key, due_at) is unique, so two scheduler processes
    can never both run the same firing."""

    __tablename__ = "scheduled_runs"
    __table_args__ = (
        UniqueConstraint("key", "due_at"),
        Index("ix_scheduled_runs_plan_id_due_at", "plan_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_plans.id"))
    schedule: Mapped[str] = mapped_column(String(100), default="")  # the cron line it fired on
    due_at: Mapped[datetime]
    missed: Mapped[int] = mapped_column(default=0)  # earlier firings this catch-up run covers
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    reason: Mapped[str] = mapped_column(Text, default="")  # why skipped or failed
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Alert(Base):
    """An anomaly seen in a crawl, for an analyst to look at; acknowledged, never deleted."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_acknowledged_at_raised_at", "acknowledged_at", "raised_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_plans.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    site: Mapped[str] = mapped_column(String(300), default="")  # the domain, for blocking
    message: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what was measured vs usual
    raised_at: Mapped[datetime] = mapped_column(index=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
